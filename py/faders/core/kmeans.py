"""k-means: group points without labels, by repeating two steps until nothing moves.

1. Assign: each point joins the group of its nearest centre (squared Euclidean distance).
2. Move: each centre moves to the mean of the points in its group.

The spread (inertia) is the sum of each point's squared distance to its own group's centre; neither
step can raise it, so the loop settles, often in a few rounds, but in the best grouping only if the
start was lucky. Starts here are k distinct data points drawn with a seed (Forgy's method).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from faders.core.knn import squared_distances

# A run that has not settled after this many rounds stops anyway (k-means nearly always settles long before).
MOST_ROUNDS = 100


@dataclass(frozen=True)
class Step:
    """The state after one half-step: the centres, each point's group (-1 before the first
    assignment), the spread, and what the step did ("start", "assign" or "move")."""

    kind: str
    centres: np.ndarray  # (k, d)
    groups: np.ndarray  # (n,) integers in 0..k-1, or -1 while unassigned
    inertia: float | None  # None before the first assignment

    def counts(self) -> list[int]:
        """How many points each group holds (all zero before the first assignment)."""
        k = len(self.centres)
        if self.groups.min(initial=0) < 0:
            return [0] * k
        return np.bincount(self.groups, minlength=k).tolist()


def initial_centres(points: np.ndarray, k: int, seed: int) -> np.ndarray:
    """k distinct data points chosen at random (the same seed, the same start)."""
    points = np.asarray(points, dtype=np.float64)
    if not 1 <= k <= len(points):
        raise ValueError(f"k must be between 1 and the number of points ({len(points)}), got {k}")
    chosen = np.random.default_rng(seed).choice(len(points), size=k, replace=False)
    return points[chosen].copy()


def assign(points: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Step 1: the index of each point's nearest centre (a tie goes to the lower index)."""
    return np.argmin(squared_distances(points, centres), axis=1)


def move(points: np.ndarray, groups: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """Step 2: each centre to the mean of its group; a centre whose group is empty stays put."""
    moved = np.array(centres, dtype=np.float64, copy=True)
    for group in range(len(centres)):
        members = points[groups == group]
        if len(members):
            moved[group] = members.mean(axis=0)
    return moved


def inertia(points: np.ndarray, groups: np.ndarray, centres: np.ndarray) -> float:
    """The spread: the sum over points of the squared distance to their own group's centre."""
    return float(np.sum((points - centres[groups]) ** 2))


def run(points: np.ndarray, k: int, seed: int, most_rounds: int = MOST_ROUNDS) -> list[Step]:
    """Every half-step of k-means from a seeded start (see run_from)."""
    return run_from(points, initial_centres(points, k, seed), most_rounds)


def run_from(points: np.ndarray, centres: np.ndarray, most_rounds: int = MOST_ROUNDS) -> list[Step]:
    """Every half-step from these centres until an assignment changes nothing (then it has settled).

    The list begins with the start, then alternates assign, move, assign, ...; it ends with the
    assignment that changed no point's group, or after `most_rounds` rounds.
    """
    points = np.asarray(points, dtype=np.float64)
    centres = np.asarray(centres, dtype=np.float64)
    unassigned = np.full(len(points), -1, dtype=np.intp)
    steps = [Step("start", centres, unassigned, None)]
    for _ in range(most_rounds):
        groups = assign(points, centres).astype(np.intp)
        steps.append(Step("assign", centres, groups, inertia(points, groups, centres)))
        if np.array_equal(groups, steps[-3].groups if len(steps) > 2 else unassigned):
            break
        centres = move(points, groups, centres)
        steps.append(Step("move", centres, groups, inertia(points, groups, centres)))
    return steps


def settled(steps: list[Step]) -> bool:
    """Whether the run ended because an assignment changed nothing (not because it ran out of rounds)."""
    last = steps[-1]
    return len(steps) > 3 and last.kind == "assign" and np.array_equal(last.groups, steps[-3].groups)


def contingency(groups: np.ndarray, labels: np.ndarray, k: int, classes: int = 2) -> np.ndarray:
    """How the groups line up with the hidden labels: counts of shape (k, classes)."""
    table = np.zeros((k, classes), dtype=np.intp)
    np.add.at(table, (np.asarray(groups), np.asarray(labels)), 1)
    return table


def agreement(groups: np.ndarray, labels: np.ndarray, k: int, classes: int = 2) -> float:
    """The share of points whose label is their group's most common label (purity): 1 when every
    group holds one class; with one group it is the larger class's share."""
    table = contingency(groups, labels, k, classes)
    return float(table.max(axis=1).sum() / table.sum()) if table.sum() else 0.0
