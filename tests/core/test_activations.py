"""faders.core.activations: known values, stability, and each derivative against central differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from faders.core.activations import ACTIVATIONS, get_activation, linear, logistic, relu, sigmoid, tanh
from faders.core.gradcheck import numerical_gradient, relative_error


def inputs_away_from_zero(seed: int = 0) -> np.ndarray:
    """Pre-activations with |z| ≥ 0.1, so relu's kink at 0 never sits inside a finite difference."""
    rng = np.random.default_rng(seed)
    z = rng.uniform(0.1, 3.0, size=(5, 4))
    return z * rng.choice([-1.0, 1.0], size=z.shape)


@pytest.mark.parametrize("name", ["relu", "tanh", "sigmoid", "linear"])
def test_derivative_matches_central_differences(name: str) -> None:
    activation = ACTIVATIONS[name]
    z = inputs_away_from_zero()
    # Elementwise, so the gradient of Σ forward(z) is the derivative at every entry.
    numeric = numerical_gradient(lambda a: float(np.sum(activation.forward(a))), z)
    analytic = activation.derivative(z)
    assert analytic.shape == z.shape
    assert relative_error(analytic, numeric) < 1e-6


def test_known_values() -> None:
    z = np.array([-2.0, -0.5, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(relu.forward(z), [0.0, 0.0, 0.0, 0.5, 2.0])
    np.testing.assert_array_equal(relu.derivative(z), [0.0, 0.0, 0.0, 1.0, 1.0])
    np.testing.assert_allclose(tanh.forward(z), np.tanh(z))
    np.testing.assert_allclose(tanh.derivative(z), 1 / np.cosh(z) ** 2, rtol=1e-12)
    np.testing.assert_allclose(sigmoid.forward(z), 1 / (1 + np.exp(-z)), rtol=1e-15)
    assert sigmoid.forward(np.array([0.0]))[0] == 0.5
    assert sigmoid.derivative(np.array([0.0]))[0] == 0.25
    np.testing.assert_array_equal(linear.forward(z), z)
    np.testing.assert_array_equal(linear.derivative(z), np.ones(5))


def test_sigmoid_is_stable_for_huge_inputs() -> None:
    z = np.array([-1e308, -1000.0, -40.0, 40.0, 1000.0, 1e308])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = sigmoid.forward(z)
        slope = sigmoid.derivative(z)
    assert s[0] == 0.0 and s[-1] == 1.0
    assert s[1] == 0.0 and s[4] == 1.0
    assert s[2] == pytest.approx(np.exp(-40.0) / (1 + np.exp(-40.0)), rel=1e-14)  # tiny, not rounded to 0
    assert np.all(np.isfinite(slope)) and slope[0] == 0.0 and slope[-1] == 0.0


@given(st.floats(min_value=-1e300, max_value=1e300))
def test_sigmoid_is_a_probability_and_symmetric(z: float) -> None:
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        s = logistic(np.array([z, -z]))
    assert 0.0 <= s[0] <= 1.0
    assert s[0] + s[1] == pytest.approx(1.0, abs=1e-15)


def test_lookup_by_name() -> None:
    assert sorted(ACTIVATIONS) == ["linear", "relu", "sigmoid", "tanh"]
    assert get_activation("tanh") is tanh
    assert get_activation(relu) is relu
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        get_activation("softplus")
