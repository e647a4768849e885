"""faders.core.optimizers: two steps of each rule against values worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from faders.core.optimizers import OPTIMIZERS, SGD, Adam, Momentum, make_optimizer

# Two parameters (a vector and a 1×1 matrix), one update each, from two gradients.
G1 = [np.array([0.5, -1.0]), np.array([[2.0]])]
G2 = [np.array([0.2, 0.4]), np.array([[-1.0]])]


def start() -> list[np.ndarray]:
    return [np.array([1.0, -2.0]), np.array([[3.0]])]


def test_sgd_two_steps() -> None:
    params = start()
    optimizer = SGD(learning_rate=0.1)
    optimizer.step(params, G1)
    np.testing.assert_allclose(params[0], [0.95, -1.9], rtol=1e-15)  # 1 − 0.1·0.5, −2 + 0.1·1
    np.testing.assert_allclose(params[1], [[2.8]], rtol=1e-15)
    optimizer.step(params, G2)
    np.testing.assert_allclose(params[0], [0.93, -1.94], rtol=1e-15)
    np.testing.assert_allclose(params[1], [[2.9]], rtol=1e-15)


def test_momentum_two_steps() -> None:
    params = start()
    optimizer = Momentum(learning_rate=0.1, momentum=0.9)
    optimizer.step(params, G1)  # v = g₁: the first step is plain SGD
    np.testing.assert_allclose(params[0], [0.95, -1.9], rtol=1e-15)
    np.testing.assert_allclose(params[1], [[2.8]], rtol=1e-15)
    optimizer.step(params, G2)  # v = 0.9·g₁ + g₂ = (0.65, −0.5) and (0.8)
    np.testing.assert_allclose(optimizer.velocities[0], [0.65, -0.5], rtol=1e-15)
    np.testing.assert_allclose(params[0], [0.885, -1.85], rtol=1e-14)
    np.testing.assert_allclose(params[1], [[2.72]], rtol=1e-14)


def test_adam_two_steps() -> None:
    params = start()
    optimizer = Adam(learning_rate=0.1, beta1=0.9, beta2=0.999, epsilon=1e-8)
    optimizer.step(params, G1)
    # m̂ = g and v̂ = g² after one step, so every parameter moves by 0.1·g / (|g| + ε), about 0.1.
    first = [1.0 - 0.1 * 0.5 / (0.5 + 1e-8), -2.0 + 0.1 * 1.0 / (1.0 + 1e-8)]
    first_matrix = 3.0 - 0.1 * 2.0 / (2.0 + 1e-8)
    np.testing.assert_allclose(params[0], first, rtol=1e-14)
    np.testing.assert_allclose(params[1], [[first_matrix]], rtol=1e-14)
    optimizer.step(params, G2)
    # m = 0.9·0.1·g₁ + 0.1·g₂ = (0.065, −0.05), (0.08); m̂ = m / (1 − 0.9²) = m / 0.19
    # v = 0.999·0.001·g₁² + 0.001·g₂² = (0.00028975, 0.001159), (0.004996)
    # v̂ = v / (1 − 0.999²) = v / 0.001999
    np.testing.assert_allclose(optimizer.first_moments[0], [0.065, -0.05], rtol=1e-14)
    np.testing.assert_allclose(optimizer.second_moments[0], [0.00028975, 0.001159], rtol=1e-13)
    np.testing.assert_allclose(optimizer.second_moments[1], [[0.004996]], rtol=1e-13)
    second = [first[0] - 0.1 * (0.065 / 0.19) / (np.sqrt(0.00028975 / 0.001999) + 1e-8),
              first[1] - 0.1 * (-0.05 / 0.19) / (np.sqrt(0.001159 / 0.001999) + 1e-8)]
    second_matrix = first_matrix - 0.1 * (0.08 / 0.19) / (np.sqrt(0.004996 / 0.001999) + 1e-8)
    np.testing.assert_allclose(params[0], second, rtol=1e-12)
    np.testing.assert_allclose(params[0], [0.810143, -1.865439], atol=1e-6)  # the same, in decimals
    np.testing.assert_allclose(params[1], [[second_matrix]], rtol=1e-12)
    np.testing.assert_allclose(params[1], [[2.873366]], atol=1e-6)
    assert optimizer.steps == 2


def test_settings_are_attributes_read_at_every_step() -> None:
    params = start()
    optimizer = make_optimizer("momentum", learning_rate=0.1)
    optimizer.step(params, G1)
    optimizer.learning_rate = 0.0  # e.g. a slider moved to 0: the next step changes nothing
    optimizer.step(params, G2)
    np.testing.assert_allclose(params[0], [0.95, -1.9], rtol=1e-15)


def test_reset_forgets_the_state() -> None:
    for name in OPTIMIZERS:
        optimizer = make_optimizer(name, learning_rate=0.1)
        first = start()
        optimizer.step(first, G1)
        optimizer.step(first, G2)
        optimizer.reset()
        again = start()
        optimizer.step(again, G2)
        fresh = start()
        make_optimizer(name, learning_rate=0.1).step(fresh, G2)
        for a, b in zip(again, fresh, strict=True):
            np.testing.assert_array_equal(a, b)


def test_make_optimizer() -> None:
    adam = make_optimizer("adam", learning_rate=0.01)
    assert isinstance(adam, Adam) and adam.learning_rate == 0.01 and adam.beta1 == 0.9
    assert isinstance(make_optimizer("sgd"), SGD)
    with pytest.raises(ValueError, match="unknown optimizer 'rmsprop'"):
        make_optimizer("rmsprop")
