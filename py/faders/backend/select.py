"""Which engine does a product: WebGPU when it wins, numpy otherwise, numpy after any GPU failure.

In "auto" mode the crossover is measured, not guessed: `calibrate()` times both engines on square
products of growing size in this browser and sends to the GPU only products at least as large as
the smallest one from which the GPU was faster every time. A lost or failed GPU switches the
backend to numpy for good, with a notice, and the product that failed is done again by numpy.
Any other error (a bug, or matrices whose shapes do not agree) is raised as it is: it is not the GPU's.
"""

from __future__ import annotations

import contextlib
import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial

import numpy as np

from faders.backend import NUMPY
from faders.backend.webgpu import GpuFailedError, GpuNotWaitableError, GpuUnavailableError, WebGPUBackend

MODES = ("auto", "numpy", "webgpu")
CALIBRATION_SIZES = (16, 32, 64, 96, 128, 192, 256)


@dataclass(frozen=True)
class Timing:
    size: int  # n, for an n×n by n×n product
    numpy_seconds: float
    webgpu_seconds: float


@dataclass
class Selection:
    """What the page shows: the engine in use, the GPU's name and why it is or is not used."""

    active: str
    adapter: str | None
    mode: str
    threshold_flops: float | None = None
    notices: list[str] = field(default_factory=list)


class SelectingBackend:
    """The Backend interface, choosing numpy or WebGPU product by product."""

    def __init__(self, gpu: WebGPUBackend | None, mode: str = "auto", unavailable: str | None = None) -> None:
        if mode not in MODES:
            raise ValueError(f"backend must be one of {', '.join(MODES)}, not '{mode}'")
        self.gpu, self.mode = gpu, mode
        self.threshold_flops = float("inf")  # until calibrated, auto mode stays on numpy
        self.calibration: list[Timing] = []
        self.notices: list[str] = []
        self.listeners: list[Callable[[Selection], None]] = []
        if gpu is None and mode != "numpy":
            reason = unavailable or "this browser offers no WebGPU"
            self._notice(f"WebGPU is not available ({reason}), so numpy on the CPU does every product.")

    @property
    def name(self) -> str:
        if self.gpu is None or self.mode == "numpy":
            return "numpy"
        return "webgpu" if self.mode == "webgpu" or np.isfinite(self.threshold_flops) else "numpy"

    def selection(self) -> Selection:
        threshold = self.threshold_flops if np.isfinite(self.threshold_flops) else None
        return Selection(self.name, self.gpu.adapter if self.gpu else None, self.mode, threshold,
                         list(self.notices))

    def matmul(self, a: np.ndarray, b: np.ndarray, *, transpose_a: bool = False,
               transpose_b: bool = False) -> np.ndarray:
        if self.gpu is not None and self.mode != "numpy":
            m, k = a.shape[::-1] if transpose_a else a.shape
            n = b.shape[0] if transpose_b else b.shape[1]
            if self.mode == "webgpu" or 2 * m * k * n >= self.threshold_flops:
                try:
                    return self.gpu.matmul(a, b, transpose_a=transpose_a, transpose_b=transpose_b)
                except GpuNotWaitableError:
                    pass  # this one product by numpy; the GPU stays for the next
                except GpuUnavailableError as failure:
                    self.fall_back(failure)
        return NUMPY.matmul(a, b, transpose_a=transpose_a, transpose_b=transpose_b)

    def fall_back(self, failure: str | GpuUnavailableError) -> None:
        """Stop using the GPU: numpy does every product from now on. The notice says why."""
        if self.gpu is None:
            return
        self.gpu = None
        if isinstance(failure, GpuFailedError):  # WebGPU said what went wrong: its words suffice
            self._notice(f"{failure}; numpy carries on with the same numbers.")
        else:
            self._notice(f"The GPU stopped working ({failure}); numpy carries on with the same numbers.")

    def calibrate(self, sizes: tuple[int, ...] = CALIBRATION_SIZES, repeats: int = 3) -> list[Timing]:
        """Time both engines on n×n products; set the threshold where the GPU starts to win."""
        if self.gpu is None:
            return []
        rng = np.random.default_rng(0)
        timings = []
        try:
            for n in sizes:
                a, b = rng.normal(size=(n, n)), rng.normal(size=(n, n))
                timings.append(Timing(n, _median_seconds(partial(NUMPY.matmul, a, b), repeats),
                                      _median_seconds(partial(self.gpu.matmul, a, b), repeats)))
        except GpuUnavailableError as failure:
            self.fall_back(failure)
            return timings
        self.adopt(timings)
        return timings

    def adopt(self, timings: Sequence[Timing]) -> None:
        """Set the threshold from timings measured elsewhere (a lesson's own benchmark, say)."""
        self.calibration = list(timings)
        self.threshold_flops = float("inf")
        for timing in sorted(timings, key=lambda t: t.size, reverse=True):
            if timing.webgpu_seconds >= timing.numpy_seconds:
                break  # the GPU must win at this size and every larger one
            self.threshold_flops = 2.0 * timing.size**3
        self._changed()

    @contextlib.contextmanager
    def forced(self, mode: str) -> Iterator[SelectingBackend]:
        """Use `mode` for a while (a lesson's side-by-side runs); a GPU failure meanwhile still counts."""
        if mode not in MODES:
            raise ValueError(f"backend must be one of {', '.join(MODES)}, not '{mode}'")
        saved, self.mode = self.mode, mode
        try:
            yield self
        finally:
            self.mode = saved

    def check(self) -> None:
        """Ask the GPU for one tiny product; if it fails, fall back to numpy now rather than later."""
        if self.gpu is None:
            return
        try:
            self.gpu.matmul(np.ones((1, 1)), np.ones((1, 1)))
        except GpuUnavailableError as failure:
            self.fall_back(failure)

    def _notice(self, text: str) -> None:
        self.notices.append(text)
        self._changed()

    def _changed(self) -> None:
        for listener in self.listeners:
            listener(self.selection())


def _median_seconds(work: Callable[[], object], repeats: int) -> float:
    work()  # once to warm up (first upload, compilation)
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        work()
        times.append(time.perf_counter() - began)
    return statistics.median(times)
