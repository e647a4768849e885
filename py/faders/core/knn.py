"""k-nearest neighbours: a non-parametric model that keeps its training data and looks it up to predict.

Training is storing the points; a prediction finds the k training points nearest the query
(Euclidean distance) and lets them vote (classification) or averages their targets (regression).
"""

from __future__ import annotations

import numpy as np


def _as_points(x: np.ndarray) -> np.ndarray:
    """Points as rows, shape (n, d); a flat array of n numbers is n points in one dimension."""
    x = np.asarray(x, dtype=np.float64)
    return x[:, None] if x.ndim == 1 else x


def squared_distances(query_x: np.ndarray, train_x: np.ndarray) -> np.ndarray:
    """Squared Euclidean distance from each query (rows) to each training point (columns).

    Adds up (query - point)² one input dimension at a time: the table never grows past
    queries × points, and points equally far from a query get exactly equal distances.
    """
    queries, points = _as_points(query_x), _as_points(train_x)
    if queries.shape[1] != points.shape[1]:
        raise ValueError(f"queries have {queries.shape[1]} inputs but training points have {points.shape[1]}")
    distances = np.zeros((len(queries), len(points)))
    for dim in range(points.shape[1]):
        distances += (queries[:, dim, None] - points[None, :, dim]) ** 2
    return distances


# Queries are sorted this many at a time: the table of distances never holds more than
# QUERY_BLOCK × points numbers, however many queries (a fine map has thousands).
QUERY_BLOCK = 256


def neighbour_order(train_x: np.ndarray, query_x: np.ndarray) -> np.ndarray:
    """For each query, every training point's index, nearest first: shape (queries, points).

    Training points at equal distance are listed by index, lower first (a stable sort), so the
    answer never depends on chance. The k nearest are the first k columns, whatever k: sorted once,
    the order answers every k without measuring a distance again. The indices are kept in the
    smallest unsigned integer type that holds them (uint8 up to 256 points): a map's table of
    orders is then an eighth or a quarter of its size in int64.
    """
    queries, points = _as_points(query_x), _as_points(train_x)
    index_type = np.min_scalar_type(max(len(points) - 1, 0))
    order = np.empty((len(queries), len(points)), dtype=index_type)
    for first in range(0, len(queries), QUERY_BLOCK):
        block = slice(first, first + QUERY_BLOCK)
        order[block] = np.argsort(squared_distances(queries[block], points), axis=1, kind="stable")
    return order


def nearest_neighbours(train_x: np.ndarray, query_x: np.ndarray, k: int) -> np.ndarray:
    """For each query, the indices of its k nearest training points, nearest first: shape (queries, k).

    Ties as in `neighbour_order`. A lesson can draw a line from each query to these points.
    """
    _check_k(k, len(_as_points(train_x)))
    return neighbour_order(train_x, query_x)[:, :k]


def _check_k(k: int, n_train: int) -> None:
    if not 1 <= k <= n_train:
        raise ValueError(f"k must be between 1 and the number of training points ({n_train}), got {k}")


def majority_vote(neighbour_labels: np.ndarray) -> np.ndarray:
    """The most common label in each row of labels listed nearest first.

    A tie in votes goes to the tied label whose own nearest neighbour comes first in the row,
    i.e. the one closest to the query (and, at equal distance, with the lower training index).
    """
    neighbour_labels = np.asarray(neighbour_labels)
    labels, codes = np.unique(neighbour_labels.ravel(), return_inverse=True)
    codes = codes.reshape(neighbour_labels.shape)
    k = neighbour_labels.shape[1]
    is_label = codes[:, :, None] == np.arange(len(labels))  # (queries, k, labels)
    votes = is_label.sum(axis=1)
    first_place = np.where(votes > 0, is_label.argmax(axis=1), k)  # row position of each label's nearest
    # Votes count first; among equal votes an earlier first place wins (first_place ≤ k < k + 1).
    winner = np.argmax(votes * (k + 1) - first_place, axis=1)
    return labels[winner]


def knn_predict(train_x: np.ndarray, train_y: np.ndarray, query_x: np.ndarray, k: int,
                task: str = "classification") -> np.ndarray:
    """Predictions for every query from its k nearest training points: shape (queries,).

    task="classification": the majority label among the k (ties as in `majority_vote`).
    task="regression": the mean of their targets. On 0/1 labels this is the share of class 1,
    a soft picture of the decision.
    """
    return predict_from_order(neighbour_order(train_x, query_x), train_y, k, task)


def predict_from_order(order: np.ndarray, train_y: np.ndarray, k: int,
                       task: str = "classification") -> np.ndarray:
    """`knn_predict` from each query's `neighbour_order`: only its first k columns are read."""
    _check_k(k, order.shape[1])
    neighbour_y = np.asarray(train_y)[order[:, :k]]
    if task == "classification":
        return majority_vote(neighbour_y)
    if task == "regression":
        return neighbour_y.mean(axis=1)
    raise ValueError(f'task must be "classification" or "regression", got {task!r}')


def numbers_kept_by_knn(train_x: np.ndarray) -> int:
    """How many numbers a kNN model keeps: every training point's inputs and its label, n · (d + 1).

    k is a hyperparameter, chosen rather than learned, and not counted.
    """
    n, d = _as_points(train_x).shape
    return n * (d + 1)


def numbers_kept_by_linear_model(n_inputs: int = 1) -> int:
    """How many numbers a linear or logistic model keeps: a weight per input and a bias (a line: 2).

    The count stays the same however much data it was trained on.
    """
    return n_inputs + 1
