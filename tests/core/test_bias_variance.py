"""faders.core.bias_variance: the decomposition on cases with a known answer, and the batched fits
against numpy.linalg.lstsq."""

from __future__ import annotations

import numpy as np
import pytest

from faders.core import datasets
from faders.core.bias_variance import decompose, error_curve, resample, sweet_spot, training_sets
from faders.core.polynomial import fit_polynomial, fit_polynomials, least_squares, polynomial_features


@pytest.mark.parametrize(("degree", "ridge"), [(0, 0.0), (3, 0.0), (9, 0.0), (6, 0.5), (20, 0.0)])
def test_batched_least_squares_agree_with_numpy_lstsq(degree: int, ridge: float) -> None:
    x, y = training_sets("sine", 20, 0.3, 30, np.random.default_rng(1))
    coefficients = fit_polynomials(x, y, degree, ridge)
    assert coefficients.shape == (30, degree + 1)
    grid = polynomial_features(np.linspace(-1, 1, 50), degree)
    for row, (xs, ys) in zip(coefficients, zip(x, y, strict=True), strict=True):
        expected = fit_polynomial(xs, ys, degree, ridge).coefficients
        # High powers make huge, cancelling coefficients (and, past 19, many exact fits): compare the
        # curves, to their own size.
        scale = np.abs(grid @ expected).max()
        assert np.allclose(grid @ row, grid @ expected, rtol=0, atol=1e-7 * max(scale, 1))


def test_least_squares_is_lstsq_on_a_plain_stack() -> None:
    rng = np.random.default_rng(2)
    design, targets = rng.standard_normal((5, 12, 4)), rng.standard_normal((5, 12))
    solved = least_squares(design, targets)
    for a, b, c in zip(design, targets, solved, strict=True):
        assert np.allclose(c, np.linalg.lstsq(a, b, rcond=None)[0], rtol=0, atol=1e-12)


def test_an_underdetermined_stack_gets_lstsqs_smallest_norm_answer() -> None:
    rng = np.random.default_rng(3)
    design, targets = rng.standard_normal((4, 3, 6)), rng.standard_normal((4, 3))
    for a, b, c in zip(design, targets, least_squares(design, targets), strict=True):
        assert np.allclose(c, np.linalg.lstsq(a, b, rcond=None)[0], rtol=0, atol=1e-12)


# Up to a dozen random points: beyond, two points drawn close together can make the exact curve's
# coefficients too large for float64, and the fit (lstsq's too) only nearly passes through them.
@pytest.mark.parametrize("n", [2, 5, 12])
def test_degree_n_minus_one_or_more_gives_training_error_zero(n: int) -> None:
    train = datasets.regression_1d("sine", n, 0.3, 4)
    for degree in sorted({n - 1, n, min(n + 3, 20)}):  # up to the lesson's largest degree
        fit = fit_polynomial(train.x, train.y, degree)
        assert np.mean((polynomial_features(train.x, degree) @ fit.coefficients - train.y) ** 2) < 1e-12
        x, y = training_sets("sine", n, 0.3, 10, np.random.default_rng(n))
        fitted = np.einsum("kp,knp->kn", fit_polynomials(x, y, degree),
                           polynomial_features(x.ravel(), degree).reshape(10, n, degree + 1))
        assert np.mean((fitted - y) ** 2) < 1e-12


def test_the_parts_add_up_exactly_to_the_squared_distance_from_the_truth() -> None:
    rng = np.random.default_rng(5)
    predictions, truth = rng.standard_normal((40, 7)), rng.standard_normal(7)
    parts = decompose(predictions, truth, 0.0, np.broadcast_to(truth, (40, 7)))
    distance = np.mean((predictions - truth) ** 2)
    assert parts.bias_squared + parts.variance == pytest.approx(distance, rel=1e-12)
    assert parts.noise == 0.0 and parts.measured_error == pytest.approx(parts.total, rel=1e-12)


def test_a_constant_fit_to_a_flat_truth_has_the_textbook_answer() -> None:
    # Truth 0 everywhere ("line" times nothing is not a target, so use the mean of "line" data,
    # which is flat on average): a degree-0 fit to n points is their mean, ȳ = x̄ + ε̄.
    # Its variance is (var of x + σ²) / n, its bias² 0 at x = 0, and the error σ² + variance.
    n, sigma, sets = 10, 0.5, 40_000
    result = resample("line", n, sigma, 0, 0.0, np.array([0.0]), sets, np.random.default_rng(6))
    parts = result.decomposition
    expected_variance = (1 / 3 + sigma**2) / n  # x uniform on [-1, 1] has variance 1/3
    assert parts.noise == sigma**2
    assert parts.bias_squared == pytest.approx(0.0, abs=5e-4)
    assert parts.variance == pytest.approx(expected_variance, rel=0.03)
    assert parts.measured_error == pytest.approx(sigma**2 + expected_variance, rel=0.03)
    assert abs(parts.measured_error - parts.total) < 4 * parts.sampling_error


def test_a_line_fitted_to_a_noiseless_line_has_no_bias_and_no_variance() -> None:
    result = resample("line", 8, 0.0, 1, 0.0, np.linspace(-1, 1, 9), 50, np.random.default_rng(7))
    parts = result.decomposition
    assert parts.bias_squared < 1e-25 and parts.variance < 1e-25 and parts.noise == 0
    assert parts.measured_error < 1e-25


def test_bias_falls_and_variance_grows_with_the_degree() -> None:
    test_x = np.linspace(-1, 1, 50)
    parts = [resample("sine", 20, 0.3, degree, 0.0, test_x, 200, np.random.default_rng(8)).decomposition
             for degree in (1, 3, 12)]
    assert parts[0].bias_squared > 10 * parts[1].bias_squared
    assert parts[2].variance > 5 * parts[1].variance
    for part in parts:  # the identity, within the sampling error of the measurement
        assert abs(part.measured_error - part.total) < 4 * part.sampling_error


def test_ridge_trades_variance_for_bias() -> None:
    test_x = np.linspace(-1, 1, 50)
    loose, tight = (resample("sine", 20, 0.3, 5, ridge, test_x, 200, np.random.default_rng(9)).decomposition
                    for ridge in (0.0, 1.0))
    assert tight.variance < loose.variance / 10
    assert tight.bias_squared > loose.bias_squared


def test_the_error_curve_is_the_u_and_its_sweet_spot() -> None:
    train = datasets.regression_1d("sine", 20, 0.2, 6)
    test = datasets.regression_1d("sine", 500, 0.2, 7)
    degrees = range(16)
    train_errors, test_errors = error_curve(train, test, degrees)
    assert train_errors[0] > train_errors[5] > train_errors[15]
    best = sweet_spot(test_errors, degrees)
    assert 2 <= best <= 8 and test_errors[best] == test_errors.min()
    assert test_errors[15] > 2 * test_errors[best]
