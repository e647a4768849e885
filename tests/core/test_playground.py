"""The playground's pieces: runs from a Setup, maps, pasted points, confusion matrix, exports."""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from faders.core import playground
from faders.core.datasets import HALF_WIDTH, Dataset, feature_columns, make_dataset, train_test_split
from faders.core.mlp import MLP
from faders.core.optimizers import SGD
from faders.core.playground import Setup
from faders.core.training import evaluate_loss, train_epoch


def trained(setup: Setup, epochs: int) -> playground.Run:
    run = playground.start(setup)
    for _ in range(epochs):
        run.epoch()
    return run


def test_a_run_is_the_core_training_loop_with_one_seed() -> None:
    setup = Setup(dataset="xor", noise=0.1, hidden=(3,), activations=("relu",), learning_rate=0.05, seed=4)
    run = trained(setup, 3)
    train, test = train_test_split(make_dataset("xor", 500, 0.1, 4), 0.5, 4)
    model = MLP([2, 3, 1], ["relu"], "linear", seed=4)
    optimizer, rng = SGD(learning_rate=0.05), np.random.default_rng(4)
    for _ in range(3):
        train_epoch(model, optimizer, train.x, train.y, rng, 10, "mse")
    assert run.epochs == 3 and len(run.train.y) == 250 and len(run.test.y) == 250
    assert run.losses() == (evaluate_loss(model, train.x, train.y), evaluate_loss(model, test.x, test.y))


def test_the_default_run_learns_the_circle() -> None:
    run = playground.start(Setup())
    before = run.losses()
    for _ in range(60):
        run.epoch()
    after = run.losses()
    assert after[0] < 0.5 * before[0] and after[1] < 0.5 * before[1]


def test_setup_refuses_what_cannot_run() -> None:
    with pytest.raises(ValueError, match="unknown 2-D dataset"):
        Setup(dataset="sine")
    with pytest.raises(ValueError, match="features must be"):
        Setup(features=())
    with pytest.raises(ValueError, match="2 hidden layers need as many activations"):
        Setup(activations=("tanh",))
    with pytest.raises(ValueError, match="regression uses mse"):
        Setup(dataset="plane", loss="cross_entropy")
    assert Setup(dataset="bumps").problem == "regression" and Setup().problem == "classification"


def test_grid_points_are_cell_centres_from_the_bottom_left() -> None:
    points = playground.grid_points(4, half_width=2.0)
    assert points.shape == (16, 2)
    assert points[0].tolist() == [-1.5, -1.5] and points[1].tolist() == [-0.5, -1.5]
    assert points[4].tolist() == [-1.5, -0.5] and points[-1].tolist() == [1.5, 1.5]
    with pytest.raises(ValueError, match="resolution"):
        playground.grid_points(0)


def test_decision_maps_are_the_models_outputs_on_the_grid() -> None:
    setup = Setup(features=("x", "y", "x2"), hidden=(3, 2), loss="cross_entropy")
    model = playground.build_model(setup)
    maps = playground.decision_maps(model, setup.features, "cross_entropy", "classification", resolution=5)
    grid = playground.grid_points(5)
    outputs = model.hidden_outputs(feature_columns(grid, ["x", "y", "x2"]))
    assert maps.output.shape == (5, 5)
    assert [m.shape for m in maps.neurons] == [(3, 5, 5), (2, 5, 5)]
    # Row r, column c of each map is grid point r * 5 + c.
    assert maps.output[1, 3] == pytest.approx(1 / (1 + math.exp(-outputs[-1][8, 0])))
    assert maps.neurons[0][2, 4, 0] == outputs[0][20, 2]
    assert maps.neurons[1][1, 0, 4] == outputs[1][4, 1]
    mse_maps = playground.decision_maps(model, setup.features, "mse", "regression", resolution=5)
    assert mse_maps.output[1, 3] == outputs[-1][8, 0]


def test_discretise_splits_at_one_half() -> None:
    assert playground.discretise(np.array([[0.2, 0.5], [0.51, 3.0]])).tolist() == [[0.0, 0.0], [1.0, 1.0]]


def test_confusion_matrix_counts_true_against_predicted() -> None:
    counts = playground.confusion_matrix(np.array([0, 1, 1, 1, 0]), np.array([0, 1, 0, 1, 1]))
    assert counts.tolist() == [[1, 1], [1, 2]]
    with pytest.raises(ValueError):
        playground.confusion_matrix(np.array([0, 1]), np.array([0]))


@given(st.lists(st.integers(0, 1), min_size=1, max_size=30), st.integers(0, 1000))
def test_confusion_matrix_adds_up(labels: list[int], seed: int) -> None:
    predicted = np.random.default_rng(seed).integers(0, 2, len(labels))
    counts = playground.confusion_matrix(predicted, np.array(labels))
    assert counts.sum() == len(labels)
    assert np.trace(counts) == np.sum(predicted == np.array(labels))


def test_class_predictions_read_logits_at_zero_and_mse_outputs_at_one_half() -> None:
    model = MLP([1, 1], [], "linear")
    model.layers[0].weights[:] = 1.0
    x = np.array([[-0.2], [0.3], [0.7]])
    assert playground.class_predictions(model, x, "cross_entropy").tolist() == [0, 1, 1]
    assert playground.class_predictions(model, x, "mse").tolist() == [0, 0, 1]


# --- pasted points ------------------------------------------------------------------------------------

def test_pasted_csv_becomes_a_dataset() -> None:
    text = "x,y,label\n# my points\n1, 2, 1\n\n-3;0.5;0\n2.5\t-6\t-1\n0 0 1\n"
    data = playground.parse_points_csv(text)
    assert data.kind == "classification"
    assert data.x.tolist() == [[1.0, 2.0], [-3.0, 0.5], [2.5, -6.0], [0.0, 0.0]]
    assert data.y.tolist() == [1, 0, 0, 1] and data.y.dtype == np.intp
    regression = playground.parse_points_csv("1,1,0.25\n2,2,-3.5", problem="regression")
    assert regression.kind == "regression" and regression.y.tolist() == [0.25, -3.5]


@pytest.mark.parametrize(("text", "problem", "message"), [
    ("1,2,1\n3,4\n", "classification", "line 2: expected 3 values x, y, label; found 2"),
    ("1,2,1\n1,two,0\n", "classification", "line 2: '1,two,0' is not three numbers"),
    ("1,2,1\n1,2,0.5\n", "classification", "line 2: label 0.5 is not a class; use 0 or 1"),
    ("1,2,1\n7,2,0\n", "classification", "line 2: the point \\(7, 2\\) lies outside the square from -6 to 6"),
    ("1,2,1\n1,nan,0\n", "classification", "line 2: values must be finite"),
    ("1,2,1\n", "classification", "at least 2 points"),
    ("", "classification", "at least 2 points"),
    ("1,2,1\n2,2,1\n", "colour", "problem must be one of"),
])
def test_pasted_csv_errors_name_the_line(text: str, problem: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        playground.parse_points_csv(text, problem=problem)


def test_one_point_parses_when_asked_for_one() -> None:
    assert playground.parse_points_csv("1,1,1", min_points=1).x.tolist() == [[1.0, 1.0]]


def test_a_run_needs_a_point_to_train_on() -> None:
    data = playground.parse_points_csv("1,1,1\n2,2,0")
    with pytest.raises(ValueError, match="with 2 points and 10% of them for training, no point is left"):
        playground.start(Setup(points=data, test_fraction=0.9))


def test_pasted_csv_has_a_size_limit_that_says_why() -> None:
    text = "\n".join("1,1,0" for _ in range(11))
    with pytest.raises(ValueError, match="more than 10 points"):
        playground.parse_points_csv(text, max_points=10)


def test_a_run_trains_on_pasted_points() -> None:
    data = playground.parse_points_csv("\n".join(f"{x},{x},{int(x > 0)}" for x in np.linspace(-5, 5, 20)))
    run = trained(Setup(points=data, test_fraction=0.25, hidden=(2,), activations=("tanh",)), 2)
    assert len(run.train.y) == 15 and len(run.test.y) == 5 and run.setup.problem == "classification"
    assert all(math.isfinite(loss) for loss in run.losses())


# --- exports ------------------------------------------------------------------------------------------

def execute(code: str) -> dict:
    namespace: dict = {}
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        exec(compile(code, "<exported>", "exec"), namespace)
    namespace["printed"] = printed.getvalue()
    return namespace


@pytest.mark.parametrize("setup", [
    Setup(),
    Setup(dataset="spiral", noise=0.2, features=("x", "y", "sin_x", "sin_y"), hidden=(5, 3, 2),
          activations=("relu", "tanh", "sigmoid"), loss="cross_entropy", learning_rate=0.1,
          regularization="l2", regularization_rate=0.001, batch_size=7, seed=9, test_fraction=0.3),
    Setup(dataset="bumps", n_points=120, hidden=(), activations=(), features=("x2", "xy")),
])
def test_exported_python_repeats_the_run(setup: Setup) -> None:
    run = trained(setup, 4)
    namespace = execute(playground.python_code(setup, 4))
    assert (namespace["train_loss"], namespace["test_loss"]) == run.losses()
    assert namespace["printed"].startswith("after 4 epochs: train loss ")


def test_settings_retuned_part_way_train_on_and_the_exported_python_repeats_them() -> None:
    setup = Setup(hidden=(3,), activations=("tanh",), seed=4)
    run = playground.start(setup)
    run.retune(learning_rate=0.05)  # before the first epoch: as if the run had started so
    run.epoch()
    run.epoch()
    weights = [p.copy() for p in run.model.parameters()]
    run.retune(learning_rate=0.2, batch_size=25)
    run.retune(regularization="l2", regularization_rate=0.01)  # the same epoch: one change
    run.epoch()
    run.epoch()
    assert run.first_setup.learning_rate == 0.05 and run.setup.batch_size == 25
    assert run.changes == [(2, {"learning_rate": 0.2, "batch_size": 25, "regularization": "l2",
                                "regularization_rate": 0.01})]
    assert run.optimizer.learning_rate == 0.2
    # The same two epochs by hand from the weights of epoch 2 give the same network.
    by_hand = playground.start(dataclasses.replace(setup, learning_rate=0.05))
    for _ in range(2):
        by_hand.epoch()
    for a, b in zip(weights, by_hand.model.parameters(), strict=True):
        np.testing.assert_array_equal(a, b)
    by_hand.optimizer.learning_rate = 0.2
    by_hand.setup = dataclasses.replace(by_hand.setup, batch_size=25, regularization="l2",
                                        regularization_rate=0.01)
    for _ in range(2):
        by_hand.epoch()
    assert by_hand.losses() == run.losses()
    code = playground.python_code(run.first_setup, 4, run.changes)
    assert "if epoch == 2:  # changed while training" in code
    namespace = execute(code)
    assert (namespace["train_loss"], namespace["test_loss"]) == run.losses()


def test_only_training_settings_can_be_retuned_and_bad_values_are_refused() -> None:
    run = playground.start(Setup())
    with pytest.raises(ValueError, match="not hidden"):
        run.retune(hidden=(3,))
    with pytest.raises(ValueError):
        run.retune(batch_size=0)
    assert run.setup == Setup() and run.changes == []


def test_exported_python_carries_pasted_points() -> None:
    data = playground.parse_points_csv("1,2,1\n-1.5,0.25,0\n3,3,1\n-4,-1,0\n")
    setup = Setup(points=data, hidden=(2,), activations=("tanh",), loss="cross_entropy")
    namespace = execute(playground.python_code(setup, 3))
    assert namespace["data"].x.tolist() == data.x.tolist() and namespace["data"].y.tolist() == [1, 0, 1, 0]
    assert (namespace["train_loss"], namespace["test_loss"]) == trained(setup, 3).losses()


def test_weights_json_reloads_to_the_same_predictions() -> None:
    setup = Setup(dataset="gaussians", features=("x", "y", "xy"), hidden=(3,), activations=("relu",),
                  loss="cross_entropy")
    run = trained(setup, 2)
    text = playground.weights_json(run.model, setup, 2)
    data = json.loads(text)
    assert data["epochs"] == 2 and data["settings"]["hidden"] == [3] and data["problem"] == "classification"
    model, features, loss = playground.load_weights_json(text)
    assert features == ["x", "y", "xy"] and loss == "cross_entropy"
    grid = feature_columns(playground.grid_points(7), features)
    assert np.array_equal(model.predict(grid), run.model.predict(grid))


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: "{", "not JSON"),
    (lambda d: json.dumps([1]), "not a playground weights file"),
    (lambda d: json.dumps({**d, "version": 99}), "version 99"),
    (lambda d: json.dumps({**d, "features": ["z"]}), "'features' must list"),
    (lambda d: json.dumps({**d, "features": ["x"]}), "2 inputs but 1 features"),
    (lambda d: json.dumps({**d, "model": {"layer_sizes": [2, 1]}}), "does not describe a network"),
])
def test_bad_weights_json_is_refused_in_words(change, message: str) -> None:
    setup = Setup(hidden=(), activations=())
    good = json.loads(playground.weights_json(playground.build_model(setup), setup, 0))
    with pytest.raises(ValueError, match=message):
        playground.load_weights_json(change(good))


def test_points_on_the_square_edge_are_accepted() -> None:
    data = playground.parse_points_csv(f"{HALF_WIDTH},{-HALF_WIDTH},1\n0,0,0")
    assert isinstance(data, Dataset) and data.x[0].tolist() == [6.0, -6.0]
