"""Fitting a curve: a network with one input and one output learns y = f(x) on [-1, 1].

The data are a 1-D target of datasets.py (line, sine, step, abs) or the reader's own points. The
network is an MLP of `depth` hidden layers of `width` units each, trained by plain SGD on the mean
squared error over shuffled mini-batches, as the 2-D playground trains.

With exactly one hidden layer the output is a sum, one term per hidden unit:

    output(x) = Σⱼ w2ⱼ · act(w1ⱼ · x + b1ⱼ) + b2

so each unit's term, its *contribution*, can be drawn on its own. A ReLU unit's term is 0 on one side
of x = −b1ⱼ / w1ⱼ and a straight line on the other: a single kink. With ReLUs in every layer the
output is straight between breakpoints; `relu_breakpoints` finds them exactly for any depth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from faders.core.activations import ACTIVATIONS
from faders.core.datasets import TARGETS_1D, Dataset, regression_1d
from faders.core.mlp import MLP
from faders.core.optimizers import SGD
from faders.core.training import evaluate_loss, train_epoch

POINTS = "points"  # the target made of the reader's own points
TARGETS = (*TARGETS_1D, POINTS)
X_LIMIT = 1.0  # inputs lie in [-X_LIMIT, X_LIMIT]
Y_LIMIT = 1.5  # the reader's points lie in [-Y_LIMIT, Y_LIMIT]


@dataclass(frozen=True)
class FitSetup:
    """Every setting of one curve-fitting run. `points` (n, 2) rows of (x, y) for the target "points"."""

    target: str = "sine"
    width: int = 8
    depth: int = 1
    activation: str = "relu"
    learning_rate: float = 0.05
    seed: int = 0
    n_points: int = 64
    noise: float = 0.0
    batch_size: int = 8
    points: np.ndarray | None = field(default=None, compare=False)

    @property
    def layer_sizes(self) -> list[int]:
        return [1, *[self.width] * self.depth, 1]

    def __post_init__(self) -> None:
        if self.target not in TARGETS:
            raise ValueError(f"unknown target {self.target!r}; choose one of {', '.join(TARGETS)}")
        if self.target == POINTS and (self.points is None or len(self.points) < 1):
            raise ValueError("the target 'points' needs at least one point")
        if self.width < 1 or self.depth < 1:
            raise ValueError(f"width and depth must be at least 1; got {self.width} and {self.depth}")
        if self.activation not in ACTIVATIONS:
            names = ", ".join(ACTIVATIONS)
            raise ValueError(f"unknown activation {self.activation!r}; choose one of {names}")


def make_data(setup: FitSetup) -> Dataset:
    """The points to fit: the target drawn with the seed, or the reader's own."""
    if setup.target == POINTS:
        points = np.asarray(setup.points, dtype=float).reshape(-1, 2)
        return Dataset(points[:, :1], points[:, 1], "regression")
    return regression_1d(setup.target, setup.n_points, setup.noise, setup.seed)


@dataclass
class FitRun:
    """A run in progress: its network, optimiser, shuffling generator, data, and the epochs so far."""

    setup: FitSetup
    model: MLP
    optimizer: SGD
    rng: np.random.Generator
    data: Dataset
    epochs: int = 0

    def epoch(self) -> None:
        """One pass over the points in shuffled mini-batches."""
        train_epoch(self.model, self.optimizer, self.data.x, self.data.y, self.rng, self.setup.batch_size)
        self.epochs += 1

    def loss(self) -> float:
        """The mean squared error over all the points, as the network stands."""
        return evaluate_loss(self.model, self.data.x, self.data.y)

    def set_learning_rate(self, learning_rate: float) -> None:
        """Later epochs step by this rate; the weights and the epochs so far stay."""
        self.optimizer.learning_rate = learning_rate


def start_fit(setup: FitSetup) -> FitRun:
    """A fresh run of `setup` at epoch 0: data drawn, network initialised with the seed."""
    model = MLP(setup.layer_sizes, setup.activation, "linear", seed=setup.seed)
    return FitRun(setup, model, SGD(learning_rate=setup.learning_rate), np.random.default_rng(setup.seed),
                  make_data(setup))


def grid(resolution: int = 201, limit: float = X_LIMIT) -> np.ndarray:
    """`resolution` evenly spaced inputs from −limit to limit, shape (resolution,)."""
    return np.linspace(-limit, limit, resolution)


def predict_curve(model: MLP, x: np.ndarray) -> np.ndarray:
    """The network's output at each x of a 1-D array, shape (n,)."""
    return model.predict(np.asarray(x, dtype=float)[:, None])[:, 0]


def _check_one_hidden_layer(model: MLP) -> None:
    sizes = model.layer_sizes
    if len(sizes) != 3 or sizes[0] != 1 or sizes[2] != 1 or model.output_activation != "linear":
        raise ValueError(f"contributions need one input, one hidden layer and one linear output; got {sizes}")


def hidden_contributions(model: MLP, x: np.ndarray) -> np.ndarray:
    """contribution[i, j] = w2ⱼ · act(w1ⱼ · xᵢ + b1ⱼ), shape (n, width).

    The row sums plus the output bias b2 are the network's output at each x.
    """
    _check_one_hidden_layer(model)
    hidden, output = model.layers
    return hidden.predict(np.asarray(x, dtype=float)[:, None]) * output.weights[:, 0]


def output_bias(model: MLP) -> float:
    """b2, the constant the contributions are added to."""
    return float(model.layers[-1].bias[0])


def unit_kinks(model: MLP) -> list[tuple[int, float]]:
    """(unit, x) for every hidden unit of a one-hidden-layer network whose input weight is not 0:
    x = −b1ⱼ / w1ⱼ, where its pre-activation crosses 0 (a ReLU unit's kink)."""
    _check_one_hidden_layer(model)
    hidden = model.layers[0]
    slopes, biases = hidden.weights[0], hidden.bias
    return [(j, float(-biases[j] / slopes[j]) + 0.0) for j in range(len(biases)) if slopes[j] != 0]  # no -0.0


def relu_breakpoints(model: MLP, low: float = -X_LIMIT, high: float = X_LIMIT) -> np.ndarray:
    """Where, strictly inside (low, high), a network of ReLU (or linear) layers can bend, sorted.

    Between two neighbouring breakpoints every unit keeps its sign, so the output is a straight line:
    the network's curve on [low, high] is made of len(breakpoints) + 1 straight pieces (neighbours
    may happen to share a slope). Layer by layer, each interval is split where a unit's pre-activation,
    straight within it, crosses 0.
    """
    if model.layer_sizes[0] != 1 or any(name not in ("relu", "linear") for name in model.hidden_activations):
        raise ValueError("breakpoints need one input and relu or linear hidden layers")
    edges = np.array([low, high], dtype=float)
    for depth, layer in enumerate(model.layers[:-1]):
        below = _through(model, depth, edges)  # the layer's input at each edge
        z = below @ layer.weights + layer.bias  # (edges, units): straight between neighbouring edges
        cuts = []
        for left in range(len(edges) - 1):
            z0, z1 = z[left], z[left + 1]
            crossing = (z0 * z1 < 0)  # a sign change strictly inside the interval
            share = z0[crossing] / (z0[crossing] - z1[crossing])
            cuts.extend(edges[left] + share * (edges[left + 1] - edges[left]))
        edges = np.unique(np.concatenate([edges, cuts]))
    return edges[(edges > low) & (edges < high)]


def _through(model: MLP, layers: int, x: np.ndarray) -> np.ndarray:
    """The activations after the first `layers` layers for inputs x (1-D), shape (n, units)."""
    out = x[:, None]
    for layer in model.layers[:layers]:
        out = layer.predict(out)
    return out
