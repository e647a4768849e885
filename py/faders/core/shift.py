"""When the world moves: the inputs a model meets in use stop looking like its training data.

Input shift (the points move, turn or spread, their labels going with them, as when a sensor is
replaced or a market changes): each point x becomes

    x' = spread · R(angle) · x + (dx, dy),   R(θ) = [[cos θ, −sin θ], [sin θ, cos θ]]

widened about the origin, turned counter-clockwise about it, then moved. The 2-D datasets are
centred near the origin, so the origin is where the data sit.

Label shift (the classes' shares change: a rare "yes" in use after balanced training):
`with_positive_share` draws a sample with a chosen share of class 1 from a larger pool.

Recovering: `recover` trains a network on shifted data until it is as good as it was, counting the
epochs; started from trained weights it is fine-tuning, started from fresh ones it is training
from scratch.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from faders.core.datasets import Dataset
from faders.core.mlp import MLP
from faders.core.optimizers import Optimizer
from faders.core.training import accuracy, train_epoch


def rotation(angle_degrees: float) -> np.ndarray:
    """The 2 × 2 matrix that turns a point counter-clockwise by the angle, about the origin."""
    theta = math.radians(angle_degrees)
    return np.array([[math.cos(theta), -math.sin(theta)], [math.sin(theta), math.cos(theta)]])


def shift_points(points: np.ndarray, dx: float = 0.0, dy: float = 0.0, angle_degrees: float = 0.0,
                 spread: float = 1.0) -> np.ndarray:
    """Points (n, 2) widened by `spread`, turned by the angle, then moved by (dx, dy)."""
    points = np.asarray(points, dtype=float)
    if points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(f"points must have shape (n, 2); got {points.shape}")
    if not spread > 0:
        raise ValueError(f"spread must be positive; got {spread}")
    turned = (spread * points) @ rotation(angle_degrees).T  # each row p becomes (R·p)ᵀ = pᵀ·Rᵀ
    return turned + np.array([dx, dy])


def shifted(data: Dataset, dx: float = 0.0, dy: float = 0.0, angle_degrees: float = 0.0,
            spread: float = 1.0) -> Dataset:
    """The same examples with their inputs shifted (the labels go with them)."""
    return Dataset(shift_points(data.x, dx, dy, angle_degrees, spread), data.y, data.kind)


def positive_count(n: int, positive_share: float) -> int:
    """How many of n examples are class 1 at that share (the nearest whole number, at least 1)."""
    if not 0 < positive_share < 1:
        raise ValueError(f"the share of class 1 must lie between 0 and 1; got {positive_share}")
    return max(1, math.floor(n * positive_share + 0.5))


def with_positive_share(pool: Dataset, n: int, positive_share: float) -> Dataset:
    """n examples of `pool`, the first of each class in its order, with that share of class 1.

    The pool must hold enough of each class; the examples keep the pool's order.
    """
    positives = positive_count(n, positive_share)
    wanted = {1: positives, 0: n - positives}
    chosen = []
    for label, count in wanted.items():
        where = np.flatnonzero(pool.y == label)
        if len(where) < count:
            raise ValueError(f"the pool holds {len(where)} examples of class {label}; {count} are needed")
        chosen.append(where[:count])
    order = np.sort(np.concatenate(chosen))
    return Dataset(pool.x[order], pool.y[order], pool.kind)


# --- recovering from a shift: fine-tuning against training from scratch ------------------------------

@dataclass(frozen=True)
class Recovery:
    """How a network fared while it trained on shifted data: its accuracy on the shifted test points
    before any training and after each epoch, and the epochs it took to reach the target (0 when it
    was there already; None when it did not within the limit)."""

    accuracies: list[float]
    epochs: int | None


def recover(model: MLP, optimizer: Optimizer, train_data: Dataset, test_data: Dataset, target: float,
            max_epochs: int, batch_size: int, seed: int) -> Recovery:
    """Train `model` (binary cross-entropy, logits out) on `train_data` epoch by epoch until its
    accuracy on `test_data` reaches `target`, or for `max_epochs`; the batches shuffle with `seed`."""
    rng = np.random.default_rng(seed)
    accuracies = [accuracy(model, test_data.x, test_data.y)]
    for epoch in range(1, max_epochs + 1):
        if accuracies[-1] >= target:
            return Recovery(accuracies, epoch - 1)
        train_epoch(model, optimizer, train_data.x, train_data.y, rng, batch_size, "cross_entropy")
        accuracies.append(accuracy(model, test_data.x, test_data.y))
    return Recovery(accuracies, max_epochs if accuracies[-1] >= target else None)
