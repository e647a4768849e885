"""faders.core.mlp: backpropagation against central differences, seeded initialisation, serialisation."""

from __future__ import annotations

import numpy as np
import pytest

from faders.backend import NUMPY
from faders.core.gradcheck import numerical_gradient, relative_error
from faders.core.mlp import MLP, Dense
from faders.core.training import loss_and_gradients, regularization_penalty


def relu_safe(z: np.ndarray) -> bool:
    """No pre-activation so close to relu's kink that a nudge of 1e-6 could cross it."""
    return bool(np.min(np.abs(z)) > 1e-4)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_dense_gradients_match_central_differences(activation: str) -> None:
    rng = np.random.default_rng(3)
    layer = Dense(rng.normal(size=(3, 4)), rng.normal(size=4), activation)
    x = rng.normal(size=(5, 3))
    upstream = rng.normal(size=(5, 4))  # dL/da for the loss L = Σ a·upstream

    def loss(_: np.ndarray) -> float:
        return float(np.sum(layer.forward(x) * upstream))

    loss(x)
    assert relu_safe(layer.pre_activation)
    grad_input = layer.backward(upstream)
    grad_weights, grad_bias = layer.grad_weights, layer.grad_bias
    assert relative_error(grad_input, numerical_gradient(loss, x)) < 1e-6
    assert relative_error(grad_weights, numerical_gradient(loss, layer.weights)) < 1e-6
    assert relative_error(grad_bias, numerical_gradient(loss, layer.bias)) < 1e-6


def test_dense_forward_is_the_formula() -> None:
    layer = Dense([[1.0, -1.0], [2.0, 0.5]], [0.5, -3.0], "relu")
    out = layer.forward(np.array([[1.0, 1.0], [-1.0, 2.0]]))
    # z = x·W + b = [[3.5, −3.5], [3.5, −1]]; relu keeps the positive column.
    np.testing.assert_array_equal(layer.pre_activation, [[3.5, -3.5], [3.5, -1.0]])
    np.testing.assert_array_equal(out, [[3.5, 0.0], [3.5, 0.0]])
    with pytest.raises(ValueError, match="bias"):
        Dense(np.ones((2, 3)), np.ones(2))


def make_data(model: MLP, loss: str, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    n_out = model.layer_sizes[-1]
    x = rng.normal(size=(7, model.layer_sizes[0]))
    if loss == "mse":
        return x, rng.normal(size=(7, n_out))
    if n_out == 1:
        return x, rng.integers(0, 2, size=7).astype(float)
    return x, rng.integers(0, n_out, size=7)


CASES = [
    ([2, 1], [], "mse", "none"),
    ([2, 3, 1], "tanh", "mse", "none"),
    ([2, 4, 3, 2], ["relu", "sigmoid"], "mse", "l2"),
    ([3, 5, 4, 1], "sigmoid", "cross_entropy", "l1"),
    ([2, 5, 1], "relu", "cross_entropy", "l2"),
    ([2, 6, 5, 4, 3], ["tanh", "relu", "linear"], "cross_entropy", "l2"),
    ([4, 3, 3, 3], "tanh", "cross_entropy", "l1"),
]


@pytest.mark.parametrize(("sizes", "activation", "loss", "regularization"), CASES)
def test_every_parameter_gradient_matches_central_differences(sizes, activation, loss,
                                                                regularization) -> None:
    rng = np.random.default_rng(11)
    model = MLP(sizes, activation, seed=rng)
    for layer in model.layers:
        layer.bias += rng.normal(0, 0.3, size=layer.bias.shape)  # biases start at 0: move them off it
    x, y = make_data(model, loss, rng)
    rate = 0.05

    def total_loss(_: np.ndarray) -> float:
        data_loss, _grad = loss_and_gradients(model, x, y, loss)
        return data_loss + regularization_penalty(model, regularization, rate)

    _, penalty = loss_and_gradients(model, x, y, loss, regularization, rate)
    for layer in model.layers:
        if layer.activation.name == "relu":
            assert relu_safe(layer.pre_activation)
    assert (penalty > 0) == (regularization != "none")
    analytic = [g.copy() for g in model.gradients()]
    for param, grad in zip(model.parameters(), analytic, strict=True):
        assert grad.shape == param.shape
        assert relative_error(grad, numerical_gradient(total_loss, param)) < 1e-6


def test_backward_returns_the_input_gradient() -> None:
    rng = np.random.default_rng(5)
    model = MLP([3, 4, 2], "tanh", seed=1)
    x, upstream = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    model.forward(x)
    grad_x = model.backward(upstream)
    numeric = numerical_gradient(lambda a: float(np.sum(model.forward(a) * upstream)), x)
    assert relative_error(grad_x, numeric) < 1e-6



def test_backward_without_the_input_gradient_gives_the_same_weight_gradients() -> None:
    rng = np.random.default_rng(6)
    x, upstream = rng.normal(size=(6, 3)), rng.normal(size=(6, 2))
    full, lean = MLP([3, 4, 2], "tanh", seed=1), MLP([3, 4, 2], "tanh", seed=1)
    full.forward(x)
    full.backward(upstream)
    lean.forward(x)
    assert lean.backward(upstream, input_gradient=False) is None
    for a, b in zip(full.gradients(), lean.gradients(), strict=True):
        np.testing.assert_array_equal(a, b)

def test_seeded_initialisation_repeats_and_different_seeds_differ() -> None:
    a, b, c = MLP([2, 8, 8, 1], seed=42), MLP([2, 8, 8, 1], seed=42), MLP([2, 8, 8, 1], seed=43)
    for pa, pb in zip(a.parameters(), b.parameters(), strict=True):
        np.testing.assert_array_equal(pa, pb)
    assert not np.array_equal(a.parameters()[0], c.parameters()[0])
    # A Generator is advanced: two networks drawn from one generator differ, and repeat with it.
    rng = np.random.default_rng(0)
    first, second = MLP([2, 3, 1], seed=rng), MLP([2, 3, 1], seed=rng)
    assert not np.array_equal(first.parameters()[0], second.parameters()[0])
    np.testing.assert_array_equal(MLP([2, 3, 1], seed=np.random.default_rng(0)).parameters()[0],
                                  first.parameters()[0])


def test_initialisation_glorot_for_tanh_he_for_relu() -> None:
    tanh_net = MLP([200, 300, 1], "tanh", seed=0)
    w = tanh_net.layers[0].weights
    limit = np.sqrt(6 / (200 + 300))
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.99 * limit  # uniform up to the limit
    assert w.std() == pytest.approx(np.sqrt(2 / 500), rel=0.02)
    relu_net = MLP([200, 300, 1], "relu", seed=0)
    w = relu_net.layers[0].weights
    assert w.std() == pytest.approx(np.sqrt(2 / 200), rel=0.02)
    assert np.abs(w).max() > 3 * np.sqrt(6 / 500)  # normal tails, beyond any Glorot bound
    assert relu_net.layers[1].activation.name == "linear"
    assert relu_net.layers[1].weights.std() == pytest.approx(np.sqrt(2 / 301), rel=0.2)
    for layer in tanh_net.layers + relu_net.layers:
        np.testing.assert_array_equal(layer.bias, 0.0)


def test_parameter_count_and_order() -> None:
    model = MLP([2, 8, 8, 1])
    assert model.parameter_count == 2 * 8 + 8 + 8 * 8 + 8 + 8 + 1 == 105
    assert [p.shape for p in model.parameters()] == [(2, 8), (8,), (8, 8), (8,), (8, 1), (1,)]
    assert model.parameters()[2] is model.layers[1].weights
    assert model.layer_sizes == [2, 8, 8, 1]


def test_activations_per_layer_and_errors() -> None:
    model = MLP([2, 3, 4, 1], ["relu", "sigmoid"], output_activation="tanh")
    assert model.hidden_activations == ["relu", "sigmoid"]
    assert model.output_activation == "tanh"
    with pytest.raises(ValueError, match="2 hidden layers need 2 activations"):
        MLP([2, 3, 4, 1], ["relu"])
    with pytest.raises(ValueError, match="unknown activation"):
        MLP([2, 3, 1], "swish")
    with pytest.raises(ValueError, match="layer_sizes"):
        MLP([2])


def test_predict_and_hidden_outputs() -> None:
    model = MLP([2, 5, 3, 1], "tanh", seed=2)
    x = np.random.default_rng(0).normal(size=(9, 2))
    outputs = model.hidden_outputs(x)
    assert [o.shape for o in outputs] == [(9, 5), (9, 3), (9, 1)]
    np.testing.assert_array_equal(outputs[-1], model.predict(x))
    np.testing.assert_array_equal(model.forward(x), model.predict(x))
    np.testing.assert_array_equal(outputs[0], np.tanh(x @ model.layers[0].weights + model.layers[0].bias))
    assert np.all(np.abs(outputs[1]) < 1)
    # predict remembers nothing, so it cannot disturb a pending backward pass.
    model.forward(x[:2])
    model.predict(x)
    assert model.layers[0].input.shape == (2, 2)


def test_to_dict_from_dict_round_trip() -> None:
    model = MLP([2, 6, 4, 3], ["relu", "tanh"], output_activation="linear", seed=9)
    for layer in model.layers:
        layer.bias += 0.1
    data = model.to_dict()

    def plain(value: object) -> bool:
        if isinstance(value, dict):
            return all(isinstance(k, str) and plain(v) for k, v in value.items())
        if isinstance(value, list):
            return all(plain(v) for v in value)
        return isinstance(value, str | int | float)

    assert plain(data)
    assert data["layer_sizes"] == [2, 6, 4, 3] and data["activations"] == ["relu", "tanh"]
    x = np.random.default_rng(1).normal(size=(20, 2))
    restored = MLP.from_dict(data)
    np.testing.assert_array_equal(restored.predict(x), model.predict(x))
    copy = model.copy()
    np.testing.assert_array_equal(copy.predict(x), model.predict(x))
    copy.layers[0].weights += 1.0  # the copy owns its arrays
    assert not np.array_equal(copy.predict(x), model.predict(x))


class CountingBackend:
    """numpy's matmul, counting calls: every product of the model must come through here."""

    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def matmul(self, a, b, *, transpose_a=False, transpose_b=False):
        self.calls += 1
        return NUMPY.matmul(a, b, transpose_a=transpose_a, transpose_b=transpose_b)


def test_every_matrix_product_goes_through_the_backend() -> None:
    backend = CountingBackend()
    model, reference = MLP([2, 4, 3, 1], seed=0, backend=backend), MLP([2, 4, 3, 1], seed=0)
    x = np.random.default_rng(0).normal(size=(5, 2))
    np.testing.assert_array_equal(model.forward(x), reference.forward(x))
    assert backend.calls == 3
    model.backward(np.ones((5, 1)))
    reference.backward(np.ones((5, 1)))
    assert backend.calls == 3 + 2 * 3  # per layer: one for dL/dW, one for dL/dx
    for g, h in zip(model.gradients(), reference.gradients(), strict=True):
        np.testing.assert_array_equal(g, h)
    assert MLP.from_dict(model.to_dict(), backend=backend).layers[0].backend is backend
