"""A line, pred = w*x + b, and the four-step loop that fits it: forward, loss, gradient, update."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

# The lesson's data: five points on the line y = 2x + 1.
X = np.array([0.0, 1.0, 2.0, 3.0, 4.0])
Y = 2 * X + 1

# A loss this many times the starting loss (or not a finite number) means training diverged.
DIVERGENCE_FACTOR = 1e6


def predict(w: float, b: float, x: np.ndarray | float) -> np.ndarray | float:
    """Forward pass (also inference): the model's output for input x."""
    return w * x + b


def loss_and_gradient(w: float, b: float, x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """Mean squared error and its gradient with respect to the two knobs."""
    pred = predict(w, b, x)
    err = pred - y
    loss = np.mean(err**2)
    grad_w = np.mean(2 * err * x)
    grad_b = np.mean(2 * err)
    return float(loss), float(grad_w), float(grad_b)


@dataclass(frozen=True)
class Step:
    """One row of a training trace: the knobs after `step` updates and the loss they give."""

    step: int
    loss: float
    w: float
    b: float


def gradient_descent(
    x: np.ndarray, y: np.ndarray, w: float = 0.0, b: float = 0.0,
    learning_rate: float = 0.05, steps: int = 1000,
) -> Iterator[Step]:
    """Full-batch gradient descent, one Step per update (step 0 is the starting point).

    Stops early, without producing a non-finite number, when the loss blows up.
    """
    loss, grad_w, grad_b = loss_and_gradient(w, b, x, y)
    yield Step(0, loss, w, b)
    limit = DIVERGENCE_FACTOR * max(loss, 1.0)
    for step in range(1, steps + 1):
        w = w - learning_rate * grad_w
        b = b - learning_rate * grad_b
        loss, grad_w, grad_b = loss_and_gradient(w, b, x, y)
        if not np.isfinite(loss) or loss > limit:
            return
        yield Step(step, loss, w, b)


@dataclass(frozen=True)
class Fit:
    """The outcome of a training run."""

    trace: list[Step]
    steps: int
    diverged: bool

    @property
    def final(self) -> Step:
        return self.trace[-1]


def fit_line(x: np.ndarray, y: np.ndarray, w: float = 0.0, b: float = 0.0,
             learning_rate: float = 0.05, steps: int = 1000) -> Fit:
    """Run gradient descent to the end and keep the whole trace."""
    trace = list(gradient_descent(x, y, w, b, learning_rate, steps))
    return Fit(trace=trace, steps=steps, diverged=trace[-1].step < steps)


def loss_surface(x: np.ndarray, y: np.ndarray, w_grid: np.ndarray, b_grid: np.ndarray) -> np.ndarray:
    """The loss at every (w, b) of a grid: rows follow b, columns follow w (image layout)."""
    pred = w_grid[None, :, None] * x + b_grid[:, None, None]
    return np.mean((pred - y) ** 2, axis=-1)


def best_fit(x: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """The knobs at the bottom of the loss surface (least squares), for reference."""
    design = np.stack([x, np.ones_like(x)], axis=1)
    (w, b), *_ = np.linalg.lstsq(design, y, rcond=None)
    return float(w), float(b)


def loss_contours(x: np.ndarray, y: np.ndarray, levels: list[float],
                  points: int = 120) -> list[tuple[np.ndarray, np.ndarray]]:
    """Level sets of the loss, which for a line are ellipses around the best fit.

    loss(θ) = loss(θ*) + (θ - θ*)ᵀ A (θ - θ*) with A = [[mean x², mean x], [mean x, 1]],
    so the level c is θ* + √(c - loss(θ*)) · A^(-1/2) · (cos t, sin t).
    """
    w_star, b_star = best_fit(x, y)
    floor = loss_and_gradient(w_star, b_star, x, y)[0]
    a = np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    eigenvalues, eigenvectors = np.linalg.eigh(a)
    inverse_root = eigenvectors @ np.diag(1 / np.sqrt(eigenvalues)) @ eigenvectors.T
    circle = np.stack([np.cos(np.linspace(0, 2 * np.pi, points)),
                       np.sin(np.linspace(0, 2 * np.pi, points))])
    contours = []
    for level in levels:
        if level <= floor:
            continue
        w_pts, b_pts = np.sqrt(level - floor) * (inverse_root @ circle)
        contours.append((w_star + w_pts, b_star + b_pts))
    return contours


def largest_stable_learning_rate(x: np.ndarray) -> float:
    """Above this rate gradient descent on the squared error diverges: 1 / largest eigenvalue of A.

    The loss's curvature (Hessian) is 2A; a step shrinks the error along each axis of the valley
    by (1 - 2·rate·λ), which stays below 1 in size only while rate < 1 / λ_max.
    """
    a = np.array([[np.mean(x * x), np.mean(x)], [np.mean(x), 1.0]])
    return float(1 / np.linalg.eigvalsh(a)[-1])
