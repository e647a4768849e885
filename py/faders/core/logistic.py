"""Logistic regression: a parametric classifier that keeps d + 1 numbers, whatever the data.

P(class 1 | x) = σ(w · x + b). Training is full-batch gradient descent on the binary cross-entropy,
from w = 0, b = 0, so a fit is fixed by its data and its two settings; after training the data can
be thrown away: a prediction needs only w and b.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from faders.core.activations import logistic
from faders.core.losses import binary_cross_entropy

LEARNING_RATE = 0.1
STEPS = 500


@dataclass(frozen=True)
class Logistic:
    """The whole model: a weight per input and a bias."""

    w: np.ndarray  # shape (d,)
    b: float

    @property
    def numbers(self) -> list[float]:
        """Every number the model keeps: w₁ … w_d, then b."""
        return [*map(float, self.w), float(self.b)]


def logit(model: Logistic, x: np.ndarray) -> np.ndarray:
    """Forward pass: the score z = w · x + b of each row of x (positive means class 1)."""
    return np.asarray(x, dtype=np.float64) @ model.w + model.b


def probability(model: Logistic, x: np.ndarray) -> np.ndarray:
    """P(class 1) for each row of x: σ(z)."""
    return logistic(logit(model, x))


def predict(model: Logistic, x: np.ndarray) -> np.ndarray:
    """Class 0 or 1 for each row of x: 1 where z > 0 (where P(class 1) > 0.5)."""
    return (logit(model, x) > 0).astype(np.intp)


def loss_and_gradient(model: Logistic, x: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray, float]:
    """Binary cross-entropy on (x, y) and its gradient with respect to w and b."""
    loss, grad_z = binary_cross_entropy(logit(model, x), y)  # grad_z = (σ(z) − y) / n
    grad_w = x.T @ grad_z
    grad_b = float(np.sum(grad_z))
    return loss, grad_w, grad_b


def fit(x: np.ndarray, y: np.ndarray, learning_rate: float = LEARNING_RATE, steps: int = STEPS,
        losses: list[float] | None = None) -> Logistic:
    """Gradient descent from w = 0, b = 0: `steps` full-batch updates. Given a list `losses`, the
    loss before each update is appended to it: the training curve."""
    x = np.asarray(x, dtype=np.float64)
    model = Logistic(np.zeros(x.shape[1]), 0.0)
    for _ in range(steps):
        loss, grad_w, grad_b = loss_and_gradient(model, x, y)
        if losses is not None:
            losses.append(loss)
        model = Logistic(model.w - learning_rate * grad_w, model.b - learning_rate * grad_b)
    return model


def accuracy(predicted: np.ndarray, labels: np.ndarray) -> float:
    """The share of predictions equal to the labels (0 for no examples)."""
    predicted, labels = np.asarray(predicted), np.asarray(labels)
    return float(np.mean(predicted == labels)) if len(labels) else 0.0
