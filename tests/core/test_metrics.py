"""faders.core.metrics on a confusion matrix worked out by hand."""

from __future__ import annotations

import numpy as np
import pytest

from faders.core.metrics import answers, confusion, cost, scores_of

# Ten examples, four of them yes; the model's P(yes) for each.
LABELS = np.array([1, 1, 1, 1, 0, 0, 0, 0, 0, 0])
SCORES = np.array([0.9, 0.8, 0.4, 0.2, 0.7, 0.3, 0.1, 0.1, 0.05, 0.6])


def test_a_confusion_matrix_and_its_numbers_by_hand() -> None:
    # At 0.5: yes for 0.9, 0.8 (right), 0.7 and 0.6 (false alarms); 0.4 and 0.2 are misses.
    counts = confusion(answers(SCORES, 0.5), LABELS)
    assert counts.tolist() == [[4, 2], [2, 2]]  # [[TN, FP], [FN, TP]]
    got = scores_of(counts)
    assert got.accuracy == pytest.approx(6 / 10)
    assert got.precision == pytest.approx(2 / 4)
    assert got.recall == pytest.approx(2 / 4)
    assert got.f1 == pytest.approx(2 * 2 / (2 * 2 + 2 + 2))  # = 0.5, the mean of two halves


def test_a_lower_threshold_finds_more_yeses_and_raises_more_alarms() -> None:
    counts = confusion(answers(SCORES, 0.15), LABELS)  # yes for 0.9 0.8 0.4 0.2 0.7 0.3 0.6
    assert counts.tolist() == [[3, 3], [0, 4]]
    got = scores_of(counts)
    assert (got.accuracy, got.precision, got.recall) == (0.7, 4 / 7, 1.0)
    assert got.f1 == pytest.approx(2 * (4 / 7) * 1.0 / (4 / 7 + 1.0))  # the harmonic mean


def test_a_score_equal_to_the_threshold_is_a_yes() -> None:
    assert answers(np.array([0.49, 0.5, 0.51]), 0.5).tolist() == [0, 1, 1]


def test_the_model_that_always_says_no_on_99_to_1_data() -> None:
    labels = np.array([1] + [0] * 99)
    got = scores_of(confusion(np.zeros(100, dtype=int), labels))
    assert got.accuracy == 0.99 and got.recall == 0.0 and got.f1 == 0.0
    assert got.precision is None  # it never says yes: undefined, not zero


def test_undefined_numbers_are_none() -> None:
    assert scores_of(np.array([[5, 0], [0, 0]])).as_dict() == {
        "accuracy": 1.0, "precision": None, "recall": None, "f1": None}
    assert scores_of(np.zeros((2, 2))).accuracy is None


def test_cost_counts_false_alarms_and_misses_only() -> None:
    assert cost(np.array([[4, 2], [2, 2]]), false_alarm=5.0, miss=100.0) == 2 * 5.0 + 2 * 100.0


def test_answers_and_labels_must_match() -> None:
    with pytest.raises(ValueError):
        confusion(np.array([0, 1]), np.array([0, 1, 1]))
