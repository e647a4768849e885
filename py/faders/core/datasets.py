"""Datasets as pure functions of (n, noise, seed): 1-D targets, and 2-D sets in the spirit of playground.

Conventions shared by every dataset here:
- `x` has shape (n, d) and dtype float64; `y` has shape (n,).
- Classification labels are the integers 0 and 1 (1 is playground's "positive" class, e.g. the inner
  disc of `circle`); regression targets are float64.
- 1-D inputs are drawn uniformly from [-1, 1] and every 1-D target stays within [-1, 1].
- 2-D points live in playground's square [-6, 6]² (`HALF_WIDTH`), where a feature such as sin(x) has
  room to bend; `gaussians` and noisy `spiral`/`moons` points may stray a little outside it.
- Two-class sets are drawn as ⌈n/2⌉ points of class 0 and ⌊n/2⌋ of class 1, in shuffled order (noise
  in `circle` and `xor` may then relabel a few).
- `seed` is an int or a numpy Generator: the same int always gives identical arrays; a Generator is
  used as it stands (and advanced).

What `noise` means:
- 1-D regression: the standard deviation of Gaussian noise added to y.
- 2-D: playground's noise knob, a fraction from 0 to 0.5 (its 0–50 %); larger values are allowed and
  noisier still. As in playground its effect depends on the dataset, and each function says how.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np

# 2-D points lie in [-HALF_WIDTH, HALF_WIDTH]², playground's square.
HALF_WIDTH = 6.0

# circle: label 1 inside this radius; the points drawn for class 0 form a ring from 4.2 to 6.
CIRCLE_RADIUS = 0.5 * HALF_WIDTH
RING = (0.7 * HALF_WIDTH, HALF_WIDTH)

# xor: points keep this far from the axes, so that without noise no label sits on a boundary.
XOR_GAP = 0.3

# gaussians: the blob centres, and the blobs' variance at noise 0 and its growth per unit of noise.
BLOB_CENTRE = 2.0
BLOB_VARIANCE = 0.5
BLOB_VARIANCE_PER_NOISE = 7.0  # noise 0.5 gives variance 4, playground's widest blobs

# spiral: each arm winds 1.75 turns while its radius grows to 5.
SPIRAL_TURNS = 1.75
SPIRAL_RADIUS = 5.0

# moons: the radius of each half-circle once scaled up to the square.
MOON_RADIUS = 3.0

# bumps: (centre x, centre y, sign) of each Gaussian bump, in a checkerboard, and their width.
BUMPS = np.array([[-4.0, 2.5, 1.0], [0.0, 2.5, -1.0], [4.0, 2.5, 1.0],
                  [-4.0, -2.5, -1.0], [0.0, -2.5, 1.0], [4.0, -2.5, -1.0]])
BUMP_WIDTH = 1.5


@dataclass(frozen=True, eq=False)
class Dataset:
    """Inputs x of shape (n, d), targets y of shape (n,), and kind: "classification" or "regression"."""

    x: np.ndarray
    y: np.ndarray
    kind: str


def _start(n: int, noise: float, seed: int | np.random.Generator) -> np.random.Generator:
    """Check the two knobs every dataset shares and return the random generator to draw from."""
    if n < 1:
        raise ValueError(f"a dataset needs at least one point, got n = {n}")
    if noise < 0:
        raise ValueError(f"noise cannot be negative, got {noise}")
    return np.random.default_rng(seed)


def _shuffled(rng: np.random.Generator, points: np.ndarray, labels: np.ndarray) -> Dataset:
    """The classes are built in alternation; shuffling makes any first few points a fair sample."""
    order = rng.permutation(len(labels))
    # intp, numpy's index type (32 bits in WebAssembly), so labels can index and be counted anywhere.
    return Dataset(points[order], labels[order].astype(np.intp), "classification")


def _nudges(rng: np.random.Generator, n: int, noise: float) -> np.ndarray:
    """Playground's noise: a shift of up to noise · HALF_WIDTH along each axis."""
    return noise * HALF_WIDTH * rng.uniform(-1.0, 1.0, size=(n, 2))


def _unit_circle(angle: np.ndarray) -> np.ndarray:
    return np.stack([np.cos(angle), np.sin(angle)], axis=1)


# --- 1-D regression: y = target(x) + Gaussian noise, x uniform in [-1, 1] ---------------------------

def line_target(x: np.ndarray) -> np.ndarray:
    """The diagonal y = x."""
    return 1.0 * x


def sine_target(x: np.ndarray) -> np.ndarray:
    """One full wave over [-1, 1]: y = sin(πx)."""
    return np.sin(np.pi * x)


def step_target(x: np.ndarray) -> np.ndarray:
    """A jump from -1 to 1 at x = 0 (x = 0 itself is on the upper step)."""
    return np.where(x < 0, -1.0, 1.0)


def abs_target(x: np.ndarray) -> np.ndarray:
    """A V with its corner at 0: y = |x|."""
    return np.abs(x)


TARGETS_1D: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "line": line_target, "sine": sine_target, "step": step_target, "abs": abs_target,
}


def regression_1d(target: str, n: int, noise: float, seed: int | np.random.Generator) -> Dataset:
    """n points with x uniform in [-1, 1] and y = target(x) plus Gaussian noise of std `noise`."""
    rng = _start(n, noise, seed)
    x = rng.uniform(-1.0, 1.0, size=n)
    y = TARGETS_1D[target](x) + noise * rng.standard_normal(n)
    return Dataset(x[:, None], y, "regression")


# --- 2-D classification, labels 0 and 1 ------------------------------------------------------------

def circle(n: int, noise: float, seed: int | np.random.Generator) -> Dataset:
    """An inner disc (label 1, radius up to 3) inside an outer ring (label 0, radius 4.2 to 6).

    Noise leaves the points where they are but reads each label at a nudged copy of the point
    (up to noise · 6 along each axis), so points near the gap may carry the other class's label.
    """
    rng = _start(n, noise, seed)
    labels = np.arange(n) % 2
    radius = np.where(labels == 1, rng.uniform(0.0, CIRCLE_RADIUS, n), rng.uniform(*RING, n))
    points = radius[:, None] * _unit_circle(rng.uniform(0.0, 2 * np.pi, n))
    nudged = points + _nudges(rng, n, noise)
    return _shuffled(rng, points, np.hypot(nudged[:, 0], nudged[:, 1]) < CIRCLE_RADIUS)


def xor(n: int, noise: float, seed: int | np.random.Generator) -> Dataset:
    """Four quadrants: label 1 where x and y have the same sign (x·y > 0), label 0 where they differ.

    Noise reads each label at a nudged copy of the point, as for `circle`.
    """
    rng = _start(n, noise, seed)
    labels = np.arange(n) % 2
    distance_from_axes = rng.uniform(XOR_GAP, HALF_WIDTH, size=(n, 2))
    x_sign = rng.choice([-1.0, 1.0], size=n)
    y_sign = np.where(labels == 1, x_sign, -x_sign)
    points = distance_from_axes * np.stack([x_sign, y_sign], axis=1)
    nudged = points + _nudges(rng, n, noise)
    return _shuffled(rng, points, nudged[:, 0] * nudged[:, 1] >= 0)


def gaussians(n: int, noise: float, seed: int | np.random.Generator) -> Dataset:
    """Two round blobs: label 1 around (2, 2), label 0 around (-2, -2).

    Noise widens the blobs until they overlap: variance 0.5 + 7 · noise (0.5 to 4 over playground's
    range). Labels say which blob a point was drawn from.
    """
    rng = _start(n, noise, seed)
    labels = np.arange(n) % 2
    centres = np.where(labels == 1, BLOB_CENTRE, -BLOB_CENTRE)[:, None]  # (c, c) on the diagonal
    spread = np.sqrt(BLOB_VARIANCE + BLOB_VARIANCE_PER_NOISE * noise)
    points = centres + spread * rng.standard_normal((n, 2))
    return _shuffled(rng, points, labels)


def spiral_arm(along: np.ndarray, label: np.ndarray | int) -> np.ndarray:
    """The noiseless point a fraction `along` (0 to 1) of the way out on the arm of class `label`.

    Class 0's arm is class 1's turned by half a turn.
    """
    angle = SPIRAL_TURNS * 2 * np.pi * along + np.pi * (1 - np.asarray(label))
    radius = SPIRAL_RADIUS * along
    return radius[:, None] * np.stack([np.sin(angle), np.cos(angle)], axis=1)


def spiral(n: int, noise: float, seed: int | np.random.Generator) -> Dataset:
    """Two interleaved spiral arms from the centre outwards, one per class.

    Noise moves each point by up to `noise` along each axis (playground's units), blurring the arms.
    """
    rng = _start(n, noise, seed)
    labels = np.arange(n) % 2
    points = spiral_arm(rng.uniform(0.0, 1.0, n), labels) + noise * rng.uniform(-1.0, 1.0, (n, 2))
    return _shuffled(rng, points, labels)


def moons(n: int, noise: float, seed: int | np.random.Generator) -> Dataset:
    """Two interlocking half-circles of radius 3: label 1 arches up, label 0 hangs down beside it.

    Noise adds Gaussian jitter of standard deviation noise · 3 (a fraction of a moon's radius).
    """
    rng = _start(n, noise, seed)
    labels = np.arange(n) % 2
    on_circle = _unit_circle(rng.uniform(0.0, np.pi, n))
    upper = on_circle
    lower = np.array([1.0, 0.5]) - on_circle  # the upper moon turned over and moved right
    centred = np.where(labels[:, None] == 1, upper, lower) - np.array([0.5, 0.25])
    points = MOON_RADIUS * (centred + noise * rng.standard_normal((n, 2)))
    return _shuffled(rng, points, labels)


# --- 2-D regression: points uniform in the square, y read off a surface ----------------------------

def plane_target(points: np.ndarray) -> np.ndarray:
    """A tilted plane rising from -1 at corner (-6, -6) to 1 at corner (6, 6): y = (x₁ + x₂) / 12."""
    return (points[:, 0] + points[:, 1]) / (2 * HALF_WIDTH)


def bumps_target(points: np.ndarray) -> np.ndarray:
    """A sum of six Gaussian bumps, alternately up and down, each peaking near ±1 (0.94 to 0.97)."""
    centres, signs = BUMPS[:, :2], BUMPS[:, 2]
    squared_distances = np.sum((points[:, None, :] - centres) ** 2, axis=-1)
    return np.sum(signs * np.exp(-squared_distances / (2 * BUMP_WIDTH**2)), axis=1)


TARGETS_2D: dict[str, Callable[[np.ndarray], np.ndarray]] = {"plane": plane_target, "bumps": bumps_target}


def regression_2d(target: str, n: int, noise: float, seed: int | np.random.Generator) -> Dataset:
    """n points uniform in the square and y = target at the point.

    Noise reads the target at a nudged copy of the point (up to noise · 6 along each axis), as
    playground does, so nearby points disagree more as noise grows.
    """
    rng = _start(n, noise, seed)
    points = rng.uniform(-HALF_WIDTH, HALF_WIDTH, size=(n, 2))
    return Dataset(points, TARGETS_2D[target](points + _nudges(rng, n, noise)), "regression")


# --- lookups by name: each maker takes (n, noise, seed) ---------------------------------------------

Maker = Callable[[int, float, int | np.random.Generator], Dataset]

REGRESSION_1D: dict[str, Maker] = {name: partial(regression_1d, name) for name in TARGETS_1D}
CLASSIFICATION_2D: dict[str, Maker] = {
    "circle": circle, "xor": xor, "gaussians": gaussians, "spiral": spiral, "moons": moons,
}
REGRESSION_2D: dict[str, Maker] = {name: partial(regression_2d, name) for name in TARGETS_2D}
DATASETS: dict[str, Maker] = {**REGRESSION_1D, **CLASSIFICATION_2D, **REGRESSION_2D}


def make_dataset(name: str, n: int, noise: float, seed: int | np.random.Generator) -> Dataset:
    """Any dataset above by its name in DATASETS, e.g. make_dataset("spiral", 200, 0.1, seed=0)."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r}; choose one of {', '.join(DATASETS)}")
    return DATASETS[name](n, noise, seed)


def train_test_split(dataset: Dataset, test_fraction: float,
                     seed: int | np.random.Generator) -> tuple[Dataset, Dataset]:
    """Hold out a random test_fraction of the points; return (train, test).

    The test part has exactly floor(test_fraction · n + 0.5) points (the nearest whole number, a half
    rounding up) and the train part the rest; each keeps the dataset's order.
    """
    if not 0 <= test_fraction <= 1:
        raise ValueError(f"test_fraction must be between 0 and 1, got {test_fraction}")
    n = len(dataset.y)
    n_test = int(np.floor(test_fraction * n + 0.5))
    order = np.random.default_rng(seed).permutation(n)
    test_rows, train_rows = np.sort(order[:n_test]), np.sort(order[n_test:])
    return (Dataset(dataset.x[train_rows], dataset.y[train_rows], dataset.kind),
            Dataset(dataset.x[test_rows], dataset.y[test_rows], dataset.kind))


# --- playground's input features, computed from a point's two coordinates x and y --------------------

FEATURES: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "x": lambda points: points[:, 0],
    "y": lambda points: points[:, 1],
    "x2": lambda points: points[:, 0] ** 2,
    "y2": lambda points: points[:, 1] ** 2,
    "xy": lambda points: points[:, 0] * points[:, 1],
    "sin_x": lambda points: np.sin(points[:, 0]),
    "sin_y": lambda points: np.sin(points[:, 1]),
}
FEATURE_LABELS: dict[str, str] = {
    "x": "x", "y": "y", "x2": "x²", "y2": "y²", "xy": "x·y", "sin_x": "sin(x)", "sin_y": "sin(y)",
}


def feature_columns(points: np.ndarray, names: list[str] | tuple[str, ...]) -> np.ndarray:
    """One column per named feature of 2-D points, shape (n, len(names)).

    Here x and y are a point's two coordinates (points[:, 0] and points[:, 1]), not its label.
    """
    points = np.asarray(points, dtype=np.float64)
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise ValueError(f"unknown features {unknown}; choose from {', '.join(FEATURES)}")
    columns = [FEATURES[name](points) for name in names]
    return np.stack(columns, axis=1) if columns else np.zeros((len(points), 0))
