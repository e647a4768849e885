"""faders.core.gradcheck: the checker itself, on functions whose derivatives we know."""

from __future__ import annotations

import numpy as np
import pytest

from faders.core.gradcheck import numerical_gradient, relative_error


def test_numerical_gradient_of_known_functions() -> None:
    a = np.array([[1.0, -2.0], [0.5, 3.0]])
    np.testing.assert_allclose(numerical_gradient(lambda x: float(np.sum(x**2)), a), 2 * a, rtol=1e-9)
    # A cubic: central differences are off by exactly eps² (the third-derivative term).
    np.testing.assert_allclose(numerical_gradient(lambda x: float(np.sum(x**3)), a, eps=1e-3),
                               3 * a**2 + 1e-6, rtol=1e-8)


def test_numerical_gradient_restores_the_array_even_when_f_fails() -> None:
    a = np.array([1.0, 2.0])
    numerical_gradient(lambda x: float(x @ x), a)
    np.testing.assert_array_equal(a, [1.0, 2.0])

    def failing(x: np.ndarray) -> float:
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        numerical_gradient(failing, a)
    np.testing.assert_array_equal(a, [1.0, 2.0])


def test_relative_error() -> None:
    assert relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0])) == 0.0
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([1.0]), np.array([-1.0])) == 1.0
    assert relative_error(np.array([3.0, 4.0]), np.array([3.0, 4.0 + 1e-5])) == pytest.approx(1e-6, rel=1e-6)
    assert relative_error(1e-9 * np.array([1.0]), 1e-9 * np.array([2.0])) == pytest.approx(1 / 3)
