"""How good is a two-class classifier? The confusion matrix and the numbers read off it.

Class 1 is the "yes" (positive) class, class 0 the "no". A score is the model's P(yes); a threshold
t turns scores into answers: yes where score ≥ t. The confusion matrix counts[true, predicted]:

                 predicted no   predicted yes
    truly no         TN             FP          (false alarms)
    truly yes        FN             TP          (misses: FN)

    accuracy  = (TP + TN) / all          the share of answers that are right
    precision = TP / (TP + FP)           of the yeses it said, the share that were yes
    recall    = TP / (TP + FN)           of the real yeses, the share it found
    F1        = 2·TP / (2·TP + FP + FN)  the harmonic mean of precision and recall

Precision is undefined (None) when the model never says yes, and recall when no example is yes;
F1 is undefined only when neither happens nor is predicted. Undefined is not zero: say so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from faders.core.playground import confusion_matrix


def answers(scores: np.ndarray, threshold: float) -> np.ndarray:
    """1 (yes) where the score reaches the threshold, else 0 (no)."""
    return (np.asarray(scores, dtype=float) >= threshold).astype(np.intp)


def confusion(predicted: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """counts[true class, predicted class] for labels and answers 0 or 1: [[TN, FP], [FN, TP]]."""
    return confusion_matrix(predicted, labels, classes=2)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Scores:
    """The four numbers of one confusion matrix (None where undefined)."""

    accuracy: float | None
    precision: float | None
    recall: float | None
    f1: float | None

    def as_dict(self) -> dict[str, float | None]:
        return {"accuracy": self.accuracy, "precision": self.precision, "recall": self.recall,
                "f1": self.f1}


def scores_of(counts: np.ndarray) -> Scores:
    """Accuracy, precision, recall and F1 of a 2 × 2 confusion matrix [[TN, FP], [FN, TP]]."""
    (tn, fp), (fn, tp) = np.asarray(counts).tolist()
    return Scores(accuracy=_share(tp + tn, tn + fp + fn + tp), precision=_share(tp, tp + fp),
                  recall=_share(tp, tp + fn), f1=_share(2 * tp, 2 * tp + fp + fn))


def cost(counts: np.ndarray, false_alarm: float, miss: float) -> float:
    """What the mistakes cost: false_alarm per FP plus miss per FN (right answers cost nothing)."""
    (_, fp), (fn, _) = np.asarray(counts).tolist()
    return false_alarm * fp + miss * fn
