"""faders.core.losses and faders.core.regularization: values by hand, gradients by central differences."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from faders.core.gradcheck import numerical_gradient, relative_error
from faders.core.losses import (
    binary_cross_entropy,
    cross_entropy,
    log_sigmoid,
    log_softmax,
    loss_function,
    mean_squared_error,
    softmax,
)
from faders.core.regularization import REGULARIZERS, get_regularizer, l1, l2, no_penalty

RNG = np.random.default_rng(7)


def check_gradient(loss, output: np.ndarray, target: np.ndarray) -> None:
    _, analytic = loss(output, target)
    numeric = numerical_gradient(lambda a: loss(a, target)[0], output.copy())
    assert analytic.shape == output.shape
    assert relative_error(analytic, numeric) < 1e-6


def test_mean_squared_error_by_hand() -> None:
    # One output: the mean of the squared errors, (1² + 2²) / 2.
    value, grad = mean_squared_error(np.array([[1.0], [2.0]]), np.array([0.0, 4.0]))
    assert value == 2.5
    np.testing.assert_array_equal(grad, [[1.0], [-2.0]])  # 2·err / n
    # Two outputs: summed over outputs, averaged over the 2 examples: ((1 + 4) + (9 + 0)) / 2.
    value, grad = mean_squared_error(np.array([[1.0, 2.0], [3.0, 0.0]]), np.zeros((2, 2)))
    assert value == 7.0
    np.testing.assert_array_equal(grad, [[1.0, 2.0], [3.0, 0.0]])


def test_cross_entropy_by_hand() -> None:
    # Equal logits: every class has probability 1/3, so the loss is log 3 whatever the labels.
    value, grad = cross_entropy(np.zeros((2, 3)), np.array([0, 2]))
    assert value == pytest.approx(np.log(3), rel=1e-15)
    np.testing.assert_allclose(grad, [[-1 / 3, 1 / 6, 1 / 6], [1 / 6, 1 / 6, -1 / 3]], rtol=1e-14)
    # logits (ln 1, ln 2, ln 7): probabilities 0.1, 0.2, 0.7.
    value, _ = cross_entropy(np.log([[1.0, 2.0, 7.0]]), np.array([2]))
    assert value == pytest.approx(-np.log(0.7), rel=1e-14)


def test_binary_cross_entropy_by_hand() -> None:
    value, grad = binary_cross_entropy(np.array([[0.0], [0.0]]), np.array([1.0, 0.0]))
    assert value == pytest.approx(np.log(2), rel=1e-15)
    np.testing.assert_allclose(grad, [[-0.25], [0.25]])  # (σ(0) − y) / 2
    # logit ln 3: P(1) = 0.75.
    value, _ = binary_cross_entropy(np.array([np.log(3.0)]), np.array([0.0]))
    assert value == pytest.approx(-np.log(0.25), rel=1e-14)


def test_binary_cross_entropy_is_two_class_softmax_with_one_logit_at_zero() -> None:
    z = RNG.normal(0, 3, size=(6, 1))
    labels = np.array([0, 1, 1, 0, 1, 0])
    binary, binary_grad = binary_cross_entropy(z, labels)
    two_class, two_class_grad = cross_entropy(np.hstack([np.zeros_like(z), z]), labels)
    assert binary == pytest.approx(two_class, rel=1e-13)
    np.testing.assert_allclose(binary_grad, two_class_grad[:, 1:], rtol=1e-12)


@pytest.mark.parametrize("outputs", [1, 3])
def test_mean_squared_error_gradient(outputs: int) -> None:
    check_gradient(mean_squared_error, RNG.normal(size=(5, outputs)), RNG.normal(size=(5, outputs)))


def test_mean_squared_error_gradient_with_flat_targets() -> None:
    check_gradient(mean_squared_error, RNG.normal(size=(5, 1)), RNG.normal(size=5))


def test_cross_entropy_gradient() -> None:
    check_gradient(cross_entropy, RNG.normal(0, 2, size=(6, 4)), np.array([0, 3, 1, 1, 2, 3]))


def test_binary_cross_entropy_gradient() -> None:
    check_gradient(binary_cross_entropy, RNG.normal(0, 2, size=(6, 1)), np.array([0, 1, 1, 0, 1, 0]))
    check_gradient(binary_cross_entropy, RNG.normal(0, 2, size=6), np.array([0.2, 1, 0.9, 0, 1, 0.5]))


def test_log_softmax_and_softmax() -> None:
    logits = RNG.normal(0, 3, size=(4, 5))
    naive = np.log(np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(log_softmax(logits), naive, rtol=1e-12)
    np.testing.assert_allclose(log_softmax(logits + 1000.0), naive, rtol=1e-12)  # a shift changes nothing
    np.testing.assert_allclose(softmax(logits).sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(log_sigmoid(np.array([0.0, 2.0])), np.log([0.5, 1 / (1 + np.exp(-2))]))


def test_cross_entropies_stay_finite_for_huge_logits() -> None:
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        logits = np.array([[1e300, -1e300, 0.0], [5e299, 5e299, -1e300]])
        value, grad = cross_entropy(logits, np.array([1, 0]))
        assert value == pytest.approx((2e300 + np.log(2)) / 2, rel=1e-12)  # wrong by 2e300, then a tie
        np.testing.assert_allclose(grad, [[0.5, -0.5, 0.0], [-0.25, 0.25, 0.0]])
        assert cross_entropy(np.array([[1e300, -1e300]]), np.array([0]))[0] == 0.0  # confidently right
        value, grad = binary_cross_entropy(np.array([[1e300], [-1e300], [1e300]]), np.array([0, 1, 1]))
        assert value == pytest.approx(2e300 / 3, rel=1e-12)
        np.testing.assert_allclose(grad, [[1 / 3], [-1 / 3], [0.0]])


@given(st.lists(st.floats(min_value=-1e300, max_value=1e300), min_size=3, max_size=3),
       st.integers(min_value=0, max_value=2))
def test_cross_entropy_is_finite_and_its_gradient_sums_to_zero(logits: list[float], label: int) -> None:
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        value, grad = cross_entropy(np.array([logits]), np.array([label]))
        b_value, b_grad = binary_cross_entropy(np.array([logits[0]]), np.array([label % 2]))
    assert np.isfinite(value) and value >= 0
    assert np.all(np.isfinite(grad)) and abs(grad.sum()) < 1e-12
    assert np.isfinite(b_value) and b_value >= 0 and -1 <= b_grad[0] <= 1


def test_loss_lookup() -> None:
    assert loss_function("mse", 1) is mean_squared_error
    assert loss_function("cross_entropy", 1) is binary_cross_entropy
    assert loss_function("cross_entropy", 3) is cross_entropy
    with pytest.raises(ValueError, match="unknown loss 'hinge'"):
        loss_function("hinge", 1)


def test_penalties_by_hand() -> None:
    w = np.array([[1.0, -2.0], [0.0, 3.0]])
    value, grad = l1(w)
    assert value == 6.0
    np.testing.assert_array_equal(grad, [[1.0, -1.0], [0.0, 1.0]])
    value, grad = l2(w)
    assert value == 7.0  # ½ (1 + 4 + 0 + 9)
    np.testing.assert_array_equal(grad, w)
    grad *= 10  # the gradient is the caller's to scale: the weights stay as they were
    assert w[1, 1] == 3.0
    value, grad = no_penalty(w)
    assert value == 0.0
    np.testing.assert_array_equal(grad, np.zeros((2, 2)))


@pytest.mark.parametrize("name", ["l1", "l2", "none"])
def test_penalty_gradients(name: str) -> None:
    penalty = get_regularizer(name)
    w = RNG.uniform(0.1, 2.0, size=(3, 4)) * RNG.choice([-1.0, 1.0], size=(3, 4))  # away from l1's kink
    numeric = numerical_gradient(lambda a: penalty(a)[0], w)
    assert relative_error(penalty(w)[1], numeric) < 1e-6


def test_regularizer_lookup() -> None:
    assert list(REGULARIZERS) == ["none", "l1", "l2"]
    with pytest.raises(ValueError, match="unknown regularization 'l3'"):
        get_regularizer("l3")
