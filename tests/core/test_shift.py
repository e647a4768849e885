"""faders.core.shift on points moved, turned and widened by hand, and on class shares."""

from __future__ import annotations

import numpy as np
import pytest

from faders.core.datasets import Dataset, make_dataset
from faders.core.mlp import MLP
from faders.core.optimizers import SGD
from faders.core.shift import (
    Recovery,
    positive_count,
    recover,
    rotation,
    shift_points,
    shifted,
    with_positive_share,
)
from faders.core.training import accuracy, train_epoch


def test_one_point_widened_turned_and_moved_by_hand() -> None:
    # (1, 0) widened ×2 is (2, 0); a quarter turn counter-clockwise takes it to (0, 2); moving by
    # (1, 1) ends at (1, 3).
    got = shift_points(np.array([[1.0, 0.0]]), dx=1.0, dy=1.0, angle_degrees=90.0, spread=2.0)
    np.testing.assert_allclose(got, [[1.0, 3.0]], atol=1e-12)


def test_a_turn_of_30_degrees_by_hand() -> None:
    # (2, 0) turned by 30°: (2 cos 30°, 2 sin 30°) = (√3, 1); (0, 1) goes to (−sin 30°, cos 30°).
    got = shift_points(np.array([[2.0, 0.0], [0.0, 1.0]]), angle_degrees=30.0)
    np.testing.assert_allclose(got, [[np.sqrt(3.0), 1.0], [-0.5, np.sqrt(3.0) / 2]], atol=1e-12)


def test_no_shift_leaves_the_points_alone_and_a_move_adds() -> None:
    points = np.array([[0.5, -1.0], [3.0, 2.0]])
    np.testing.assert_array_equal(shift_points(points), points)
    np.testing.assert_allclose(shift_points(points, dx=-2.0, dy=0.5), points + np.array([-2.0, 0.5]))


def test_a_rotation_keeps_lengths_and_a_full_turn_comes_back() -> None:
    points = make_dataset("moons", 50, 0.2, 3).x
    turned = shift_points(points, angle_degrees=75.0)
    np.testing.assert_allclose(np.linalg.norm(turned, axis=1), np.linalg.norm(points, axis=1))
    np.testing.assert_allclose(shift_points(points, angle_degrees=360.0), points, atol=1e-12)
    np.testing.assert_allclose(rotation(90.0), [[0.0, -1.0], [1.0, 0.0]], atol=1e-15)


def test_labels_go_with_their_points() -> None:
    data = make_dataset("circle", 20, 0.0, 1)
    moved = shifted(data, dx=1.0, angle_degrees=10.0, spread=1.5)
    assert moved.y is data.y and moved.kind == "classification"


def test_bad_shapes_and_spreads_are_refused() -> None:
    with pytest.raises(ValueError):
        shift_points(np.zeros((3, 3)))
    with pytest.raises(ValueError):
        shift_points(np.zeros((3, 2)), spread=0.0)


def test_a_sample_with_one_yes_in_a_hundred_by_hand() -> None:
    # A pool of labels 0 1 0 1 …: 100 examples at 1% take the first one and the first 99 zeros.
    pool = Dataset(np.arange(400.0).reshape(200, 2), np.arange(200) % 2, "classification")
    sample = with_positive_share(pool, 100, 0.01)
    assert int(sample.y.sum()) == 1 and len(sample.y) == 100
    assert sample.x[:2].tolist() == [[0.0, 1.0], [2.0, 3.0]]  # the pool's order is kept
    assert positive_count(1000, 0.5) == 500 and positive_count(1000, 0.0004) == 1


def test_a_pool_too_small_is_refused() -> None:
    pool = Dataset(np.zeros((10, 2)), np.arange(10) % 2, "classification")
    with pytest.raises(ValueError, match="5 examples of class 0"):
        with_positive_share(pool, 10, 0.1)
    with pytest.raises(ValueError):
        positive_count(10, 1.0)


def test_recover_counts_the_epochs_a_plain_loop_counts() -> None:
    data = make_dataset("moons", 120, 0.1, 5)
    moved = shifted(data, dx=1.0, angle_degrees=20.0)

    def fresh() -> MLP:
        return MLP([2, 6, 1], "tanh", "linear", seed=2)

    got = recover(fresh(), SGD(learning_rate=0.1), moved, moved, 0.9, 50, 10, 7)
    # The same by hand: accuracy before, then train an epoch and measure, until 0.9 is reached.
    model, rng, optimizer = fresh(), np.random.default_rng(7), SGD(learning_rate=0.1)
    accuracies = [accuracy(model, moved.x, moved.y)]
    while accuracies[-1] < 0.9:
        train_epoch(model, optimizer, moved.x, moved.y, rng, 10, "cross_entropy")
        accuracies.append(accuracy(model, moved.x, moved.y))
    assert got.accuracies == accuracies and got.epochs == len(accuracies) - 1 > 0


def test_recover_at_the_target_already_takes_no_epoch_and_an_unreachable_one_says_so() -> None:
    data = make_dataset("circle", 60, 0.0, 1)
    model = MLP([2, 4, 1], "tanh", "linear", seed=0)
    start = accuracy(model, data.x, data.y)
    assert recover(model, SGD(), data, data, start, 10, 10, 0) == Recovery([start], 0)
    never = recover(model, SGD(learning_rate=1e-6), data, data, 1.01, 3, 10, 0)
    assert never.epochs is None and len(never.accuracies) == 4
