"""faders.core.knn on hand-worked examples and against a plain loop over the queries."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from faders.core import datasets
from faders.core.knn import (
    QUERY_BLOCK,
    knn_predict,
    majority_vote,
    nearest_neighbours,
    neighbour_order,
    numbers_kept_by_knn,
    numbers_kept_by_linear_model,
    squared_distances,
)

# Four points on a line, labelled 0 1 1 0, used by several hand-worked examples.
LINE_X = np.array([0.0, 1.0, 2.0, 3.0])
LINE_LABELS = np.array([0, 1, 1, 0])


def brute_force(train_x: np.ndarray, train_y: np.ndarray, query_x: np.ndarray, k: int, task: str) -> list:
    """kNN written the slow, obvious way: one query at a time."""
    answers = []
    for query in query_x:
        distances = [float(np.sum((query - point) ** 2)) for point in train_x]
        nearest = sorted(range(len(train_x)), key=lambda i: (distances[i], i))[:k]
        labels = [train_y[i] for i in nearest]
        if task == "regression":
            answers.append(sum(labels) / k)
            continue
        votes = {label: labels.count(label) for label in labels}
        top = max(votes.values())
        answers.append(next(label for label in labels if votes[label] == top))  # nearest of the tied
    return answers


def test_squared_distances_known_values() -> None:
    distances = squared_distances(np.array([[0.0, 0.0], [1.0, 1.0]]), np.array([[3.0, 4.0], [1.0, 1.0]]))
    assert distances.tolist() == [[25.0, 2.0], [13.0, 0.0]]
    assert squared_distances(np.array([0.5]), LINE_X).tolist() == [[0.25, 0.25, 2.25, 6.25]]


def test_neighbours_are_listed_nearest_first_ties_by_lower_index() -> None:
    train_x = np.array([0.0, 2.0, 1.0, 3.0])
    assert nearest_neighbours(train_x, np.array([1.5]), 2).tolist() == [[1, 2]]  # both 0.5 away
    assert nearest_neighbours(train_x, np.array([1.5]), 4).tolist() == [[1, 2, 0, 3]]
    assert nearest_neighbours(train_x, np.array([0.1, 2.9]), 1).tolist() == [[0], [3]]


@pytest.mark.parametrize(("points", "index_type"), [(256, np.uint8), (300, np.uint16)])
def test_neighbour_order_in_blocks_and_small_integers_matches_one_sort(points: int, index_type: type) -> None:
    rng = np.random.default_rng(4)
    train_x = rng.integers(0, 5, size=(points, 2)).astype(float)  # many ties: the order of equals shows
    query_x = rng.uniform(-1, 6, size=(QUERY_BLOCK * 2 + 3, 2))  # blocks, and a short last one
    order = neighbour_order(train_x, query_x)
    assert order.dtype == index_type
    assert np.array_equal(order, np.argsort(squared_distances(query_x, train_x), axis=1, kind="stable"))


def test_k_equal_one_memorises_the_training_points() -> None:
    data = datasets.make_dataset("moons", 80, 0.2, 0)
    assert np.array_equal(knn_predict(data.x, data.y, data.x, 1), data.y)
    wiggly = datasets.make_dataset("sine", 50, 0.3, 1)
    assert np.array_equal(knn_predict(wiggly.x, wiggly.y, wiggly.x, 1, task="regression"), wiggly.y)


def test_regression_averages_the_k_nearest_targets() -> None:
    train_x, train_y = np.array([0.0, 1.0, 2.0, 3.0, 10.0]), np.array([0.0, 10.0, 20.0, 30.0, 100.0])
    assert knn_predict(train_x, train_y, np.array([2.2]), 2, "regression").tolist() == [25.0]  # 20, 30
    assert knn_predict(train_x, train_y, np.array([1.2]), 3, "regression").tolist() == [10.0]  # 10, 20, 0
    assert knn_predict(train_x, train_y, np.array([9.0]), 5, "regression").tolist() == [32.0]  # all
    assert knn_predict(train_x, train_y, np.array([9.0]), 1, "regression").tolist() == [100.0]


def test_the_majority_wins_even_over_the_nearest_point() -> None:
    train_x, train_y = np.array([0.0, 1.0, 1.1]), np.array([0, 1, 1])
    assert knn_predict(train_x, train_y, np.array([0.1]), 1).tolist() == [0]
    assert knn_predict(train_x, train_y, np.array([0.1]), 3).tolist() == [1]


def test_a_tied_vote_goes_to_the_class_of_the_nearer_neighbour() -> None:
    # k = 2 with one neighbour of each class: the nearer one decides.
    assert knn_predict(LINE_X, LINE_LABELS, np.array([0.4, 0.6, 2.4, 2.6]), 2).tolist() == [0, 1, 1, 0]
    # k = 4 at 1.5 is a 2–2 tie; the nearest are points 1 and 2 (equally far, point 1 listed first).
    assert knn_predict(LINE_X, LINE_LABELS, np.array([1.5]), 4).tolist() == [1]
    assert knn_predict(LINE_X, 1 - LINE_LABELS, np.array([1.5]), 4).tolist() == [0]


def test_majority_vote_on_rows_of_labels() -> None:
    rows = np.array([[2, 0, 0, 2], [0, 1, 1, 0], [5, 7, 7, 9], [3, 3, 3, 3]])
    assert majority_vote(rows).tolist() == [2, 0, 7, 3]


def test_classification_keeps_the_label_dtype_and_regression_gives_floats() -> None:
    predictions = knn_predict(LINE_X, LINE_LABELS, np.array([0.0, 3.0]), 3)
    assert predictions.dtype == LINE_LABELS.dtype and predictions.tolist() == [1, 1]
    shares = knn_predict(LINE_X, LINE_LABELS, np.array([0.0, 3.0]), 3, task="regression")
    assert shares.dtype == np.float64 and shares == pytest.approx([2 / 3, 2 / 3])  # share of class 1


def test_a_decision_map_on_a_grid_is_one_call() -> None:
    data = datasets.make_dataset("circle", 200, 0.0, 2)
    grid = np.stack(np.meshgrid(np.linspace(-6, 6, 31), np.linspace(-6, 6, 31)), axis=-1).reshape(-1, 2)
    predictions = knn_predict(data.x, data.y, grid, 5)
    assert predictions.shape == (31 * 31,)
    assert predictions[np.hypot(grid[:, 0], grid[:, 1]) < 1].min() == 1  # the centre is the inner class
    assert predictions[np.hypot(grid[:, 0], grid[:, 1]) > 5.5].max() == 0


@given(
    train=st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3), st.integers(0, 2)),
                   min_size=1, max_size=25),
    queries=st.lists(st.tuples(st.integers(-4, 4), st.integers(-4, 4)), min_size=1, max_size=10),
    k_share=st.floats(0, 1),
)
def test_agrees_with_a_plain_loop_including_ties(train: list, queries: list, k_share: float) -> None:
    # Whole-number coordinates on a small board make equal distances and tied votes common.
    train_x = np.array([(a, b) for a, b, _ in train], dtype=np.float64)
    train_y = np.array([label for _, _, label in train])
    query_x = np.array(queries, dtype=np.float64)
    k = 1 + int(k_share * (len(train) - 1))
    assert knn_predict(train_x, train_y, query_x, k).tolist() == brute_force(
        train_x, train_y.tolist(), query_x, k, "classification")
    assert knn_predict(train_x, train_y, query_x, k, "regression") == pytest.approx(
        brute_force(train_x, train_y.tolist(), query_x, k, "regression"))


def test_numbers_kept_knn_against_a_line() -> None:
    assert numbers_kept_by_knn(np.zeros((50, 2))) == 150  # 50 points × (2 inputs + 1 label)
    assert numbers_kept_by_knn(datasets.make_dataset("sine", 30, 0.1, 0).x) == 60
    assert numbers_kept_by_knn(np.zeros(30)) == 60
    assert numbers_kept_by_linear_model() == 2  # w and b
    assert numbers_kept_by_linear_model(2) == 3


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="k must be between 1 and the number of training points"):
        knn_predict(LINE_X, LINE_LABELS, np.array([0.0]), 5)
    with pytest.raises(ValueError, match="k must be"):
        nearest_neighbours(LINE_X, np.array([0.0]), 0)
    with pytest.raises(ValueError, match="task"):
        knn_predict(LINE_X, LINE_LABELS, np.array([0.0]), 1, task="ranking")
    with pytest.raises(ValueError, match="inputs"):
        knn_predict(np.zeros((4, 2)), LINE_LABELS, np.zeros((1, 3)), 1)


@pytest.mark.parametrize("name", sorted(datasets.CLASSIFICATION_2D))
def test_k_one_is_right_on_every_distinct_training_point(name: str) -> None:
    data = datasets.make_dataset(name, 150, 0.4, 2)
    assert len(np.unique(data.x, axis=0)) == len(data.x)  # distinct points
    assert np.mean(knn_predict(data.x, data.y, data.x, 1) == data.y) == 1.0
