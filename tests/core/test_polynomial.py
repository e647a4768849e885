"""faders.core.polynomial against known coefficients, the normal equations and numpy.polyfit."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from faders.core import datasets
from faders.core.polynomial import (
    PolynomialFit,
    evaluate,
    fit_polynomial,
    mean_squared_error,
    polynomial_features,
    predict,
)


def test_features_are_the_powers_of_x() -> None:
    assert polynomial_features(np.array([2.0, 3.0]), 3).tolist() == [[1, 2, 4, 8], [1, 3, 9, 27]]
    assert polynomial_features(np.array([[2.0], [3.0]]), 1).tolist() == [[1, 2], [1, 3]]  # a dataset's x
    assert polynomial_features(0.5, 2).tolist() == [[1, 0.5, 0.25]]
    assert polynomial_features(np.array([2.0, 3.0]), 0).tolist() == [[1], [1]]


def test_noiseless_cubic_gives_back_its_coefficients() -> None:
    x = np.linspace(-1, 1, 20)
    y = 1 - 2 * x + 0.5 * x**2 + 3 * x**3
    fit = fit_polynomial(x, y, 3)
    assert fit.degree == 3 and fit.ridge == 0.0
    assert np.allclose(fit.coefficients, [1, -2, 0.5, 3], rtol=0, atol=1e-12)
    assert predict(fit, 2.0) == pytest.approx([1 - 4 + 2 + 24])
    assert evaluate(fit, x, y) < 1e-28


def test_a_known_line_fit_agrees_with_polyfit() -> None:
    x, y = np.array([0.0, 1.0, 2.0, 3.0, 4.0]), np.array([1.0, 3.0, 2.0, 5.0, 4.0])
    fit = fit_polynomial(x, y, 1)
    assert np.allclose(fit.coefficients, [1.4, 0.8], rtol=0, atol=1e-12)  # slope 8/10, through the means
    assert np.allclose(fit.coefficients, np.polyfit(x, y, 1)[::-1], rtol=0, atol=1e-12)


@pytest.mark.parametrize("degree", [2, 5, 9])
def test_agrees_with_polyfit_on_noisy_data(degree: int) -> None:
    data = datasets.make_dataset("sine", 40, 0.2, 11)
    fit = fit_polynomial(data.x, data.y, degree)
    assert np.allclose(fit.coefficients, np.polyfit(data.x[:, 0], data.y, degree)[::-1], rtol=1e-7, atol=1e-8)


def test_ridge_zero_is_least_squares_by_the_normal_equations() -> None:
    data = datasets.make_dataset("abs", 30, 0.1, 2)
    features = polynomial_features(data.x, 4)
    normal = np.linalg.solve(features.T @ features, features.T @ data.y)
    assert np.allclose(fit_polynomial(data.x, data.y, 4, ridge=0.0).coefficients, normal, rtol=0, atol=1e-9)


@pytest.mark.parametrize("ridge", [0.01, 1.0, 30.0])
def test_ridge_solves_the_regularised_normal_equations_without_penalising_the_constant(ridge: float) -> None:
    data = datasets.make_dataset("sine", 25, 0.2, 3)
    features = polynomial_features(data.x, 6)
    penalty = ridge * np.diag([0.0, 1, 1, 1, 1, 1, 1])
    expected = np.linalg.solve(features.T @ features + penalty, features.T @ data.y)
    fit = fit_polynomial(data.x, data.y, 6, ridge=ridge)
    assert fit.ridge == ridge
    assert np.allclose(fit.coefficients, expected, rtol=0, atol=1e-9)


def test_growing_ridge_shrinks_the_penalised_coefficients() -> None:
    data = datasets.make_dataset("sine", 30, 0.3, 4)
    ridges = [0.0, 0.001, 0.01, 0.1, 1.0, 10.0, 100.0]
    norms = [np.linalg.norm(fit_polynomial(data.x, data.y, 9, r).coefficients[1:]) for r in ridges]
    assert all(later < earlier for earlier, later in pairwise(norms))
    assert norms[-1] < 0.05 * norms[0]


def test_huge_ridge_leaves_only_the_mean() -> None:
    data = datasets.make_dataset("line", 30, 0.1, 5)
    fit = fit_polynomial(data.x, data.y, 5, ridge=1e12)
    assert fit.coefficients[0] == pytest.approx(data.y.mean(), abs=1e-8)
    assert np.abs(fit.coefficients[1:]).max() < 1e-8


@pytest.mark.parametrize("ridge", [0.0, 5.0])
def test_degree_zero_is_the_mean(ridge: float) -> None:
    y = np.array([1.0, 2.0, 6.0])
    fit = fit_polynomial(np.array([-1.0, 0.0, 1.0]), y, 0, ridge)
    assert fit.degree == 0
    assert fit.coefficients == pytest.approx([3.0])
    assert evaluate(fit, np.array([-1.0, 0.0, 1.0]), y) == pytest.approx(14 / 3)  # the variance of y


def test_stays_accurate_at_degree_fifteen_on_minus_one_to_one() -> None:
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, 200)
    coefficients = rng.standard_normal(16)
    y = polynomial_features(x, 15) @ coefficients
    fit = fit_polynomial(x, y, 15)
    assert np.allclose(fit.coefficients, coefficients, rtol=0, atol=1e-8)


def test_training_error_never_rises_with_degree_and_the_test_error_turns_up() -> None:
    train = datasets.make_dataset("sine", 20, 0.2, 6)
    test = datasets.make_dataset("sine", 2000, 0.2, 7)
    fits = [fit_polynomial(train.x, train.y, degree) for degree in range(16)]
    train_errors = [evaluate(fit, train.x, train.y) for fit in fits]
    test_errors = [evaluate(fit, test.x, test.y) for fit in fits]
    assert all(later <= earlier + 1e-12 for earlier, later in pairwise(train_errors))
    best = int(np.argmin(test_errors))
    assert 2 <= best <= 8  # the sweet spot of the U: neither a line nor the wiggliest fit
    assert test_errors[15] > 2 * test_errors[best] and test_errors[0] > 2 * test_errors[best]


def test_fewer_points_than_coefficients_fit_exactly() -> None:
    x, y = np.array([-0.5, 0.0, 0.5]), np.array([1.0, -1.0, 2.0])
    fit = fit_polynomial(x, y, 5)
    assert np.allclose(predict(fit, x), y, rtol=0, atol=1e-12)


def test_mean_squared_error_known_value() -> None:
    assert mean_squared_error(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0])) == pytest.approx(4 / 3)
    fit = PolynomialFit(coefficients=np.array([0.0, 1.0]))  # y = x
    assert evaluate(fit, np.array([[0.0], [1.0]]), np.array([1.0, 1.0])) == pytest.approx(0.5)


def test_bad_arguments_are_refused() -> None:
    x = np.array([0.0, 1.0])
    with pytest.raises(ValueError, match="degree"):
        polynomial_features(x, -1)
    with pytest.raises(ValueError, match="ridge"):
        fit_polynomial(x, x, 1, ridge=-1.0)
    with pytest.raises(ValueError, match="one input"):
        polynomial_features(np.zeros((3, 2)), 2)
    with pytest.raises(ValueError, match="2 points but y has 3"):
        fit_polynomial(x, np.zeros(3), 1)


@given(coefficients=st.lists(st.floats(-5, 5), min_size=1, max_size=6))
def test_any_noiseless_polynomial_is_recovered(coefficients: list[float]) -> None:
    x = np.linspace(-1, 1, 25)
    y = polynomial_features(x, len(coefficients) - 1) @ np.array(coefficients)
    fit = fit_polynomial(x, y, len(coefficients) - 1)
    assert np.allclose(fit.coefficients, coefficients, rtol=0, atol=1e-9)
