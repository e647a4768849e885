"""Lesson `gpus`: why GPUs matter. Matrix products timed in this browser, numpy against WebGPU,
then one network trained on each engine, and what that says about training and inference.

The state: its knobs (one declaration each), its measurements and its actions. The page is view.py,
the words words.py; the timing is faders.benchmarks', the engines faders.backend's.
"""

from __future__ import annotations

import contextlib
import statistics
from collections.abc import Callable, Iterator
from dataclasses import asdict
from functools import partial
from typing import Any, ClassVar

import numpy as np
import param

from faders import benchmarks
from faders.backend import NUMPY, Backend
from faders.backend.select import SelectingBackend, Timing
from faders.backend.webgpu import GpuUnavailableError
from faders.benchmarks import TimedEpoch
from faders.core import scale
from faders.core.mlp import MLP
from faders.lessons.gpus import words
from faders.lessons.gpus.words import MEASURES
from faders.lessons.kit.knobs import knob
from faders.lessons.kit.lesson import Lesson
from faders.lessons.kit.run import TrainingRun

# The benchmark multiplies n×n matrices for each n of this ladder up to the largest size chosen.
SIZES = (32, 64, 96, 128, 192, 256, 384, 512, 768, 1024)
LARGEST_SIZES = [64, 128, 256, 512, 1024]
# The network both engines train: 64 inputs (an 8×8 image's worth), two hidden layers, 10 classes.
INPUTS, CLASSES, EXAMPLES = 64, 10, 1000
DATA_SEED, MODEL_SEED, SHUFFLE_SEED = 0, 1, 2


def benchmark_sizes(largest: int) -> list[int]:
    """The matrix sizes the benchmark measures, smallest first, up to `largest`."""
    return [n for n in SIZES if n <= largest]


class GpusLesson(Lesson):
    """Time matrix products and training on numpy and on WebGPU, in the reader's browser."""

    slug: ClassVar[str] = "gpus"
    title: ClassVar[str] = words.TITLE
    teaser: ClassVar[str] = words.TEASER
    prose: ClassVar[str] = words.PROSE
    actions: ClassVar[tuple[str, ...]] = ("benchmark", "train", "stop", "reset", "lose_gpu")
    uses_gpu: ClassVar[bool] = True
    measures_gpu: ClassVar[bool] = True
    embed_height: ClassVar[int] = 2700

    # ---- knobs: one declaration each (kit.knobs); all locked while a measurement runs ------------
    max_size = knob(param.Selector(default=256, objects=LARGEST_SIZES, doc=words.HELP_MAX_SIZE),
                    key="size", label="Largest matrix n")
    width = knob(param.Integer(128, bounds=(8, 512), step=8, doc=words.HELP_WIDTH),
                 key="width", label="Hidden units per layer")
    batch_size = knob(param.Integer(100, bounds=(1, EXAMPLES), step=10, doc=words.HELP_BATCH_SIZE),
                      key="batch", label="Batch size", widget="input")
    epochs = knob(param.Integer(3, bounds=(1, 10), doc=words.HELP_EPOCHS), key="epochs", label="Epochs")

    # ---- results -------------------------------------------------------------------------
    status = param.Selector(default="idle", objects=["idle", "benchmarking", "benchmarked", "training",
                                                     "trained", "stopped"])
    benchmark = param.List(default=[], doc="One row per size: GFLOP/s of each engine (None: not measured).")
    training = param.List(default=[], doc="One run per engine: {'engine', 'epochs': [TimedEpoch]}.")
    cost = param.Dict(default={}, doc="Training against one inference: FLOPs and measured seconds.")
    engine = param.Dict(default={}, doc="The backend's selection: active engine, adapter, mode, notices.")
    progress_done = param.Integer(0, bounds=(0, None))
    progress_total = param.Integer(0, bounds=(0, None))
    activity = param.String("", doc="What is being measured right now.")

    def __init__(self, backend: Backend | None = None, **params: Any) -> None:
        if not isinstance(backend, SelectingBackend):
            # NUMPY (or nothing) outside a browser: the same lesson, numpy only, saying why.
            backend = (SelectingBackend(None, "numpy") if backend is NUMPY else
                       SelectingBackend(None, "auto", unavailable=words.OUTSIDE_BROWSER))
        super().__init__(backend=backend, **params)
        self.backend: SelectingBackend = backend
        # One measurement at a time, benchmark or training race: both are this run, and lock the knobs.
        self.training_run = TrainingRun(self, lock_reason=words.MEASURING)
        self._on_selection()
        backend.listeners.append(self._on_selection)

    # ---- the engine ----------------------------------------------------------------------

    def _on_selection(self, *_: Any) -> None:
        # The sizes measured for automatic choice, too: a benchmark that leaves the threshold as it
        # was still changes what the page says.
        self.engine = {**asdict(self.backend.selection()),
                       "calibrated_sizes": [timing.size for timing in self.backend.calibration]}

    @property
    def gpu_usable(self) -> bool:
        """WebGPU is there and the reader has not switched it off (?backend=numpy)."""
        return self.backend.gpu is not None and self.backend.mode != "numpy"

    def engine_summary(self) -> str:
        """Which engine does the products, on what, and why, in a line."""
        threshold = self.engine["threshold_flops"]
        square_size = None if threshold is None else benchmarks.square_size(threshold)
        return words.engine_summary(self.engine, square_size)

    def missing(self) -> str | None:
        """What a reader without WebGPU does not see, in plain words (None when WebGPU is in use)."""
        if self.gpu_usable:
            return None
        return words.missing(switched_off=self.backend.mode == "numpy" and self.engine["adapter"] is not None)

    # ---- numbers -------------------------------------------------------------------------

    @property
    def layer_sizes(self) -> list[int]:
        return [INPUTS, self.width, self.width, CLASSES]

    def results(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "message": self.message(),
            "engine": dict(self.engine),
            "missing": self.missing(),
            "progress": {"done": self.progress_done, "total": self.progress_total},
            "benchmark": [dict(row) for row in self.benchmark],
            "training": [{"engine": run["engine"],
                          "seconds_per_epoch": [e.seconds for e in run["epochs"]],
                          "losses": [e.loss for e in run["epochs"]],
                          "engines": [e.engine for e in run["epochs"]]} for run in self.training],
            "comparison": self.comparison(),
            "cost": dict(self.cost),
        }

    def comparison(self) -> dict[str, Any]:
        """Median seconds per epoch of each run, and how far the two runs' losses are apart."""
        medians = {run["engine"]: statistics.median(e.seconds for e in run["epochs"])
                   for run in self.training if run["epochs"]}
        out: dict[str, Any] = {"seconds_per_epoch": medians, "largest_loss_difference": None}
        if len(self.training) == 2:
            first, second = (run["epochs"] for run in self.training)
            shared = min(len(first), len(second))
            if shared:
                out["largest_loss_difference"] = benchmarks.largest_relative_difference(
                    [e.loss for e in second[:shared]], [e.loss for e in first[:shared]])
        return out

    def message(self) -> str:
        """What is happening, in plain words."""
        if self.status == "benchmarked":
            return self.benchmark_summary()
        if self.status == "trained":
            return self.training_summary()
        return words.status_message(self.status)

    def benchmark_summary(self) -> str:
        return words.benchmark_summary(self.benchmark)

    def training_summary(self) -> str:
        comparison = self.comparison()
        return words.training_summary(comparison["seconds_per_epoch"], comparison["largest_loss_difference"])

    def cost_summary(self) -> str:
        """Training against one inference, counted and measured."""
        return words.cost_summary(self.cost)

    def progress_text(self) -> str:
        return words.progress_text(self.progress_done, self.progress_total, self.training_run.running,
                                   self.status == "stopped", self.activity)

    # ---- knobs turned: results measured for other settings would mislead -------------------------

    @param.depends("max_size", watch=True)
    def _forget_benchmark(self) -> None:
        if not self.training_run.running:
            self.param.update(benchmark=[], status="idle" if self.status == "benchmarked" else self.status)

    @param.depends("width", "batch_size", "epochs", watch=True)
    def _forget_training(self) -> None:
        if not self.training_run.running:
            self.param.update(training=[], cost={},
                              status="idle" if self.status == "trained" else self.status)

    # ---- actions -------------------------------------------------------------------------

    async def do_benchmark(self) -> None:
        """numpy, then WebGPU (arithmetic only, then with copies), for each size in turn."""
        run = self.training_run
        if not await run.wait_turn():
            return
        sizes = benchmark_sizes(self.max_size)
        measures = list(MEASURES)[:3 if self.gpu_usable else 1]
        run.begin("benchmarking", benchmark=[], progress_done=0, progress_total=len(sizes) * len(measures),
                  activity="Starting")
        rows: list[dict[str, Any]] = []
        timings: list[Timing] = []
        for n in sizes:
            row: dict[str, Any] = {"size": n, **dict.fromkeys(MEASURES)}
            rows.append(row)
            seconds: dict[str, float] = {}
            for key, measure in self._product_timers(n, measures):
                self.activity = words.measuring(n, key)
                await run.rest(0)  # the page shows what is being measured, and a Stop gets in
                if run.stop_requested:
                    break
                if key == "numpy_gflops" or self.gpu_usable:  # a GPU lost meanwhile is skipped
                    try:
                        seconds[key] = measure()
                        row[key] = benchmarks.gflops(benchmarks.matmul_flops(n, n, n), seconds[key])
                    except GpuUnavailableError as failure:
                        self.backend.fall_back(failure)
                self.param.update(benchmark=[dict(r) for r in rows], progress_done=self.progress_done + 1)
            if run.stop_requested:
                break
            if "webgpu_round_trip_gflops" in seconds:
                timings.append(Timing(n, seconds["numpy_gflops"], seconds["webgpu_round_trip_gflops"]))
        if not run.stop_requested and self.backend.mode == "auto" and self.gpu_usable and timings:
            self.backend.adopt(timings)
        run.end("benchmarked", activity="")

    def _product_timers(self, n: int, measures: list[str]) -> Iterator[tuple[str, Callable[[], float]]]:
        a, b = benchmarks.square_matrices(n, seed=n)
        timers = {"numpy_gflops": partial(benchmarks.numpy_product_seconds, a, b),
                  "webgpu_gflops": lambda: benchmarks.webgpu_product_seconds(self.backend.gpu, a, b),
                  "webgpu_round_trip_gflops":
                      lambda: benchmarks.webgpu_round_trip_seconds(self.backend.gpu, a, b)}
        return ((key, timers[key]) for key in measures)

    async def do_train(self) -> None:
        """The same network, data and steps on numpy, then on WebGPU; every epoch timed."""
        run = self.training_run
        if not await run.wait_turn():
            return
        engines = ["numpy", "webgpu"] if self.gpu_usable else ["numpy"]
        run.begin("training", training=[], cost={}, progress_done=0,
                  progress_total=self.epochs * len(engines), activity="Starting")
        data = benchmarks.digits_like_data(EXAMPLES, INPUTS, CLASSES, seed=DATA_SEED)
        runs: list[dict[str, Any]] = []
        models: list[MLP] = []
        for engine in engines:
            models.append(await self._train_on(engine, data, runs))
            if run.stop_requested:
                break
        if not run.stop_requested:
            self.cost = self.measure_cost(models[0], data[0], runs[0]["epochs"])
        run.end("trained", activity="")

    async def _train_on(self, engine: str, data: tuple[np.ndarray, np.ndarray, str],
                        runs: list[dict[str, Any]]) -> MLP:
        """One engine's run of the race, appended to `runs` epoch by epoch; returns its model."""
        x, y, loss = data
        on_gpu = engine == "webgpu"
        model = MLP(self.layer_sizes, "tanh", seed=MODEL_SEED, backend=self.backend if on_gpu else NUMPY)
        epochs: list[TimedEpoch] = []
        runs.append({"engine": engine, "epochs": epochs})
        with self.backend.forced("webgpu") if on_gpu else contextlib.nullcontext():
            for timed in benchmarks.timed_training(model, x, y, loss, self.epochs, self.batch_size,
                                                   SHUFFLE_SEED):
                epochs.append(timed)
                self.param.update(training=[dict(r, epochs=list(r["epochs"])) for r in runs],
                                  progress_done=self.progress_done + 1,
                                  activity=words.training_epoch(engine, timed.epoch, self.epochs))
                await self.training_run.rest(0)  # the page draws the epoch, and a Stop gets in
                if self.training_run.stop_requested:
                    break
        self._on_selection()  # the mode is back to what it was
        return model

    def measure_cost(self, model: MLP, x: np.ndarray, epochs: list[TimedEpoch]) -> dict[str, float]:
        """Training (all epochs) against one inference: FLOPs by formula, seconds measured (numpy)."""
        n = model.parameter_count
        one = x[:1]
        inference_seconds = benchmarks.seconds_per_run(lambda: model.predict(one), min_seconds=0.05)
        training_seconds = sum(e.seconds for e in epochs)
        return {"parameters": n, "examples_seen": EXAMPLES * len(epochs),
                "training_flops": scale.training_flops(n, EXAMPLES * len(epochs)),
                "inference_flops": scale.inference_flops_per_token(n),
                "training_seconds": training_seconds, "inference_seconds": inference_seconds,
                "measured_ratio": training_seconds / inference_seconds}

    def recover(self) -> None:
        """After an action failed half-way: a measurement left running is marked stopped (the run),
        and the engine shown is the backend's again (a race on the GPU may have left it forced)."""
        super().recover()
        self._on_selection()

    async def do_stop(self) -> None:
        self.training_run.stop()

    async def do_reset(self) -> None:
        await self.training_run.halt()  # a running measurement lets go before its results go
        self.param.update(benchmark=[], training=[], cost={}, progress_done=0, progress_total=0,
                          activity="", status="idle")

    async def do_lose_gpu(self) -> None:
        """Give the GPU up, as a crashed driver or an unplugged GPU would: numpy takes over."""
        if self.backend.gpu is None:
            return
        self.backend.gpu.lose()
        if not self.training_run.running:  # a running measurement finds out at its next product
            self.backend.check()
