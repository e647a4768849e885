"""Weight penalties: each returns (penalty, gradient of the penalty with respect to the weights).

Training multiplies both by a regularisation rate and applies them to weights only, never biases:
a bias shifts a unit's output without making the function any wigglier.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Regularizer = Callable[[np.ndarray], tuple[float, np.ndarray]]


def l1(weights: np.ndarray) -> tuple[float, np.ndarray]:
    """Σ |w|; gradient sign(w), a constant pull toward 0 that makes weights exactly 0 (sparse)."""
    return float(np.sum(np.abs(weights))), np.sign(weights)


def l2(weights: np.ndarray) -> tuple[float, np.ndarray]:
    """½ Σ w²; gradient w, a pull toward 0 in proportion to size (weight decay).

    The ½ is there so the gradient is w itself.
    """
    return 0.5 * float(np.sum(weights**2)), weights.copy()  # a copy: the caller may scale it in place


def no_penalty(weights: np.ndarray) -> tuple[float, np.ndarray]:
    """No regularisation: penalty 0, gradient 0."""
    return 0.0, np.zeros_like(weights)


REGULARIZERS: dict[str, Regularizer] = {"none": no_penalty, "l1": l1, "l2": l2}


def get_regularizer(name: str) -> Regularizer:
    """The penalty called `name`: "none", "l1" or "l2"."""
    if name not in REGULARIZERS:
        raise ValueError(f"unknown regularization {name!r}; choose one of {list(REGULARIZERS)}")
    return REGULARIZERS[name]
