"""faders.core.datasets: shapes, seeds, noiseless points on their targets, labels that match geometry."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from faders.core import datasets
from faders.core.datasets import Dataset, feature_columns, make_dataset, train_test_split

CLASSIFICATION = list(datasets.CLASSIFICATION_2D)
REGRESSION = list(datasets.REGRESSION_1D) + list(datasets.REGRESSION_2D)


def test_every_family_is_listed_by_name() -> None:
    assert list(datasets.REGRESSION_1D) == ["line", "sine", "step", "abs"]
    assert CLASSIFICATION == ["circle", "xor", "gaussians", "spiral", "moons"]
    assert list(datasets.REGRESSION_2D) == ["plane", "bumps"]
    assert list(datasets.DATASETS) == REGRESSION[:4] + CLASSIFICATION + REGRESSION[4:]


@pytest.mark.parametrize("name", list(datasets.DATASETS))
def test_shapes_dtypes_and_kind(name: str) -> None:
    data = make_dataset(name, 101, 0.1, seed=0)
    dims = 1 if name in datasets.REGRESSION_1D else 2
    assert data.x.shape == (101, dims)
    assert data.y.shape == (101,)
    assert data.x.dtype == np.float64
    if name in CLASSIFICATION:
        assert data.kind == "classification"
        assert data.y.dtype == np.intp
        assert set(np.unique(data.y)) <= {0, 1}
    else:
        assert data.kind == "regression"
        assert data.y.dtype == np.float64
    assert np.isfinite(data.x).all() and np.isfinite(data.y).all()


@pytest.mark.parametrize("name", list(datasets.DATASETS))
def test_same_seed_same_arrays_other_seed_other_arrays(name: str) -> None:
    first, again, other = (make_dataset(name, 50, 0.2, seed) for seed in (7, 7, 8))
    assert np.array_equal(first.x, again.x) and np.array_equal(first.y, again.y)
    assert not np.array_equal(first.x, other.x)


@pytest.mark.parametrize("name", list(datasets.DATASETS))
def test_noiseless_data_still_depends_on_the_seed(name: str) -> None:
    assert not np.array_equal(make_dataset(name, 50, 0.0, 1).x, make_dataset(name, 50, 0.0, 2).x)


@pytest.mark.parametrize("name", ["sine", "circle", "bumps"])
def test_a_generator_works_like_the_seed_it_was_made_from(name: str) -> None:
    from_seed = make_dataset(name, 40, 0.3, 5)
    from_generator = make_dataset(name, 40, 0.3, np.random.default_rng(5))
    assert np.array_equal(from_seed.x, from_generator.x) and np.array_equal(from_seed.y, from_generator.y)


@pytest.mark.parametrize("name", CLASSIFICATION)
@pytest.mark.parametrize("n", [1, 100, 101])
def test_noiseless_classes_are_balanced(name: str, n: int) -> None:
    counts = np.bincount(make_dataset(name, n, 0.0, 3).y, minlength=2)
    assert counts.tolist() == [n - n // 2, n // 2]


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classes_come_shuffled(name: str) -> None:
    labels = make_dataset(name, 200, 0.0, 0).y
    assert not np.array_equal(labels, np.arange(200) % 2)
    assert 30 < labels[:100].sum() < 70


# --- 1-D targets --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(datasets.TARGETS_1D))
def test_noiseless_1d_points_lie_on_their_target(name: str) -> None:
    data = make_dataset(name, 300, 0.0, 4)
    x = data.x[:, 0]
    assert x.min() >= -1 and x.max() <= 1
    assert np.array_equal(data.y, datasets.TARGETS_1D[name](x))
    assert data.y.min() >= -1 and data.y.max() <= 1


def test_the_1d_targets_are_the_documented_functions() -> None:
    x = np.array([-1.0, -0.5, 0.0, 0.25, 1.0])
    assert datasets.line_target(x).tolist() == x.tolist()
    assert np.allclose(datasets.sine_target(x), [0.0, -1.0, 0.0, np.sqrt(0.5), 0.0], atol=1e-15)
    assert datasets.step_target(x).tolist() == [-1.0, -1.0, 1.0, 1.0, 1.0]
    assert datasets.abs_target(x).tolist() == [1.0, 0.5, 0.0, 0.25, 1.0]
    sine = make_dataset("sine", 50, 0.0, 9)
    assert np.array_equal(sine.y, np.sin(np.pi * sine.x[:, 0]))


def test_1d_noise_is_the_standard_deviation_of_the_added_gaussian() -> None:
    data = make_dataset("line", 20_000, 0.3, 0)
    residual = data.y - data.x[:, 0]
    assert abs(residual.mean()) < 0.01
    assert residual.std() == pytest.approx(0.3, rel=0.02)


# --- 2-D classification geometry ----------------------------------------------------------------------

def test_circle_labels_match_the_radius() -> None:
    data = make_dataset("circle", 500, 0.0, 1)
    radius = np.hypot(data.x[:, 0], data.x[:, 1])
    assert np.array_equal(data.y, (radius < 3).astype(np.intp))
    assert radius[data.y == 1].max() < 3
    assert radius[data.y == 0].min() >= 4.2 and radius.max() <= 6


def test_circle_noise_flips_some_labels_near_the_gap_but_not_most() -> None:
    data = make_dataset("circle", 2000, 0.5, 1)
    wrong = np.mean(data.y != (np.hypot(data.x[:, 0], data.x[:, 1]) < 3))
    assert 0.05 < wrong < 0.45


def test_xor_labels_match_the_sign_of_the_product() -> None:
    data = make_dataset("xor", 500, 0.0, 2)
    assert np.array_equal(data.y, (data.x[:, 0] * data.x[:, 1] > 0).astype(np.intp))
    assert np.abs(data.x).min() >= 0.3 and np.abs(data.x).max() <= 6
    quadrant = (data.x[:, 0] > 0) * 2 + (data.x[:, 1] > 0)
    assert set(quadrant.tolist()) == {0, 1, 2, 3}


def test_xor_noise_flips_some_labels() -> None:
    data = make_dataset("xor", 2000, 0.3, 2)
    wrong = np.mean(data.y != (data.x[:, 0] * data.x[:, 1] > 0))
    assert 0.02 < wrong < 0.4


def test_gaussians_sit_on_their_centres_and_spread_with_noise() -> None:
    quiet, noisy = make_dataset("gaussians", 20_000, 0.0, 3), make_dataset("gaussians", 20_000, 0.5, 3)
    assert np.allclose(quiet.x[quiet.y == 1].mean(axis=0), [2, 2], atol=0.05)
    assert np.allclose(quiet.x[quiet.y == 0].mean(axis=0), [-2, -2], atol=0.05)
    assert np.allclose(quiet.x[quiet.y == 1].var(axis=0), 0.5, rtol=0.05)
    assert np.allclose(noisy.x[noisy.y == 0].var(axis=0), 4.0, rtol=0.05)


def test_noiseless_spiral_points_lie_on_their_arm() -> None:
    data = make_dataset("spiral", 300, 0.0, 4)
    along = np.hypot(data.x[:, 0], data.x[:, 1]) / 5
    assert along.max() <= 1
    assert np.allclose(data.x, datasets.spiral_arm(along, data.y), atol=1e-12)
    # The other class's arm passes elsewhere: the same radius on it is half a turn away.
    assert np.allclose(datasets.spiral_arm(along, 1 - data.y), -data.x, atol=1e-12)


def test_spiral_arm_known_points() -> None:
    points = datasets.spiral_arm(np.array([0.0, 1.0, 1.0]), np.array([1, 1, 0]))
    angle = 3.5 * np.pi  # 1.75 turns
    assert np.allclose(points, [[0, 0], [5 * np.sin(angle), 5 * np.cos(angle)], [5, 0]], atol=1e-12)


def test_noiseless_moons_lie_on_their_half_circles() -> None:
    data = make_dataset("moons", 400, 0.0, 5)
    upper, lower = data.x[data.y == 1], data.x[data.y == 0]
    assert np.allclose(np.hypot(*(upper - [-1.5, -0.75]).T), 3.0)
    assert np.allclose(np.hypot(*(lower - [1.5, 0.75]).T), 3.0)
    assert upper[:, 1].min() >= -0.75 - 1e-12 and lower[:, 1].max() <= 0.75 + 1e-12


def test_moons_noise_is_gaussian_jitter_of_noise_times_three() -> None:
    quiet, noisy = make_dataset("moons", 5000, 0.0, 6), make_dataset("moons", 5000, 0.1, 6)
    jitter = noisy.x - quiet.x  # same seed: the same points before the jitter
    assert jitter.std() == pytest.approx(0.3, rel=0.05)


# --- 2-D regression --------------------------------------------------------------------------------------

def test_noiseless_plane_is_the_plane() -> None:
    data = make_dataset("plane", 200, 0.0, 6)
    assert np.allclose(data.y, (data.x[:, 0] + data.x[:, 1]) / 12, rtol=0, atol=1e-15)
    assert np.abs(data.x).max() <= 6 and np.abs(data.y).max() <= 1
    assert datasets.plane_target(np.array([[6.0, 6.0], [-6.0, -6.0], [3.0, -3.0]])).tolist() == [1, -1, 0]


def test_noiseless_bumps_are_a_sum_of_signed_gaussians() -> None:
    data = make_dataset("bumps", 200, 0.0, 7)
    expected = np.zeros(200)
    for cx, cy, sign in datasets.BUMPS:
        expected += sign * np.exp(-((data.x[:, 0] - cx) ** 2 + (data.x[:, 1] - cy) ** 2) / (2 * 1.5**2))
    assert np.allclose(data.y, expected, rtol=0, atol=1e-14)
    peaks = datasets.bumps_target(datasets.BUMPS[:, :2])
    assert np.allclose(peaks, datasets.BUMPS[:, 2], atol=0.07)  # neighbours of opposite sign take a little
    assert np.array_equal(np.sign(peaks), datasets.BUMPS[:, 2])


@pytest.mark.parametrize("name", list(datasets.REGRESSION_2D))
def test_2d_regression_noise_blurs_the_target(name: str) -> None:
    data = make_dataset(name, 500, 0.3, 8)
    error = data.y - datasets.TARGETS_2D[name](data.x)
    assert 0.02 < np.abs(error).mean() < 0.5


# --- checks and lookups ----------------------------------------------------------------------------------

def test_bad_arguments_are_refused_in_plain_words() -> None:
    with pytest.raises(ValueError, match="unknown dataset 'swirl'"):
        make_dataset("swirl", 10, 0.0, 0)
    with pytest.raises(ValueError, match="noise"):
        make_dataset("circle", 10, -0.1, 0)
    with pytest.raises(ValueError, match="at least one point"):
        make_dataset("sine", 0, 0.0, 0)


# --- train/test split ------------------------------------------------------------------------------------

def numbered(n: int) -> Dataset:
    """A dataset whose every row says which row it is."""
    return Dataset(np.arange(n, dtype=np.float64)[:, None], np.arange(n, dtype=np.float64), "regression")


@pytest.mark.parametrize(("n", "fraction", "n_test"),
                         [(10, 0.25, 3), (10, 0.3, 3), (7, 0.5, 4), (200, 0.2, 40), (5, 0.0, 0), (5, 1.0, 5)])
def test_split_sizes_round_half_up(n: int, fraction: float, n_test: int) -> None:
    train, test = train_test_split(numbered(n), fraction, seed=0)
    assert len(test.y) == n_test and test.x.shape == (n_test, 1)
    assert len(train.y) == n - n_test and train.x.shape == (n - n_test, 1)


@given(n=st.integers(1, 300), fraction=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_split_is_a_partition_of_the_rows(n: int, fraction: float, seed: int) -> None:
    train, test = train_test_split(numbered(n), fraction, seed)
    assert len(test.y) == int(np.floor(fraction * n + 0.5))
    rows = np.concatenate([train.y, test.y])
    assert sorted(rows.tolist()) == list(range(n))  # disjoint, and nothing lost
    assert np.array_equal(train.x[:, 0], train.y) and np.array_equal(test.x[:, 0], test.y)  # rows stay whole
    assert np.all(np.diff(train.y) > 0) and np.all(np.diff(test.y) > 0)  # original order kept


def test_split_is_seeded() -> None:
    data = make_dataset("moons", 100, 0.1, 0)
    (train_a, test_a), (train_b, test_b) = train_test_split(data, 0.3, 1), train_test_split(data, 0.3, 1)
    assert np.array_equal(test_a.x, test_b.x) and np.array_equal(train_a.y, train_b.y)
    assert test_a.kind == train_a.kind == "classification"
    assert not np.array_equal(test_a.x, train_test_split(data, 0.3, 2)[1].x)
    with pytest.raises(ValueError, match="test_fraction"):
        train_test_split(data, 1.5, 0)


# --- playground's features -------------------------------------------------------------------------------

def test_feature_columns_of_known_points() -> None:
    points = np.array([[1.0, 2.0], [-3.0, 0.5]])
    columns = feature_columns(points, ["x", "y", "x2", "y2", "xy", "sin_x", "sin_y"])
    assert columns.shape == (2, 7) and columns.dtype == np.float64
    assert np.allclose(columns[0], [1, 2, 1, 4, 2, np.sin(1), np.sin(2)])
    assert np.allclose(columns[1], [-3, 0.5, 9, 0.25, -1.5, np.sin(-3), np.sin(0.5)])


def test_feature_columns_follow_the_order_asked_for() -> None:
    points = make_dataset("spiral", 30, 0.1, 0).x
    assert np.array_equal(feature_columns(points, ["xy", "x"]), np.stack([points[:, 0] * points[:, 1],
                                                                          points[:, 0]], axis=1))
    assert feature_columns(points, []).shape == (30, 0)
    with pytest.raises(ValueError, match="unknown features"):
        feature_columns(points, ["x", "z"])


def test_every_feature_has_a_display_label() -> None:
    assert list(datasets.FEATURE_LABELS) == list(datasets.FEATURES)
    assert datasets.FEATURE_LABELS["x2"] == "x²" and datasets.FEATURE_LABELS["sin_y"] == "sin(y)"
    assert all(name.isidentifier() and name.isascii() for name in datasets.FEATURES)
