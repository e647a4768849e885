"""Matrix products on the GPU through WebGPU, for Python running in a browser (Pyodide).

The kernel and its JavaScript glue are web/assets/matmul.wgsl and web/assets/gpu.js. Python
waits for the GPU with `pyodide.ffi.run_sync` (WebAssembly stack switching), so `matmul` is an
ordinary function and a model calls it as it calls numpy's. The GPU computes in float32: results
agree with numpy's float64 to about 1e-6 relative, and come back as float64.

Failures are told apart by the name of the JavaScript error: an error WebGPU reported
(validation, out of memory, internal) raises GpuFailedError and a lost device GpuUnavailableError,
so that numpy takes over (select.py); anything else (a TypeError or RangeError in the glue, a
ValueError here for shapes that do not agree) is a bug and is raised as it is.
"""

from __future__ import annotations

import contextlib
import weakref
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import numpy as np


class GpuUnavailableError(RuntimeError):
    """The GPU cannot do this product (none, lost, failed, or not waitable from here); numpy must."""


class GpuNotWaitableError(GpuUnavailableError):
    """This product was asked for outside an async task (e.g. while a page builds), where Python cannot
    wait for the GPU; numpy does it, and the GPU stays in use for the next."""


# The names gpu.js gives the failures WebGPU reports (anything else it throws is a bug), by kind.
FAILURE_KINDS = {"GPUValidationError": "validation", "GPUOutOfMemoryError": "out-of-memory",
                 "GPUInternalError": "internal", "GPUBufferTooLargeError": "too-large"}
LOST_NAME = "GPUDeviceLostError"


class GpuFailedError(GpuUnavailableError):
    """WebGPU reported an error (`kind`: validation, out-of-memory or internal), or refused a
    matrix too large for it (too-large); `message` is WebGPU's own."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind, self.message = kind, message
        detail = message.strip().split("\n")[0]  # WebGPU adds lines of call context after the first
        if kind == "too-large":
            super().__init__(f"A matrix is too large for this GPU ({detail})")
        else:
            article = "an" if kind[0] in "aeiou" else "a"
            super().__init__(f"WebGPU reported {article} {kind} error ({detail})")


def _padded(matrix: np.ndarray) -> np.ndarray:
    """float32, C-ordered, rows padded with zeros to a multiple of 4 floats (the kernel's vec4s)."""
    rows, cols = matrix.shape
    cols4 = -(-cols // 4)
    if cols == cols4 * 4 and matrix.dtype == np.float32 and matrix.flags.c_contiguous:
        return matrix
    padded = np.zeros((rows, cols4 * 4), dtype=np.float32)
    padded[:, :cols] = matrix
    return padded


class GpuArray:
    """A matrix held on the GPU. Products of GpuArrays stay there; `numpy()` reads one back."""

    def __init__(self, backend: WebGPUBackend, handle: int, shape: tuple[int, int]) -> None:
        self.backend, self.handle, self.shape = backend, handle, shape
        self._finalizer = weakref.finalize(self, backend._release, handle)

    def numpy(self) -> np.ndarray:
        """The matrix as a float64 numpy array (waits for the GPU to finish it)."""
        rows, cols = self.shape
        padded = self.backend._read(self.handle, rows * (-(-cols // 4)) * 4)
        return padded.reshape(rows, -1)[:, :cols].astype(np.float64)

    def release(self) -> None:
        self._finalizer()


class WebGPUBackend:
    """The Backend interface on WebGPU, plus GPU-resident arrays for chains of products.

    `gpu` is the JavaScript object gpu.js's createGpu() made. Recent uploads are kept on the GPU
    and reused when the same matrix, unchanged, is multiplied again (a layer's weights are used
    by its forward and its backward pass), so a training step uploads each of them once.
    """

    name = "webgpu"
    KEPT_UPLOADS = 8

    def __init__(self, gpu: Any) -> None:
        self.gpu = gpu
        self.adapter = str(gpu.adapter)
        # key -> (float32 copy, its GPU copy, its transpose on the GPU or None)
        self._uploads: OrderedDict[tuple, tuple[np.ndarray, GpuArray, GpuArray | None]] = OrderedDict()

    # ---- the Backend interface -------------------------------------------------------------

    def matmul(self, a: np.ndarray, b: np.ndarray, *, transpose_a: bool = False,
               transpose_b: bool = False) -> np.ndarray:
        left = self._kept(a, transpose_a)
        right = self._kept(b, transpose_b)
        if left.shape[1] != right.shape[0]:
            raise ValueError(f"matmul needs (m, k) and (k, n) matrices, got {left.shape} and {right.shape}")
        product = self.product(left, right)
        try:
            return product.numpy()
        finally:
            product.release()

    # ---- GPU-resident arrays ---------------------------------------------------------------

    def upload(self, matrix: np.ndarray) -> GpuArray:
        """Copy a 2-D array to the GPU."""
        matrix = np.asarray(matrix)
        if matrix.ndim != 2:
            raise ValueError(f"only matrices go to the GPU, got shape {matrix.shape}")
        padded = _padded(matrix)
        rows, cols = matrix.shape
        handle = self._call(lambda: self.gpu.create(rows, padded.shape[1] // 4))
        self._call(lambda: self.gpu.write(handle, memoryview(padded)))
        return GpuArray(self, int(handle), (rows, cols))

    def product(self, a: GpuArray, b: GpuArray) -> GpuArray:
        """a · b, computed and kept on the GPU (nothing is read back)."""
        (m, k), (k_b, n) = a.shape, b.shape
        if k != k_b:
            raise ValueError(f"cannot multiply {a.shape} by {b.shape}")
        handle = int(self._call(lambda: self.gpu.create(m, -(-n // 4))))
        result = GpuArray(self, handle, (m, n))
        self._call(lambda: self.gpu.matmul(a.handle, b.handle, handle, m, k, n))
        return result

    def transpose(self, a: GpuArray) -> GpuArray:
        """aᵀ, computed and kept on the GPU."""
        rows, cols = a.shape
        handle = int(self._call(lambda: self.gpu.create(cols, -(-rows // 4))))
        result = GpuArray(self, handle, (cols, rows))
        self._call(lambda: self.gpu.transpose(a.handle, handle, rows, cols))
        return result

    def finish(self) -> None:
        """Wait until every queued product is done (for timing)."""
        self._wait(self.gpu.finish())

    def lose(self) -> None:
        """Give the GPU device up, as a lost GPU would: every later product fails (to show the fallback)."""
        with contextlib.suppress(Exception):  # already gone
            self.gpu.lose()

    # ---- plumbing ----------------------------------------------------------------------------

    def _kept(self, matrix: np.ndarray, transposed: bool) -> GpuArray:
        """The GPU copy of `matrix` (or of its transpose, made on the GPU), reused when the same
        array comes back unchanged: a layer's weights go up once for its forward pass and serve
        its backward pass (transposed) too."""
        matrix = np.asarray(matrix)
        if matrix.ndim != 2:
            raise ValueError(f"matmul needs matrices, got shape {matrix.shape}")
        key = (id(matrix), matrix.shape, matrix.strides, matrix.__array_interface__["data"][0])
        current = matrix.astype(np.float32)
        kept = self._uploads.get(key)
        if kept is not None and np.array_equal(kept[0], current):
            on_gpu, flipped = kept[1], kept[2]
        else:
            on_gpu, flipped = self.upload(current), None
        if transposed and flipped is None:
            flipped = self.transpose(on_gpu)
        self._uploads[key] = (current, on_gpu, flipped)
        # Newest last, a changed matrix too: the oldest, released below, must not be one in use.
        self._uploads.move_to_end(key)
        if len(self._uploads) > self.KEPT_UPLOADS:
            for old in self._uploads.popitem(last=False)[1][1:]:
                if old is not None:
                    old.release()
        return flipped if transposed else on_gpu

    def _read(self, handle: int, size: int) -> np.ndarray:
        data = self._wait(self.gpu.read(handle))
        out = np.empty(size, dtype=np.float32)
        data.assign_to(out)
        return out

    def _release(self, handle: int) -> None:
        with contextlib.suppress(Exception):  # a lost device has nothing left to free
            self.gpu.release(handle)

    def _call(self, action: Any) -> Any:
        if self.gpu.lost:
            raise GpuUnavailableError(f"the GPU was lost: {self.gpu.lostReason}")
        with self._gpu_failures():
            return action()

    def _wait(self, promise: Any) -> Any:
        from pyodide.ffi import can_run_sync, run_sync

        if not can_run_sync():
            import js

            if hasattr(js.WebAssembly, "Suspending"):  # stack switching exists, just not for this call
                raise GpuNotWaitableError("Python cannot wait for the GPU outside an async task")
            raise GpuUnavailableError("Python cannot wait for the GPU here (no stack switching)")
        with self._gpu_failures():
            result = run_sync(promise)
        if self.gpu.lost:
            raise GpuUnavailableError(f"the GPU was lost: {self.gpu.lostReason}")
        return result

    @contextlib.contextmanager
    def _gpu_failures(self) -> Iterator[None]:
        """Raise GpuFailedError for an error WebGPU reported and GpuUnavailableError for a lost
        device; let anything else through as it is: a bug must show, not pass for a GPU failure."""
        try:
            yield
        except Exception as error:
            name = getattr(error, "name", None)  # a JavaScript error's name (pyodide's JsException)
            message = str(getattr(error, "message", error))
            if name in FAILURE_KINDS:
                raise GpuFailedError(FAILURE_KINDS[name], message) from error
            if name == LOST_NAME or self.gpu.lost:
                raise GpuUnavailableError(f"the GPU was lost: {self.gpu.lostReason or message}") from error
            raise
