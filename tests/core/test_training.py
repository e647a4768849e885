"""faders.core.training: mini-batch training that learns, repeats with a seed, and keeps its books."""

from __future__ import annotations

import numpy as np
import pytest

from faders.core.losses import binary_cross_entropy
from faders.core.mlp import MLP
from faders.core.optimizers import SGD, make_optimizer
from faders.core.training import (
    Epoch,
    accuracy,
    evaluate_loss,
    loss_and_gradients,
    predicted_labels,
    regularization_penalty,
    train,
    train_epoch,
)


def xor_quadrants(n: int = 200, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points in [−1, 1]², label 1 where x·y > 0: no single line separates the classes."""
    x = np.random.default_rng(seed).uniform(-1, 1, size=(n, 2))
    return x, (x[:, 0] * x[:, 1] > 0).astype(float)


def three_blobs(n_per_class: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 2.0], [-2.0, -1.0], [2.0, -1.0]])
    x = np.concatenate([c + 0.5 * rng.normal(size=(n_per_class, 2)) for c in centres])
    return x, np.repeat(np.arange(3), n_per_class)


def test_binary_classification_learns_xor() -> None:
    x, y = xor_quadrants()
    model = MLP([2, 8, 1], "tanh", seed=0)
    before = evaluate_loss(model, x, y, "cross_entropy")
    trace = list(train(model, x, y, epochs=150, optimizer=make_optimizer("adam", learning_rate=0.03),
                       loss="cross_entropy", seed=0))
    assert len(trace) == 150 and trace[-1].epoch == 150
    assert before == pytest.approx(np.log(2), abs=0.1)
    assert trace[-1].loss < 0.25 * before
    assert evaluate_loss(model, x, y, "cross_entropy") < 0.25 * before
    assert accuracy(model, x, y) > 0.95


def test_softmax_classification_learns_three_blobs() -> None:
    x, labels = three_blobs()
    model = MLP([2, 6, 3], "relu", seed=1)
    before = evaluate_loss(model, x, labels, "cross_entropy")
    list(train(model, x, labels, epochs=30, optimizer=SGD(learning_rate=0.1), loss="cross_entropy"))
    assert evaluate_loss(model, x, labels, "cross_entropy") < 0.2 * before
    assert accuracy(model, x, labels) > 0.97
    assert set(predicted_labels(model, x)) == {0, 1, 2}


def test_regression_fits_a_sine() -> None:
    x = np.linspace(-3, 3, 60)[:, None]
    y = np.sin(x[:, 0])
    model = MLP([1, 16, 1], "tanh", seed=0)
    before = evaluate_loss(model, x, y, "mse")
    trace = list(train(model, x, y, epochs=300, optimizer=make_optimizer("adam", learning_rate=0.01)))
    assert trace[-1].loss < 0.02 * before
    assert trace[-1].penalty == 0.0


def test_seeded_training_repeats_exactly() -> None:
    x, y = xor_quadrants(100)

    def run(seed: int) -> tuple[list[Epoch], list[np.ndarray]]:
        model = MLP([2, 4, 2, 1], "tanh", seed=0)
        trace = list(train(model, x, y, epochs=5, optimizer=make_optimizer("momentum", learning_rate=0.05),
                           loss="cross_entropy", regularization="l2", regularization_rate=0.01, seed=seed))
        return trace, model.parameters()

    trace_a, params_a = run(3)
    trace_b, params_b = run(3)
    trace_c, _ = run(4)
    assert trace_a == trace_b
    for a, b in zip(params_a, params_b, strict=True):
        np.testing.assert_array_equal(a, b)
    assert trace_a != trace_c  # another shuffle order


def test_epoch_loss_is_the_mean_over_examples_before_each_update() -> None:
    x, y = xor_quadrants(25)
    # One batch holding every example: the epoch's loss is the loss before its single update.
    model = MLP([2, 3, 1], "tanh", seed=0)
    before = evaluate_loss(model, x, y, "mse")
    mean = train_epoch(model, SGD(0.1), x, y, np.random.default_rng(0), batch_size=25)
    assert mean == pytest.approx(before)
    # Learning rate 0: nothing moves, so batches of 10, 10 and 5 average (by size) to the full loss.
    model = MLP([2, 3, 1], "tanh", seed=0)
    mean = train_epoch(model, SGD(0.0), x, y, np.random.default_rng(0), batch_size=10, loss="cross_entropy")
    assert mean == pytest.approx(evaluate_loss(model, x, y, "cross_entropy"), rel=1e-12)


def test_regularisation_touches_weight_gradients_only_and_is_reported_apart() -> None:
    x, y = xor_quadrants(20)
    model = MLP([2, 4, 1], "tanh", seed=0)
    for layer in model.layers:
        layer.bias += 0.5
    plain_loss, plain_penalty = loss_and_gradients(model, x, y, "mse")
    plain = [g.copy() for g in model.gradients()]
    data_loss, penalty = loss_and_gradients(model, x, y, "mse", "l2", 0.1)
    assert data_loss == plain_loss and plain_penalty == 0.0
    expected_penalty = 0.1 * 0.5 * sum(np.sum(layer.weights**2) for layer in model.layers)
    assert penalty == pytest.approx(expected_penalty, rel=1e-14)
    assert regularization_penalty(model, "l2", 0.1) == pytest.approx(expected_penalty, rel=1e-14)
    for i, (layer, grad) in enumerate(zip(model.layers, model.gradients()[0::2], strict=True)):
        np.testing.assert_allclose(grad, plain[2 * i] + 0.1 * layer.weights, rtol=1e-13)
    for plain_bias_grad, bias_grad in zip(plain[1::2], model.gradients()[1::2], strict=True):
        np.testing.assert_array_equal(bias_grad, plain_bias_grad)
    _, l1_penalty = loss_and_gradients(model, x, y, "mse", "l1", 0.1)
    assert l1_penalty == pytest.approx(0.1 * sum(np.abs(layer.weights).sum() for layer in model.layers))


def test_strong_l2_keeps_weights_small() -> None:
    x, y = xor_quadrants(100)

    def squared_weights(rate: float) -> float:
        model = MLP([2, 8, 1], "tanh", seed=0)
        list(train(model, x, y, 100, SGD(0.1), loss="cross_entropy", regularization="l2",
                   regularization_rate=rate))
        return sum(float(np.sum(layer.weights**2)) for layer in model.layers)

    assert squared_weights(0.05) < 0.5 * squared_weights(0.0)


@pytest.mark.parametrize("sizes", [[1, 1], [1, 4, 1]])
def test_divergence_stops_training_early(sizes: list[int]) -> None:
    x = np.linspace(-1, 1, 20)[:, None]
    model = MLP(sizes, "relu", seed=0)
    trace = list(train(model, x, 100 * x[:, 0], epochs=50, optimizer=SGD(learning_rate=5.0)))
    assert 0 < len(trace) < 50
    assert all(np.isfinite(e.loss) and e.loss < 1e6 * trace[0].loss for e in trace)
    model = MLP(sizes, "relu", seed=0)
    assert len(list(train(model, x, 100 * x[:, 0], epochs=50, optimizer=SGD(learning_rate=0.05)))) == 50


def test_accuracy_and_labels_with_known_weights() -> None:
    # Output = x₀ − x₁ exactly: positive below the diagonal.
    model = MLP.from_dict({"layer_sizes": [2, 1], "activations": [], "output_activation": "linear",
                           "weights": [[[1.0], [-1.0]]], "biases": [[0.0]]})
    x = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 1.7], [0.3, 0.4]])
    np.testing.assert_array_equal(predicted_labels(model, x), [1, 0, 1, 0])
    np.testing.assert_array_equal(predicted_labels(model, x, threshold=0.5), [1, 0, 0, 0])
    assert accuracy(model, x, np.array([1, 0, 1, 1])) == 0.75
    assert accuracy(model, x, np.array([1, -1, 1, 1])) == 0.75  # −1/+1 labels work too
    assert accuracy(model, x, np.array([1, 0, 1, 1]), threshold=0.5) == 0.5
    # Three outputs: the class with the largest output.
    model = MLP.from_dict({"layer_sizes": [2, 3], "activations": [], "output_activation": "linear",
                           "weights": [[[1.0, 0.0, -1.0], [0.0, 1.0, -1.0]]], "biases": [[0.0, 0.0, 0.0]]})
    np.testing.assert_array_equal(predicted_labels(model, x), [0, 1, 0, 1])
    assert accuracy(model, x, np.array([0, 1, 2, 1])) == 0.75
    assert accuracy(model, -x, np.array([2, 2, 2, 2])) == 1.0


def test_evaluate_loss_leaves_the_model_alone_and_matches_the_loss() -> None:
    x, y = xor_quadrants(30)
    model = MLP([2, 3, 1], "tanh", seed=0)
    before = [p.copy() for p in model.parameters()]
    value = evaluate_loss(model, x, y, "cross_entropy")
    assert value == binary_cross_entropy(model.predict(x), y)[0]
    for a, b in zip(before, model.parameters(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_targets_are_checked_up_front() -> None:
    x, y = xor_quadrants(10)
    rng = np.random.default_rng(0)
    binary = MLP([2, 3, 1], seed=0)
    with pytest.raises(ValueError, match="labels 0 or 1"):
        train_epoch(binary, SGD(), x, 2 * y - 1, rng, loss="cross_entropy")
    with pytest.raises(ValueError, match="integer labels 0 … 2"):
        train_epoch(MLP([2, 3, 3], seed=0), SGD(), x, np.full(10, 3), rng, loss="cross_entropy")
    with pytest.raises(ValueError, match="integer labels"):
        train_epoch(MLP([2, 3, 3], seed=0), SGD(), x, np.full(10, 0.5), rng, loss="cross_entropy")
    with pytest.raises(ValueError, match="logits"):
        train_epoch(MLP([2, 3, 1], output_activation="sigmoid"), SGD(), x, y, rng, loss="cross_entropy")
    with pytest.raises(ValueError, match=r"x must have shape \(n, 3\)"):
        train_epoch(MLP([3, 1]), SGD(), x, y, rng)
    with pytest.raises(ValueError, match="n ≥ 1"):
        train_epoch(MLP([2, 1]), SGD(), np.zeros((0, 2)), np.zeros(0), rng)
    with pytest.raises(ValueError, match="10 examples but y has 9"):
        train_epoch(binary, SGD(), x, y[:9], rng)
    with pytest.raises(ValueError, match=r"y must have shape \(n, 2\)"):
        train_epoch(MLP([2, 2]), SGD(), x, y, rng)
    with pytest.raises(ValueError, match="unknown loss"):
        train_epoch(binary, SGD(), x, y, rng, loss="hinge")
    with pytest.raises(ValueError, match="unknown regularization"):
        train_epoch(binary, SGD(), x, y, rng, regularization="l3", regularization_rate=0.1)
