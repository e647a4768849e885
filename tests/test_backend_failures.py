"""How the selecting backend meets each kind of GPU failure, in CPython with a stand-in GPU that
raises what WebGPUBackend raises: an error WebGPU reported, a lost device, or a bug. (The same
failures made for real on SwiftShader are in tests/e2e/test_webgpu_backend.py.)"""

from __future__ import annotations

import numpy as np
import pytest

from faders.backend.select import SelectingBackend
from faders.backend.webgpu import GpuFailedError, GpuUnavailableError

A, B = np.arange(6.0).reshape(2, 3), np.ones((3, 2))


class FailingGpu:
    """Raises `error` for every product."""

    name, adapter = "webgpu", "stand-in adapter"

    def __init__(self, error: Exception) -> None:
        self.error = error

    def matmul(self, a: np.ndarray, b: np.ndarray, **transposes: bool) -> np.ndarray:
        raise self.error


@pytest.mark.parametrize(("kind", "message", "notice"), [
    ("validation", "[Buffer (unlabeled)] used in submit while destroyed.\n - While calling [Queue].Submit()",
     "WebGPU reported a validation error ([Buffer (unlabeled)] used in submit while destroyed.); "
     "numpy carries on with the same numbers."),
    ("out-of-memory", "Out of memory allocating a buffer of 1073741824 bytes.",
     "WebGPU reported an out-of-memory error (Out of memory allocating a buffer of 1073741824 bytes.); "
     "numpy carries on with the same numbers."),
    ("internal", "The backend failed to compile the pipeline.",
     "WebGPU reported an internal error (The backend failed to compile the pipeline.); "
     "numpy carries on with the same numbers."),
    ("too-large", "a 9000×9000 matrix needs 324000000 bytes; its largest buffer holds 134217728",
     "A matrix is too large for this GPU (a 9000×9000 matrix needs 324000000 bytes; its largest buffer "
     "holds 134217728); numpy carries on with the same numbers."),
])
def test_an_error_webgpu_reports_is_named_in_the_notice_and_numpy_redoes_the_product(
        kind: str, message: str, notice: str) -> None:
    backend = SelectingBackend(FailingGpu(GpuFailedError(kind, message)), "webgpu")  # type: ignore[arg-type]
    np.testing.assert_array_equal(backend.matmul(A, B), A @ B)
    assert backend.name == "numpy" and backend.gpu is None
    assert backend.notices == [notice]


def test_a_lost_gpu_is_still_said_to_have_stopped_working() -> None:
    lost = GpuUnavailableError("the GPU was lost: Device was destroyed.")
    backend = SelectingBackend(FailingGpu(lost), "webgpu")  # type: ignore[arg-type]
    np.testing.assert_array_equal(backend.matmul(A, B), A @ B)
    assert backend.notices == ["The GPU stopped working (the GPU was lost: Device was destroyed.); "
                               "numpy carries on with the same numbers."]


def test_a_bug_is_raised_and_the_gpu_stays() -> None:
    gpu = FailingGpu(TypeError("Cannot read properties of undefined (reading 'buffer')"))
    backend = SelectingBackend(gpu, "webgpu")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="reading 'buffer'"):
        backend.matmul(A, B)
    assert backend.gpu is gpu and backend.name == "webgpu" and backend.notices == []

