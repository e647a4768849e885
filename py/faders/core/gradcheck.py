"""Checking a hand-written gradient against the definition of the derivative.

Nudge one number up and down by a tiny eps, watch the loss change, divide: if backpropagation is
right, its gradient agrees with this slow estimate to many digits.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np


def numerical_gradient(f: Callable[[np.ndarray], float], array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences: ∂f/∂aᵢ ≈ (f(a + eps·eᵢ) − f(a − eps·eᵢ)) / (2·eps), one entry at a time.

    `array` itself is nudged in place and passed to f, then restored; so f may also ignore its
    argument and read the array through a model that holds it. The error of the estimate shrinks
    like eps², against one-sided differences' eps.
    """
    grad = np.zeros(array.shape)
    for index in np.ndindex(array.shape):
        original = array[index]
        try:
            array[index] = original + eps
            f_up = f(array)
            array[index] = original - eps
            f_down = f(array)
        finally:
            array[index] = original
        grad[index] = (f_up - f_down) / (2 * eps)
    return grad


def relative_error(a: np.ndarray, b: np.ndarray) -> float:
    """‖a − b‖ / (‖a‖ + ‖b‖): 0 for equal arrays, 1 for opposite ones, blind to overall scale."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    scale = np.linalg.norm(a) + np.linalg.norm(b)
    if scale == 0:
        return 0.0
    return float(np.linalg.norm(a - b) / scale)
