"""What Part 2's knobs need of each other: a dataset and its problem, a loss the problem can use, one
activation per hidden layer, and the reader's own points as a link carries them."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from faders.core import playground
from faders.core.datasets import CLASSIFICATION_2D, REGRESSION_2D, Dataset
from faders.lessons.kit.safe_text import quote
from faders.lessons.kit.urlstate import format_value

CUSTOM = "custom"  # the dataset made of the reader's own points
DATASETS = (*CLASSIFICATION_2D, *REGRESSION_2D, CUSTOM)
FIRST_DATASET = {"classification": "circle", "regression": "plane"}
# The knobs check_together weighs against each other.
AGREEING = ("dataset", "problem", "loss", "hidden", "activations")


def kind_of(dataset: str) -> str:
    """The problem a named dataset poses."""
    return "classification" if dataset in CLASSIFICATION_2D else "regression"


def fill_activations(activations: list[str], layers: int) -> list[str]:
    """One activation per hidden layer: new layers take the last one's (tanh for the first), removed
    layers drop theirs."""
    fill = activations[-1] if activations else "tanh"
    return (list(activations) + [fill] * layers)[:layers]


def to_rows(mine: Dataset | None) -> list[tuple[float, float, float]]:
    """The reader's points as a link carries them: (x, y, label) rows."""
    if mine is None:
        return []
    return [(float(x), float(y), float(label))
            for (x, y), label in zip(mine.x.tolist(), mine.y.tolist(), strict=True)]


def from_rows(rows: list, problem: str) -> Dataset:
    """The link's points as a Dataset of the problem's kind (ValueError saying what is wrong)."""
    text = "\n".join(f"{x!r},{y!r},{label!r}" for x, y, label in rows)
    return playground.parse_points_csv(text, problem, min_points=1)


def with_click(mine: Dataset | None, point: Dataset, dataset: str) -> Dataset:
    """The reader's points after one more click: added to the points in use (or to a lone first click,
    of the same problem); else the click starts afresh."""
    if mine is None or mine.kind != point.kind or (dataset != CUSTOM and len(mine.y) >= 2):
        return point
    return Dataset(np.concatenate([mine.x, point.x]), np.concatenate([mine.y, point.y]), point.kind)


def check_together(values: dict[str, object], current: Mapping[str, object], *,
                   has_points: bool) -> list[str]:
    """Refuse outside values that are good alone but not with the others (`current`: the lesson's
    dataset, problem, loss, hidden and activations); bring the rest in line. Returns the notices."""
    notices = []
    dataset = values.get("dataset", current["dataset"])
    problem = values.get("problem", current["problem"])
    if values.get("own_points"):
        try:
            from_rows(list(values["own_points"]), str(problem))  # type: ignore[call-overload]
        except ValueError as reason:
            notices.append(f"Ignored mine='{quote(format_value(values.pop('own_points')))}': {reason}.")
    has_points = bool(values["own_points"]) if "own_points" in values else has_points
    if dataset == CUSTOM and not has_points and "dataset" in values:
        notices.append("Ignored dataset='custom': there are no points of your own yet; paste some "
                       f"first. Kept {current['dataset']}.")
        del values["dataset"]
        dataset = current["dataset"]
    if dataset != CUSTOM and kind_of(str(dataset)) != problem and "problem" in values:
        notices.append(f"Ignored problem='{problem}': dataset {dataset} is a "
                       f"{kind_of(str(dataset))} problem; kept {kind_of(str(dataset))}.")
        del values["problem"]
        problem = kind_of(str(dataset))
    if dataset != CUSTOM:
        values.setdefault("problem", kind_of(str(dataset)))  # the dataset sets its problem
        problem = values["problem"]
    if values.get("loss", current["loss"]) == "cross_entropy" and problem == "regression":
        if "loss" in values:
            notices.append("Ignored loss='cross_entropy': it needs classes, and this is a regression "
                           "problem; kept mse.")
        values["loss"] = "mse"
    hidden = values.get("hidden", current["hidden"])
    activations = values.get("activations", current["activations"])
    assert isinstance(hidden, list) and isinstance(activations, list)
    if len(activations) != len(hidden):
        if "activations" in values:
            notices.append(f"Ignored act='{format_value(activations)}': {len(hidden)} hidden layers need "
                           f"{len(hidden)} activations; kept {format_value(current['activations'])}.")
            values.pop("activations")
            values.pop("hidden", None)
        else:
            values["activations"] = fill_activations(activations, len(hidden))
    return notices
