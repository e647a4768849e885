"""Activation functions: each one's forward pass with its derivative right beside it.

Both act elementwise on a layer's pre-activations z; `derivative(z)` is the slope da/dz at z, which
backpropagation multiplies into the incoming gradient (the chain rule through the nonlinearity).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Activation:
    """An elementwise nonlinearity a = forward(z) and its slope da/dz = derivative(z)."""

    name: str
    forward: Callable[[np.ndarray], np.ndarray]
    derivative: Callable[[np.ndarray], np.ndarray]


def logistic(z: np.ndarray) -> np.ndarray:
    """σ(z) = 1 / (1 + e^(−z)), computed without overflow for any z.

    exp only ever sees −|z| ≤ 0; for z < 0 the same value is written as e^z / (1 + e^z).
    """
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def logistic_slope(z: np.ndarray) -> np.ndarray:
    """σ'(z) = σ(z)·(1 − σ(z))."""
    s = logistic(z)
    return s * (1.0 - s)


relu = Activation(
    "relu",
    forward=lambda z: np.maximum(z, 0.0),
    derivative=lambda z: (z > 0) * 1.0,  # at the kink z = 0 we take slope 0 (any value in [0, 1] would do)
)

tanh = Activation(
    "tanh",
    forward=np.tanh,
    derivative=lambda z: 1.0 - np.tanh(z) ** 2,
)

sigmoid = Activation(
    "sigmoid",
    forward=logistic,
    derivative=logistic_slope,
)

linear = Activation(
    "linear",
    forward=lambda z: z,
    derivative=lambda z: np.ones(z.shape),
)

ACTIVATIONS: dict[str, Activation] = {a.name: a for a in (relu, tanh, sigmoid, linear)}


def get_activation(name: str | Activation) -> Activation:
    """The activation called `name` (an Activation passes through unchanged)."""
    if isinstance(name, Activation):
        return name
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {sorted(ACTIVATIONS)}")
    return ACTIVATIONS[name]
