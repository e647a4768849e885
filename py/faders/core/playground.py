"""The 2-D playground's pieces: one run's settings, its data and network, maps, pasted points, exports.

A `Setup` holds every setting of a run. From it `make_split` draws the data (or takes the reader's
own points), `build_model` the network and `make_optimizer` the optimiser; `start` bundles the
three with the shuffling generator into a `Run`, whose `epoch()` trains one pass. `python_code`
writes the same run as plain faders.core calls, and `weights_json` / `load_weights_json` save and
reload a trained network.

Seeds: the one `seed` draws the dataset, splits it, initialises the network and shuffles the
batches, each from a fresh generator seeded with it, so a run is fixed by its Setup.

Maps: the square [-HALF_WIDTH, HALF_WIDTH]² is sampled on a resolution × resolution grid of cell
centres. A map is an array of shape (resolution, resolution) with row 0 at the bottom (y = -6) and
column 0 at the left (x = -6), as Bokeh's `image` glyph draws it.

Scores: for classification the map shows the model's belief in class 1. With "cross_entropy" the
output is a logit, read through the sigmoid; with "mse" the output was fit to the labels 0 and 1
and is shown as it is. Either way 0.5 is the boundary between the classes.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

import numpy as np

from faders.core.activations import logistic
from faders.core.datasets import (
    CLASSIFICATION_2D,
    FEATURES,
    HALF_WIDTH,
    REGRESSION_2D,
    Dataset,
    feature_columns,
    make_dataset,
    train_test_split,
)
from faders.core.mlp import MLP
from faders.core.optimizers import SGD
from faders.core.regularization import REGULARIZERS
from faders.core.training import evaluate_loss, predicted_labels, train_epoch

PROBLEMS = ("classification", "regression")
# The boundary between the classes, on the score scale of every map (see the module's docstring).
BOUNDARY = 0.5
# The most points a pasted CSV may hold: each one is drawn and trained on at every epoch.
MAX_PASTED_POINTS = 2000
WEIGHTS_FORMAT = "faders-playground-weights"
WEIGHTS_VERSION = 1


@dataclass(frozen=True)
class Setup:
    """Every setting of one playground run. `points` is None for a named dataset, else the reader's own."""

    dataset: str = "circle"
    n_points: int = 500
    noise: float = 0.0
    test_fraction: float = 0.5
    features: tuple[str, ...] = ("x", "y")
    hidden: tuple[int, ...] = (4, 2)
    activations: tuple[str, ...] = ("tanh", "tanh")
    loss: str = "mse"
    learning_rate: float = 0.03
    regularization: str = "none"
    regularization_rate: float = 0.0
    batch_size: int = 10
    seed: int = 0
    points: Dataset | None = field(default=None, compare=False)

    @property
    def problem(self) -> str:
        if self.points is not None:
            return self.points.kind
        return "classification" if self.dataset in CLASSIFICATION_2D else "regression"

    @property
    def layer_sizes(self) -> list[int]:
        return [len(self.features), *self.hidden, 1]

    def __post_init__(self) -> None:
        names = [*CLASSIFICATION_2D, *REGRESSION_2D]
        if self.points is None and self.dataset not in names:
            names = ", ".join(names)
            raise ValueError(f"unknown 2-D dataset {self.dataset!r}; choose one of {names}")
        unknown = [name for name in self.features if name not in FEATURES]
        if unknown or not self.features:
            raise ValueError(f"features must be one or more of {', '.join(FEATURES)}; "
                             f"got {list(self.features)}")
        if len(self.activations) != len(self.hidden):
            raise ValueError(f"{len(self.hidden)} hidden layers need as many activations; "
                             f"got {list(self.activations)}")
        if self.loss == "cross_entropy" and self.problem == "regression":
            raise ValueError("cross_entropy needs classes; regression uses mse")
        if self.batch_size < 1 or not self.learning_rate > 0 or not self.regularization_rate >= 0:
            raise ValueError(f"batch size must be ≥ 1, learning rate > 0 and regularisation rate ≥ 0; got "
                             f"{self.batch_size}, {self.learning_rate}, {self.regularization_rate}")
        if self.regularization not in REGULARIZERS:
            raise ValueError(f"unknown regularisation {self.regularization!r}; choose one of "
                             f"{', '.join(REGULARIZERS)}")


def make_split(setup: Setup) -> tuple[Dataset, Dataset]:
    """The (train, test) points of the run: the named dataset drawn with the seed, or the reader's own."""
    data = setup.points if setup.points is not None else make_dataset(
        setup.dataset, setup.n_points, setup.noise, setup.seed)
    return train_test_split(data, setup.test_fraction, setup.seed)


def build_model(setup: Setup, backend: Any = None) -> MLP:
    """The untrained network: one input per feature, the hidden layers, one linear output."""
    extra = {} if backend is None else {"backend": backend}
    return MLP(setup.layer_sizes, list(setup.activations), "linear", seed=setup.seed, **extra)


@dataclass
class Run:
    """A run in progress: its network, optimiser, shuffling generator, data, and the epochs so far."""

    setup: Setup
    model: MLP
    optimizer: SGD
    rng: np.random.Generator
    train: Dataset
    test: Dataset
    x_train: np.ndarray
    x_test: np.ndarray
    epochs: int = 0
    # Training settings changed part-way, as (epoch, {setting: new value}); `setup` holds the latest.
    changes: list[tuple[int, dict[str, Any]]] = field(default_factory=list)

    def retune(self, **settings: Any) -> None:
        """Change training settings (TUNABLE) from the next epoch on, keeping the network and the data."""
        unknown = set(settings) - set(TUNABLE)
        if unknown:
            raise ValueError(f"only {', '.join(TUNABLE)} can change during a run, "
                             f"not {', '.join(sorted(unknown))}")
        settings = {name: value for name, value in settings.items() if getattr(self.setup, name) != value}
        if not settings:
            return
        self.setup = replace(self.setup, **settings)  # checks the new values as a fresh Setup would
        self.optimizer.learning_rate = self.setup.learning_rate
        if self.epochs == 0:
            self.first_setup = self.setup  # nothing trained yet: as if the run had started so
        elif self.changes and self.changes[-1][0] == self.epochs:
            self.changes[-1][1].update(settings)
        else:
            self.changes.append((self.epochs, settings))

    def __post_init__(self) -> None:
        self.first_setup = self.setup  # the settings at epoch 0, which the exported code starts from

    def epoch(self) -> None:
        """One pass over the training points in shuffled mini-batches."""
        s = self.setup
        train_epoch(self.model, self.optimizer, self.x_train, self.train.y, self.rng, s.batch_size, s.loss,
                    s.regularization, s.regularization_rate)
        self.epochs += 1

    def losses(self) -> tuple[float, float]:
        """(train loss, test loss) of the network as it stands (data loss only; nan for an empty set)."""
        return (loss_on(self.model, self.x_train, self.train.y, self.setup.loss),
                loss_on(self.model, self.x_test, self.test.y, self.setup.loss))


def loss_on(model: MLP, x: np.ndarray, y: np.ndarray, loss: str) -> float:
    """The data loss over x, or nan when there are no points."""
    return evaluate_loss(model, x, y, loss) if len(y) else math.nan


# The settings a run can change between epochs without starting again.
TUNABLE = ("learning_rate", "regularization", "regularization_rate", "batch_size")


def start(setup: Setup, backend: Any = None) -> Run:
    """A fresh run of `setup`: data drawn and split, network initialised, epoch 0."""
    train, test = make_split(setup)
    if not len(train.y):
        total, share = len(train.y) + len(test.y), 1 - setup.test_fraction
        raise ValueError(f"with {total} points and {share:.0%} of them "
                         "for training, no point is left to train on")
    return Run(setup, build_model(setup, backend), SGD(learning_rate=setup.learning_rate),
               np.random.default_rng(setup.seed), train, test,
               feature_columns(train.x, setup.features), feature_columns(test.x, setup.features))


# --- maps ---------------------------------------------------------------------------------------------

def grid_points(resolution: int, half_width: float = HALF_WIDTH) -> np.ndarray:
    """The centres of a resolution × resolution grid over the square, shape (resolution², 2).

    Row-major from the bottom-left: point k is at column k % resolution, row k // resolution.
    """
    if resolution < 1:
        raise ValueError(f"a map needs a resolution of at least 1, got {resolution}")
    step = 2 * half_width / resolution
    centres = -half_width + step * (np.arange(resolution) + 0.5)
    xs, ys = np.meshgrid(centres, centres)  # xs varies along a row, ys down the rows
    return np.stack([xs.ravel(), ys.ravel()], axis=1)


def scores(output: np.ndarray, loss: str, problem: str) -> np.ndarray:
    """The model's raw outputs as the maps show them: P(class 1) for cross-entropy, else unchanged."""
    return logistic(output) if problem == "classification" and loss == "cross_entropy" else output


@dataclass(frozen=True)
class Maps:
    """The output map (resolution, resolution) and one map per hidden neuron, by layer: (units, res, res)."""

    output: np.ndarray
    neurons: list[np.ndarray]


def decision_maps(model: MLP, features: tuple[str, ...] | list[str], loss: str = "mse",
                  problem: str = "classification", resolution: int = 40,
                  half_width: float = HALF_WIDTH) -> Maps:
    """The network's output over the square (as `scores`), and every hidden neuron's activation."""
    inputs = feature_columns(grid_points(resolution, half_width), list(features))
    layers = model.hidden_outputs(inputs)
    neurons = [layer.T.reshape(layer.shape[1], resolution, resolution) for layer in layers[:-1]]
    output = scores(layers[-1][:, 0], loss, problem).reshape(resolution, resolution)
    return Maps(output, neurons)


def discretise(scores_map: np.ndarray) -> np.ndarray:
    """Each cell's class, 0 or 1, as floats (playground's "discretise output")."""
    return (np.asarray(scores_map) > BOUNDARY).astype(float)


# --- classification numbers ---------------------------------------------------------------------------

def class_predictions(model: MLP, x: np.ndarray, loss: str) -> np.ndarray:
    """Class 0 or 1 per example: logits split at 0 (cross-entropy), outputs fit to 0/1 at 0.5 (mse)."""
    return predicted_labels(model, x, threshold=0.0 if loss == "cross_entropy" else BOUNDARY)


def confusion_matrix(predicted: np.ndarray, labels: np.ndarray, classes: int = 2) -> np.ndarray:
    """counts[true class, predicted class], shape (classes, classes)."""
    predicted, labels = np.asarray(predicted, dtype=np.intp), np.asarray(labels, dtype=np.intp)
    if predicted.shape != labels.shape:
        raise ValueError(f"{predicted.shape} predictions for {labels.shape} labels")
    counts = np.zeros((classes, classes), dtype=np.intp)
    np.add.at(counts, (labels, predicted), 1)
    return counts


# --- the reader's own points --------------------------------------------------------------------------

def parse_points_csv(text: str, problem: str = "classification", max_points: int = MAX_PASTED_POINTS,
                     half_width: float = HALF_WIDTH, min_points: int = 2) -> Dataset:
    """Points pasted as CSV lines `x, y, label` (commas, semicolons, tabs or spaces between).

    Blank lines and lines starting with # are skipped, and so is a first line of column names.
    Labels are 0 or 1 for classification (−1 counts as 0, as in playground) and any number for
    regression. Raises ValueError naming the first bad line and what is wrong with it, or when there
    are fewer than `min_points` (a clicked point alone is checked with min_points=1).
    """
    if problem not in PROBLEMS:
        raise ValueError(f"problem must be one of {', '.join(PROBLEMS)}; got {problem!r}")
    rows: list[tuple[float, float, float]] = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        cells = [cell for cell in stripped.replace(";", ",").replace("\t", ",").replace(" ", ",").split(",")
                 if cell]
        try:
            values = [float(cell) for cell in cells]
        except ValueError:
            if not rows and number == _first_content_line(text):
                continue  # a header such as "x,y,label"
            raise ValueError(f"line {number}: '{_short(stripped)}' is not three numbers "
                             "x, y, label") from None
        if len(values) != 3:
            raise ValueError(f"line {number}: expected 3 values x, y, label; found {len(values)}")
        if not all(math.isfinite(v) for v in values):
            raise ValueError(f"line {number}: values must be finite numbers")
        x, y, label = values
        if abs(x) > half_width or abs(y) > half_width:
            raise ValueError(f"line {number}: the point ({x:g}, {y:g}) lies outside the square "
                             f"from {-half_width:g} to {half_width:g}")
        if problem == "classification":
            if label not in (-1.0, 0.0, 1.0):
                raise ValueError(f"line {number}: label {label:g} is not a class; use 0 or 1")
            label = max(label, 0.0)
        rows.append((x, y, label))
        if len(rows) > max_points:
            raise ValueError(f"more than {max_points} points; this page trains on at most {max_points}")
    if len(rows) < min_points:
        raise ValueError(f"at least {min_points} points are needed (one to train on, one to test); "
                         f"found {len(rows)}")
    table = np.array(rows, dtype=np.float64)
    labels = table[:, 2].astype(np.intp) if problem == "classification" else table[:, 2]
    return Dataset(table[:, :2], labels, problem)


def _first_content_line(text: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), 1)
                if line.strip() and not line.strip().startswith("#"))


def _short(text: str, length: int = 40) -> str:
    return text if len(text) <= length else text[:length] + "…"


# --- exports ------------------------------------------------------------------------------------------

def python_code(setup: Setup, epochs: int, changes: Sequence[tuple[int, dict[str, Any]]] = ()) -> str:
    """Plain Python (numpy and faders.core) that repeats the run for `epochs` epochs and prints its losses.

    `setup` is the run's start; `changes` (a Run's) are the training settings changed part-way.
    """
    if setup.points is None:
        data = (f"data = make_dataset({setup.dataset!r}, {setup.n_points}, {setup.noise!r}, "
                f"seed={setup.seed})")
    else:
        points = ",\n    ".join(f"[{x!r}, {y!r}]" for x, y in setup.points.x.tolist())
        labels = ", ".join(repr(value) for value in setup.points.y.tolist())
        dtype = "np.intp" if setup.problem == "classification" else "float"
        data = (f"points = np.array([\n    {points},\n])\nlabels = np.array([{labels}], dtype={dtype})\n"
                f"data = Dataset(points, labels, {setup.problem!r})")
    return f'''"""A faders playground run: {setup.problem}, {epochs} epochs."""
import numpy as np

from faders.core.datasets import Dataset, feature_columns, make_dataset, train_test_split
from faders.core.mlp import MLP
from faders.core.optimizers import SGD
from faders.core.training import evaluate_loss, train_epoch

{data}
train, test = train_test_split(data, {setup.test_fraction!r}, seed={setup.seed})
features = {list(setup.features)!r}
x_train, x_test = feature_columns(train.x, features), feature_columns(test.x, features)
model = MLP({setup.layer_sizes!r}, {list(setup.activations)!r}, "linear", seed={setup.seed})
optimizer = SGD(learning_rate={setup.learning_rate!r})
batch_size, regularization = {setup.batch_size}, {setup.regularization!r}
regularization_rate = {setup.regularization_rate!r}
rng = np.random.default_rng({setup.seed})
for epoch in range({epochs}):{_changes_code(changes, epochs)}
    train_epoch(model, optimizer, x_train, train.y, rng, batch_size=batch_size, loss={setup.loss!r},
                regularization=regularization, regularization_rate=regularization_rate)
train_loss = evaluate_loss(model, x_train, train.y, {setup.loss!r})
test_loss = evaluate_loss(model, x_test, test.y, {setup.loss!r}) if len(test.y) else float("nan")
print(f"after {{{epochs}}} epochs: train loss {{train_loss:.6f}}, test loss {{test_loss:.6f}}")
'''


def _changes_code(changes: Sequence[tuple[int, dict[str, Any]]], epochs: int) -> str:
    """The loop's lines that change settings where the reader changed them while training."""
    lines = []
    for epoch, settings in changes:
        if epoch >= epochs:
            break
        lines.append(f"\n    if epoch == {epoch}:  # changed while training")
        for name, value in settings.items():
            target = "optimizer.learning_rate" if name == "learning_rate" else name
            lines.append(f"\n        {target} = {value!r}")
    return "".join(lines)


def weights_json(model: MLP, setup: Setup, epochs: int) -> str:
    """The trained network as JSON: its layers and weights, the features it reads, how it was trained."""
    settings = {f.name: getattr(setup, f.name) for f in fields(setup) if f.name != "points"}
    return json.dumps({"format": WEIGHTS_FORMAT, "version": WEIGHTS_VERSION, "features": list(setup.features),
                       "problem": setup.problem, "loss": setup.loss, "epochs": epochs,
                       "settings": settings, "model": model.to_dict()})


def load_weights_json(text: str) -> tuple[MLP, list[str], str]:
    """(network, features, loss) from `weights_json`'s text; ValueError saying what is wrong."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON: {error.msg} at line {error.lineno}") from None
    if not isinstance(data, dict) or data.get("format") != WEIGHTS_FORMAT:
        raise ValueError(f"not a playground weights file (its 'format' should be {WEIGHTS_FORMAT!r})")
    if data.get("version") != WEIGHTS_VERSION:
        raise ValueError(f"weights file version {data.get('version')!r}; "
                         f"this page reads version {WEIGHTS_VERSION}")
    features = data.get("features")
    if not isinstance(features, list) or not features or any(name not in FEATURES for name in features):
        raise ValueError(f"'features' must list some of {', '.join(FEATURES)}")
    try:
        model = MLP.from_dict(data["model"])
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"the 'model' part does not describe a network: {error}") from None
    if model.layer_sizes[0] != len(features):
        raise ValueError(f"the network has {model.layer_sizes[0]} inputs but {len(features)} features")
    if not all(np.isfinite(p).all() for p in model.parameters()):
        raise ValueError("the weights hold numbers that are not finite")
    return model, list(features), str(data.get("loss", "mse"))
