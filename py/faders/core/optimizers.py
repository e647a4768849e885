"""Optimisers: rules that turn gradients into parameter updates.

Each `step(params, grads)` changes the arrays in `params` in place, so a model's own weight arrays
can be passed straight in. Settings (learning_rate, momentum, beta1, …) are plain attributes, read
at every step, so a slider can change them mid-training. Any running state (velocities, moment
averages) belongs to the optimiser, one array per parameter, matched by position in the list:
always pass the parameters in the same order, and call `reset()` before using the optimiser for a
different model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np


class Optimizer(Protocol):
    """What training needs from an optimiser."""

    learning_rate: float

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        """Update every array in `params` in place, given the gradient at the same position."""
        ...

    def reset(self) -> None:
        """Forget any running state, as if no step had been taken."""
        ...


@dataclass
class SGD:
    """Plain gradient descent: θ ← θ − learning_rate · g."""

    learning_rate: float = 0.01

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        for param, grad in zip(params, grads, strict=True):
            param -= self.learning_rate * grad

    def reset(self) -> None:
        pass  # no state


@dataclass
class Momentum:
    """Gradient descent with momentum: v ← momentum · v + g, then θ ← θ − learning_rate · v.

    The velocity v is a decaying sum of past gradients, so steady slopes speed up and zig-zags
    cancel. Keeping the learning rate out of v means a new learning rate takes effect at once.
    """

    learning_rate: float = 0.01
    momentum: float = 0.9
    velocities: list[np.ndarray] = field(default_factory=list, init=False, repr=False)

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        if not self.velocities:
            self.velocities = [np.zeros_like(p) for p in params]
        for param, grad, velocity in zip(params, grads, self.velocities, strict=True):
            velocity *= self.momentum
            velocity += grad
            param -= self.learning_rate * velocity

    def reset(self) -> None:
        self.velocities = []


@dataclass
class Adam:
    """Adam (Kingma & Ba, 2015): a step along the running mean of g, scaled per parameter.

    m ← β₁·m + (1 − β₁)·g          running mean of the gradient
    v ← β₂·v + (1 − β₂)·g²         running mean of its square
    θ ← θ − learning_rate · m̂ / (√v̂ + ε),  m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)

    Dividing by √v̂ makes every parameter's step about learning_rate in size, however steep its slope.
    """

    learning_rate: float = 0.001
    beta1: float = 0.9
    beta2: float = 0.999
    epsilon: float = 1e-8
    steps: int = field(default=0, init=False)
    first_moments: list[np.ndarray] = field(default_factory=list, init=False, repr=False)
    second_moments: list[np.ndarray] = field(default_factory=list, init=False, repr=False)

    def step(self, params: list[np.ndarray], grads: list[np.ndarray]) -> None:
        if not self.first_moments:
            self.first_moments = [np.zeros_like(p) for p in params]
            self.second_moments = [np.zeros_like(p) for p in params]
        self.steps += 1
        # m and v start at 0, which biases them toward 0 early on; dividing by 1 − βᵗ undoes that.
        correction1 = 1 - self.beta1**self.steps
        correction2 = 1 - self.beta2**self.steps
        for param, grad, m, v in zip(params, grads, self.first_moments, self.second_moments, strict=True):
            m *= self.beta1
            m += (1 - self.beta1) * grad
            v *= self.beta2
            v += (1 - self.beta2) * grad**2
            param -= self.learning_rate * (m / correction1) / (np.sqrt(v / correction2) + self.epsilon)

    def reset(self) -> None:
        self.steps = 0
        self.first_moments = []
        self.second_moments = []


OPTIMIZERS: dict[str, type] = {"sgd": SGD, "momentum": Momentum, "adam": Adam}


def make_optimizer(name: str, **settings: Any) -> Optimizer:
    """A fresh optimiser by name, e.g. make_optimizer("adam", learning_rate=0.01)."""
    if name not in OPTIMIZERS:
        raise ValueError(f"unknown optimizer {name!r}; choose one of {list(OPTIMIZERS)}")
    return OPTIMIZERS[name](**settings)
