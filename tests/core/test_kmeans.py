"""faders.core.kmeans on a hand-worked run: four points on a line, two groups."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from faders.core import kmeans
from faders.core.datasets import make_dataset

# Four points on the x axis; the start puts both centres at the left, on the first two points.
POINTS = np.array([[0.0, 0.0], [1.0, 0.0], [4.0, 0.0], [5.0, 0.0]])
START = np.array([[0.0, 0.0], [1.0, 0.0]])


def test_one_step_by_hand() -> None:
    # Assign: 0 is on centre 0; 1, 4 and 5 are nearer centre 1 (4 is 9 from it and 16 from centre 0).
    groups = kmeans.assign(POINTS, START)
    assert groups.tolist() == [0, 1, 1, 1]
    # The spread with the old centres: 0 + 0 + 3² + 4².
    assert kmeans.inertia(POINTS, groups, START) == 25.0
    # Move: centre 0 stays at 0, centre 1 goes to (1 + 4 + 5) / 3.
    moved = kmeans.move(POINTS, groups, START)
    assert moved.tolist() == [[0.0, 0.0], [10 / 3, 0.0]]
    # The spread after the move: (7/3)² + (2/3)² + (5/3)² = 78/9.
    assert kmeans.inertia(POINTS, groups, moved) == pytest.approx(78 / 9)


def test_a_whole_run_by_hand() -> None:
    steps = kmeans.run_from(POINTS, START)
    assert [step.kind for step in steps] == ["start", "assign", "move", "assign", "move", "assign"]
    assert steps[0].inertia is None and steps[0].counts() == [0, 0]
    assert steps[0].groups.tolist() == [-1, -1, -1, -1]
    # Round 2: point 1 is now 1 from centre 0 and 7/3 from centre 1, so it changes group.
    assert steps[3].groups.tolist() == [0, 0, 1, 1]
    assert steps[3].inertia == pytest.approx(1 + 4 / 9 + 25 / 9)
    assert steps[4].centres.tolist() == [[0.5, 0.0], [4.5, 0.0]]
    assert steps[4].inertia == pytest.approx(1.0)  # four points each 0.5 from their centre
    # The third assignment changes nothing: settled.
    assert steps[5].groups.tolist() == [0, 0, 1, 1] and steps[5].counts() == [2, 2]
    assert kmeans.settled(steps)
    assert [step.inertia for step in steps[1:]] == pytest.approx([25, 78 / 9, 38 / 9, 1, 1])


def test_the_spread_never_rises_and_a_seed_gives_the_same_run() -> None:
    points = make_dataset("xor", 300, 0.2, 3).x
    for k in (1, 2, 3, 5):
        steps = kmeans.run(points, k, seed=4)
        spreads = [step.inertia for step in steps[1:]]
        assert all(later <= earlier + 1e-9 for earlier, later in itertools.pairwise(spreads))
        assert kmeans.settled(steps)
        again = kmeans.run(points, k, seed=4)
        assert all(np.array_equal(a.centres, b.centres) for a, b in zip(steps, again, strict=True))


def test_one_group_s_centre_is_the_mean_and_its_spread_the_total_variance() -> None:
    points = make_dataset("moons", 50, 0.1, 2).x
    steps = kmeans.run(points, 1, seed=0)
    assert np.allclose(steps[-1].centres[0], points.mean(axis=0))
    assert steps[-1].inertia == pytest.approx(float(np.sum((points - points.mean(axis=0)) ** 2)))


def test_a_start_is_k_distinct_data_points() -> None:
    points = make_dataset("gaussians", 20, 0.1, 1).x
    centres = kmeans.initial_centres(points, 5, seed=9)
    assert len({tuple(c) for c in centres.tolist()}) == 5
    assert all(any(np.array_equal(c, p) for p in points) for c in centres)
    with pytest.raises(ValueError, match="k must be between 1 and the number of points"):
        kmeans.initial_centres(points, 21, seed=0)


def test_an_empty_group_keeps_its_centre() -> None:
    centres = np.array([[0.0, 0.0], [100.0, 100.0]])
    groups = kmeans.assign(POINTS, centres)
    assert groups.tolist() == [0, 0, 0, 0]
    assert kmeans.move(POINTS, groups, centres)[1].tolist() == [100.0, 100.0]


def test_how_groups_line_up_with_labels_by_hand() -> None:
    groups = np.array([0, 0, 0, 1, 1, 2])
    labels = np.array([0, 0, 1, 1, 1, 0])
    assert kmeans.contingency(groups, labels, 3).tolist() == [[2, 1], [0, 2], [1, 0]]
    # Each group named by its most common label: 2 + 2 + 1 of 6 points agree.
    assert kmeans.agreement(groups, labels, 3) == pytest.approx(5 / 6)
    # One group: the larger class's share.
    assert kmeans.agreement(np.zeros(6, dtype=int), labels, 1) == pytest.approx(0.5)
