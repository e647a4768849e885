"""faders.core.linear against a plain numpy loop, finite differences and known values."""

from __future__ import annotations

import numpy as np
import pytest

from faders.core import linear
from faders.core.linear import X, Y


def plain_numpy_loop(w: float, b: float, learning_rate: float, steps: int) -> list[tuple]:
    """The four-step loop exactly as a reader would type it."""
    rows = []
    for step in range(steps + 1):
        pred = w * X + b
        err = pred - Y
        loss = np.mean(err**2)
        rows.append((step, float(loss), w, b))
        if step == steps:
            break
        grad_w = np.mean(2 * err * X)
        grad_b = np.mean(2 * err)
        w = w - learning_rate * float(grad_w)
        b = b - learning_rate * float(grad_b)
    return rows


def test_trace_equals_plain_numpy_step_for_step() -> None:
    fit = linear.fit_line(X, Y, 0.0, 0.0, 0.05, 1000)
    expected = plain_numpy_loop(0.0, 0.0, 0.05, 1000)
    assert [(s.step, s.loss, s.w, s.b) for s in fit.trace] == expected


def test_default_training_reaches_the_true_line() -> None:
    fit = linear.fit_line(X, Y)
    assert not fit.diverged
    assert fit.final.step == 1000
    assert fit.final.w == pytest.approx(2.0, abs=1e-9)
    assert fit.final.b == pytest.approx(1.0, abs=1e-9)
    assert fit.final.loss < 1e-20
    assert linear.predict(fit.final.w, fit.final.b, 10.0) == pytest.approx(21.0, abs=1e-9)


def test_first_loss_is_mean_squared_error_at_zero() -> None:
    assert linear.loss_and_gradient(0.0, 0.0, X, Y)[0] == pytest.approx(np.mean(Y**2))  # 33.0


@pytest.mark.parametrize(("w", "b"), [(0.0, 0.0), (1.3, -0.7), (2.5, 3.0)])
def test_gradient_matches_central_differences(w: float, b: float) -> None:
    _, grad_w, grad_b = linear.loss_and_gradient(w, b, X, Y)
    h = 1e-6
    loss = lambda w_, b_: linear.loss_and_gradient(w_, b_, X, Y)[0]  # noqa: E731
    numeric_w = (loss(w + h, b) - loss(w - h, b)) / (2 * h)
    numeric_b = (loss(w, b + h) - loss(w, b - h)) / (2 * h)
    assert grad_w == pytest.approx(numeric_w, rel=1e-6, abs=1e-8)
    assert grad_b == pytest.approx(numeric_b, rel=1e-6, abs=1e-8)


def test_largest_stable_learning_rate_separates_convergence_from_divergence() -> None:
    limit = linear.largest_stable_learning_rate(X)
    assert limit == pytest.approx(2 / (7 + np.sqrt(41)))  # 1 / largest eigenvalue of [[6, 2], [2, 1]]
    assert not linear.fit_line(X, Y, learning_rate=0.97 * limit).diverged
    diverging = linear.fit_line(X, Y, learning_rate=0.3)
    assert diverging.diverged
    assert all(np.isfinite(s.loss) and np.isfinite(s.w) for s in diverging.trace)
    assert diverging.final.loss > diverging.trace[0].loss


def test_divergence_stops_before_overflow_even_at_extreme_rates() -> None:
    fit = linear.fit_line(X, Y, 0.0, 0.0, 1e6, 10_000)
    assert fit.diverged
    assert all(np.isfinite([s.loss, s.w, s.b]).all() for s in fit.trace)


def test_loss_surface_agrees_with_the_loss_function() -> None:
    w_grid, b_grid = np.linspace(-1, 5, 7), np.linspace(-3, 5, 5)
    surface = linear.loss_surface(X, Y, w_grid, b_grid)
    assert surface.shape == (5, 7)
    for i, b in enumerate(b_grid):
        for j, w in enumerate(w_grid):
            assert surface[i, j] == pytest.approx(linear.loss_and_gradient(w, b, X, Y)[0])


def test_contours_lie_on_their_loss_level() -> None:
    levels = [0.5, 5.0, 40.0]
    for level, (w_points, b_points) in zip(levels, linear.loss_contours(X, Y, levels), strict=True):
        losses = [linear.loss_and_gradient(w, b, X, Y)[0] for w, b in zip(w_points, b_points, strict=True)]
        assert np.allclose(losses, level, rtol=1e-9)


def test_best_fit_is_the_true_line() -> None:
    assert linear.best_fit(X, Y) == pytest.approx((2.0, 1.0))
