"""faders.core.logistic: its gradient against finite differences, its fit, and what it keeps."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from faders.core import datasets, logistic
from faders.core.gradcheck import numerical_gradient, relative_error
from faders.core.logistic import Logistic


def test_the_forward_pass_is_w_dot_x_plus_b_through_the_sigmoid() -> None:
    model = Logistic(np.array([2.0, -1.0]), 0.5)
    x = np.array([[1.0, 1.0], [0.0, 3.0]])
    assert logistic.logit(model, x).tolist() == [1.5, -2.5]
    assert logistic.probability(model, x) == pytest.approx(1 / (1 + np.exp([-1.5, 2.5])))
    assert logistic.predict(model, x).tolist() == [1, 0]
    assert model.numbers == [2.0, -1.0, 0.5]


def test_the_gradient_matches_finite_differences() -> None:
    data = datasets.make_dataset("moons", 40, 0.3, 3)
    model = Logistic(np.array([0.3, -0.2]), 0.1)
    _, grad_w, grad_b = logistic.loss_and_gradient(model, data.x, data.y)
    numeric_w = numerical_gradient(
        lambda w: logistic.loss_and_gradient(Logistic(w, model.b), data.x, data.y)[0], model.w.copy())
    numeric_b = numerical_gradient(
        lambda b: logistic.loss_and_gradient(Logistic(model.w, float(b[0])), data.x, data.y)[0],
        np.array([model.b]))
    assert relative_error(grad_w, numeric_w) < 1e-6
    assert relative_error(np.array([grad_b]), numeric_b) < 1e-6


def test_fitting_lowers_the_loss_and_separates_two_blobs() -> None:
    data = datasets.make_dataset("gaussians", 100, 0.0, 0)
    start = logistic.loss_and_gradient(Logistic(np.zeros(2), 0.0), data.x, data.y)[0]
    model = logistic.fit(data.x, data.y)
    assert logistic.loss_and_gradient(model, data.x, data.y)[0] < start / 10
    assert logistic.accuracy(logistic.predict(model, data.x), data.y) == 1.0
    assert len(model.numbers) == 3  # whatever the number of points


def test_a_fit_is_fixed_by_its_data_and_settings() -> None:
    data = datasets.make_dataset("moons", 60, 0.2, 5)
    first, again = logistic.fit(data.x, data.y, 0.1, 50), logistic.fit(data.x, data.y, 0.1, 50)
    assert first.numbers == again.numbers


def test_the_training_curve_is_the_loss_before_each_update() -> None:
    x, y = np.array([[1.0, 0.0], [-1.0, 0.0]]), np.array([1, 0])
    losses: list[float] = []
    model = logistic.fit(x, y, 0.5, 2, losses=losses)
    # By hand: at w = 0 every P is ½, the loss ln 2; the gradient is ((½ − 1)·1 + (½ − 0)·(−1)) / 2 = −½
    # for w₁ and 0 for b, so w₁ = 0.25; then z = ±0.25 and the loss is −log σ(0.25).
    assert losses == pytest.approx([np.log(2), np.log1p(np.exp(-0.25))])
    assert model.numbers == logistic.fit(x, y, 0.5, 2).numbers  # watching does not change the fit
    data = datasets.make_dataset("moons", 60, 0.2, 5)
    curve: list[float] = []
    logistic.fit(data.x, data.y, 0.1, 50, losses=curve)
    assert len(curve) == 50 and all(later < earlier for earlier, later in itertools.pairwise(curve))


def test_accuracy_is_the_share_right() -> None:
    assert logistic.accuracy(np.array([1, 0, 1, 1]), np.array([1, 1, 1, 0])) == 0.5
    assert logistic.accuracy(np.array([]), np.array([])) == 0.0
