"""Matrix multiplication, the one operation a model hands to its backend.

Model code calls `backend.matmul(a, b)` and nothing else of the backend, so a faster engine
(WebGPU in the browser) can take over without touching the model. numpy is the default and the
reference every other backend is checked against.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np


class Backend(Protocol):
    """What a model needs from a matrix engine."""

    name: str

    def matmul(self, a: np.ndarray, b: np.ndarray, *, transpose_a: bool = False,
               transpose_b: bool = False) -> np.ndarray:
        """The product a·b, with either factor optionally transposed first."""
        ...


class NumpyBackend:
    """numpy's own matmul: on the CPU, in CPython or in WebAssembly."""

    name = "numpy"

    def matmul(self, a: np.ndarray, b: np.ndarray, *, transpose_a: bool = False,
               transpose_b: bool = False) -> np.ndarray:
        # np.dot equals @ for matrices and costs about half as much on the tiny ones of small nets.
        return np.dot(a.T if transpose_a else a, b.T if transpose_b else b)


NUMPY = NumpyBackend()
