"""Fitting a 1-D curve: runs from a FitSetup, each hidden unit's contribution, kinks and breakpoints."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from faders.core import curve
from faders.core.curve import FitSetup
from faders.core.datasets import regression_1d
from faders.core.mlp import MLP
from faders.core.optimizers import SGD
from faders.core.training import evaluate_loss, train_epoch


def trained(setup: FitSetup, epochs: int) -> curve.FitRun:
    run = curve.start_fit(setup)
    for _ in range(epochs):
        run.epoch()
    return run


def test_a_run_is_the_core_training_loop_with_one_seed() -> None:
    setup = FitSetup(target="abs", width=5, depth=2, activation="tanh", learning_rate=0.1, seed=3, noise=0.1)
    run = trained(setup, 4)
    data = regression_1d("abs", 64, 0.1, 3)
    model = MLP([1, 5, 5, 1], "tanh", "linear", seed=3)
    optimizer, rng = SGD(learning_rate=0.1), np.random.default_rng(3)
    for _ in range(4):
        train_epoch(model, optimizer, data.x, data.y, rng, 8)
    assert run.epochs == 4 and run.model.layer_sizes == [1, 5, 5, 1]
    assert run.loss() == evaluate_loss(model, data.x, data.y)
    np.testing.assert_array_equal(run.data.x, data.x)


# Default network (8 ReLUs, learning rate 0.05, seed 0) after 300 epochs; measured: line 8.3e-6,
# sine 0.0016, step 0.0198, abs 4.3e-8.
BOUNDS = {"line": 2e-5, "sine": 0.002, "step": 0.025, "abs": 1e-7}


@pytest.mark.parametrize(("target", "bound"), BOUNDS.items())
def test_each_target_trains_below_its_bound(target: str, bound: float) -> None:
    run = trained(FitSetup(target=target), 300)
    assert run.loss() < bound
    assert run.loss() < 0.1 * curve.start_fit(FitSetup(target=target)).loss()


def test_the_readers_points_are_the_data() -> None:
    points = np.array([[-0.5, 0.2], [0.0, 1.0], [0.5, -0.3]])
    run = trained(FitSetup(target="points", points=points, seed=1), 2000)
    np.testing.assert_array_equal(run.data.x[:, 0], points[:, 0])
    np.testing.assert_allclose(curve.predict_curve(run.model, points[:, 0]), points[:, 1], atol=1e-6)
    with pytest.raises(ValueError, match="at least one point"):
        FitSetup(target="points")


def test_bad_setups_say_what_is_wrong() -> None:
    with pytest.raises(ValueError, match="unknown target"):
        FitSetup(target="spiral")
    with pytest.raises(ValueError, match="at least 1"):
        FitSetup(width=0)
    with pytest.raises(ValueError, match="unknown activation"):
        FitSetup(activation="swish")


def test_a_new_learning_rate_steps_by_it_from_then_on() -> None:
    run = trained(FitSetup(), 3)
    run.set_learning_rate(0.2)
    twin = trained(FitSetup(), 3)
    twin.optimizer = SGD(learning_rate=0.2)
    run.epoch()
    twin.epoch()
    assert run.optimizer.learning_rate == 0.2 and run.epochs == 4
    assert run.loss() == twin.loss()


@given(width=st.integers(1, 12), activation=st.sampled_from(["relu", "tanh", "sigmoid", "linear"]),
       seed=st.integers(0, 10_000), epochs=st.integers(0, 3))
def test_contributions_and_the_bias_sum_to_the_output(width: int, activation: str, seed: int,
                                                      epochs: int) -> None:
    run = trained(FitSetup(target="sine", width=width, activation=activation, seed=seed), epochs)
    x = curve.grid(101)
    parts = curve.hidden_contributions(run.model, x)
    assert parts.shape == (101, width)
    np.testing.assert_allclose(parts.sum(axis=1) + curve.output_bias(run.model),
                               curve.predict_curve(run.model, x), rtol=0, atol=1e-12)


def test_a_contribution_is_the_units_weight_times_its_activation() -> None:
    model = MLP([1, 2, 1], "relu", seed=0)
    model.layers[0].weights[:] = [[2.0, -1.0]]
    model.layers[0].bias[:] = [1.0, 0.5]
    model.layers[1].weights[:] = [[3.0], [-2.0]]
    parts = curve.hidden_contributions(model, np.array([-1.0, 0.0, 1.0]))
    np.testing.assert_array_equal(parts, [[0.0, -3.0], [3.0, -1.0], [9.0, 0.0]])
    assert curve.unit_kinks(model) == [(0, -0.5), (1, 0.5)]
    model.layers[0].weights[0, 1] = 0.0  # a flat unit has no kink
    assert curve.unit_kinks(model) == [(0, -0.5)]


def test_contributions_need_one_hidden_layer() -> None:
    with pytest.raises(ValueError, match="one hidden layer"):
        curve.hidden_contributions(MLP([1, 4, 4, 1], "relu"), curve.grid(5))
    with pytest.raises(ValueError, match="one hidden layer"):
        curve.unit_kinks(MLP([1, 4, 4, 1], "relu"))


def test_one_relu_layer_bends_only_at_its_units_kinks() -> None:
    run = trained(FitSetup(target="sine", width=6, seed=2), 100)
    inside = sorted(x for _, x in curve.unit_kinks(run.model) if -1 < x < 1)
    np.testing.assert_allclose(curve.relu_breakpoints(run.model), inside, rtol=1e-12)


@pytest.mark.parametrize(("width", "depth", "seed"), [(4, 3, 2), (3, 2, 5), (6, 4, 1)])
def test_breakpoints_are_where_some_unit_changes_sign(width: int, depth: int, seed: int) -> None:
    model = trained(FitSetup(target="sine", width=width, depth=depth, seed=seed), 150).model
    breakpoints = curve.relu_breakpoints(model)
    # A fine scan finds each sign change of any unit within one step of a breakpoint.
    x = np.linspace(-1, 1, 200_001)
    signs, out = [], x[:, None]
    for layer in model.layers[:-1]:
        signs.append(out @ layer.weights + layer.bias > 0)
        out = layer.predict(out)
    pattern = np.concatenate(signs, axis=1)
    changes = x[1:][(pattern[1:] != pattern[:-1]).any(axis=1)]
    assert len(changes) == len(breakpoints)
    np.testing.assert_allclose(changes, breakpoints, atol=2e-5)
    # Between breakpoints the curve is straight: the midpoint of each piece lies on its chord.
    edges = np.concatenate([[-1.0], breakpoints, [1.0]])
    middles = (edges[:-1] + edges[1:]) / 2
    ends = curve.predict_curve(model, edges)
    np.testing.assert_allclose(curve.predict_curve(model, middles), (ends[:-1] + ends[1:]) / 2, atol=1e-12)


def test_stacked_layers_make_more_pieces_than_one_layer_of_as_many_units() -> None:
    # A sawtooth: two ReLUs a layer fold [0, 1] onto itself, doubling the pieces at every layer.
    depth = 4
    model = MLP([1, *[2] * depth, 1], "relu", seed=0)
    for layer in model.layers[:-1]:
        layer.weights[:] = 2.0 if layer is model.layers[0] else [[2.0, 2.0], [-4.0, -4.0]]
        layer.bias[:] = [0.0, -1.0]
    model.layers[-1].weights[:] = [[1.0], [-2.0]]
    pieces = len(curve.relu_breakpoints(model, 0.0, 1.0)) + 1
    assert pieces == 2 ** depth
    assert pieces > 2 * depth + 1  # one layer of the same 8 units makes at most 9 pieces


def test_breakpoints_need_relu_layers() -> None:
    with pytest.raises(ValueError, match="relu"):
        curve.relu_breakpoints(MLP([1, 3, 1], "tanh"))
