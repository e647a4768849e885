"""Lesson `network`: neural networks approximate functions, in a 2-D playground (state and words).

Every tensorflow/playground setting is a knob with a URL name; on top of those: cross-entropy, per-layer
activations, accuracy and a confusion matrix, stopping at a target loss or epoch, the reader's own
points, and exports of the weights (JSON) and of the Python code that repeats the run. The maths is
faders.core.playground's; this module holds the state of one run and publishes snapshots of it.

Training runs epochs at full speed until the next frame is due (one every FRAME_SECONDS, drawing
included), then publishes a `Frame` (epoch, losses, maps) and yields to the event loop, so the page
redraws about ten times a second and never freezes.
The learning rate, batch size and regularisation may change at any time, even mid-run, and apply from the
next epoch; any other knob starts the run again from epoch 0 (while training, those are locked).
"""

from __future__ import annotations

import asyncio
import math
import time
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import param

from faders.core import playground
from faders.core.activations import ACTIVATIONS
from faders.core.datasets import CLASSIFICATION_2D, FEATURES, HALF_WIDTH, REGRESSION_2D, Dataset
from faders.core.losses import LOSS_NAMES
from faders.core.regularization import REGULARIZERS
from faders.lessons.curve import FIT_ACTIONS, FIT_URL_NAMES, CurveFitting
from faders.lessons.kit.formatting import format_number, run_message
from faders.lessons.kit.frames import train_in_frames
from faders.lessons.kit.history import LossHistory
from faders.lessons.kit.lesson import Lesson
from faders.lessons.kit.safe_text import quote
from faders.lessons.kit.urlstate import ChoiceList, IntList, PointList, format_value

CUSTOM = "custom"  # the dataset made of the reader's own points
DATASETS = (*CLASSIFICATION_2D, *REGRESSION_2D, CUSTOM)
FIRST_DATASET = {"classification": "circle", "regression": "plane"}
MAX_LAYERS, MAX_UNITS = 8, 32
SIZE_REASON = "a larger network trains too slowly here to watch"
# A frame every this many seconds, its drawing included: eleven a second, so that the page, which
# skips a frame now and then when one takes long to draw, still redraws at least ten times a second.
FRAME_SECONDS = 0.09
MAP_RESOLUTION = 40
# Above this many multiply-adds per epoch (points × weights, forward and backward) a setting is called
# too large for a phone-sized device: the page stays responsive but fewer than ~10 epochs a second run.
LARGE_WORK = 20_000_000
# Knobs that may change while training runs: what is drawn, when to stop, and how the next epochs train.
LIVE_KNOBS = ("show_test", "discretise", "target_loss", "stop_epoch", *playground.TUNABLE)

PROSE = """
A **neural network** is a function built from many small ones. Each **neuron** adds up its inputs,
each times a **weight**, adds a **bias**, and bends the sum with an **activation** (tanh, ReLU,
sigmoid). A layer of neurons feeds the next, and the last one gives the answer. With enough neurons
in one hidden layer such a network can approximate any smooth function as closely as you like (the
**universal approximation theorem**); more layers let it build the same shapes from far fewer
neurons, each layer combining the simpler shapes of the one before.

Pick a dataset, press **Train**, and watch the map: the colour is the network's answer at every
point of the square, the dots are the data. The small maps show what each hidden neuron answers.
"""


@dataclass(frozen=True)
class Frame:
    """One published snapshot of the run, what the page draws."""

    epoch: int
    train_loss: float
    test_loss: float
    maps: playground.Maps | None


class NetworkLesson(CurveFitting, Lesson):
    """Part 1 (CurveFitting): a network fits a curve. Part 2: a 2-D playground, where a network learns to
    separate or fit points in a square."""

    slug: ClassVar[str] = "network"
    title: ClassVar[str] = "Neural networks approximate functions"
    teaser: ClassVar[str] = ("Add neurons and layers, press Train, and watch a network bend its answer "
                             "to the data: tensorflow/playground and more.")
    prose: ClassVar[str] = PROSE
    url_names: ClassVar[dict[str, str]] = {
        "problem": "problem", "dataset": "dataset", "noise": "noise", "train": "train_percent",
        "points": "n_points", "batch": "batch_size", "features": "features", "hidden": "hidden",
        "act": "activations", "loss": "loss", "lr": "learning_rate", "reg": "regularization",
        "rate": "regularization_rate", "seed": "seed", "test": "show_test", "discrete": "discretise",
        "target": "target_loss", "epochs": "stop_epoch", "mine": "own_points", **FIT_URL_NAMES}
    actions: ClassVar[tuple[str, ...]] = (
        "train", "stop", "step", "reset", "add_layer", "remove_layer", "new_seed", *FIT_ACTIONS)
    uses_gpu: ClassVar[bool] = True
    embed_height: ClassVar[int] = 3600  # px: both parts, measured at 700 px wide (3,522) with a margin

    # ---- the knobs, as in tensorflow/playground --------------------------------------------
    problem = param.Selector(default="classification", objects=list(playground.PROBLEMS),
                             doc="Classification (two classes) or regression (a number per point).")
    dataset = param.Selector(default="circle", objects=list(DATASETS), doc="Which points to learn.")
    noise = param.Integer(0, bounds=(0, 50), doc="Noise, in percent, as playground's knob.")
    train_percent = param.Integer(50, bounds=(10, 90), doc="The share of the points trained on, in percent.")
    n_points = param.Integer(500, bounds=(20, 5000), doc="How many points a named dataset draws.")
    batch_size = param.Integer(10, bounds=(1, 5000), doc="Points per update.")
    features = ChoiceList(["x", "y"], bounds=(1, len(FEATURES)), choices=tuple(FEATURES), distinct=True,
                          doc="The inputs the network reads, computed from each point's x and y.")
    hidden = IntList([4, 2], bounds=(0, MAX_LAYERS), item_bounds=(1, MAX_UNITS), bounds_reason=SIZE_REASON,
                     doc="Neurons in each hidden layer.")
    activations = ChoiceList(["tanh", "tanh"], bounds=(0, MAX_LAYERS), choices=tuple(ACTIVATIONS),
                             doc="The activation of each hidden layer.")
    loss = param.Selector(default="mse", objects=list(LOSS_NAMES),
                          doc="Squared error, or cross-entropy (classification only).")
    learning_rate = param.Number(0.03, bounds=(1e-5, 10.0), doc="How far each update moves the weights.")
    regularization = param.Selector(default="none", objects=list(REGULARIZERS), doc="None, L1 or L2.")
    regularization_rate = param.Number(0.0, bounds=(0.0, 10.0),
                                       doc="How strongly large weights are penalised.")
    seed = param.Integer(0, bounds=(0, 999_999_999), doc="Draws the data, the first weights and the batches.")
    show_test = param.Boolean(False, doc="Draw the test points too.")
    discretise = param.Boolean(False, doc="Colour the map by class instead of by score.")
    target_loss = param.Number(0.0, bounds=(0.0, None),
                               doc="Stop once the train loss is this low (0: never).")
    stop_epoch = param.Integer(0, bounds=(0, None), doc="Stop at this epoch (0: never).")

    # ---- the run -----------------------------------------------------------------------------
    status = param.Selector(default="idle", objects=["idle", "training", "stopped", "done", "diverged"])
    frame = param.Parameter(doc="The latest published Frame: what the page draws.")
    custom_points = param.Parameter(None, doc="The reader's own points (a Dataset), for dataset 'custom'.")
    own_points = PointList([], bounds=(0, playground.MAX_PASTED_POINTS), labelled=True,
                           x_bounds=(-HALF_WIDTH, HALF_WIDTH), y_bounds=(-HALF_WIDTH, HALF_WIDTH),
                           doc="The reader's own points as a link carries them: x:y:label, comma-separated.")
    speed = param.Dict(default={}, doc="Epochs and redraws per second of the last training.")
    run_number = param.Integer(0, doc="Counts fresh runs: the data and network drawn change only then.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._stop_requested = False
        self.history: LossHistory[tuple[int, float, float]]  # (epoch, train loss, test loss): see _restart
        # Knobs given together at construction are brought in line as if turned one by one.
        self._dataset_changed()
        self._problem_changed()
        self._hidden_changed()
        self._restart()

    # ---- building the run --------------------------------------------------------------------

    def setup(self) -> playground.Setup:
        """The knobs as a core Setup."""
        return playground.Setup(
            dataset=self.dataset if self.dataset != CUSTOM else FIRST_DATASET[self.problem],
            n_points=self.n_points, noise=self.noise / 100, test_fraction=1 - self.train_percent / 100,
            features=tuple(self.features), hidden=tuple(self.hidden), activations=tuple(self.activations),
            loss=self.loss, learning_rate=self.learning_rate, regularization=self.regularization,
            regularization_rate=self.regularization_rate, batch_size=self.batch_size, seed=self.seed,
            points=self.custom_points if self.dataset == CUSTOM else None)

    @param.depends("problem", watch=True)
    def _problem_changed(self) -> None:
        # A dataset of the other kind, or a loss it cannot use, follows the problem.
        changes: dict[str, object] = {}
        if self.dataset != CUSTOM and self._kind(self.dataset) != self.problem:
            changes["dataset"] = FIRST_DATASET[self.problem]
        mine = self.custom_points
        if self.dataset == CUSTOM and mine is not None and mine.kind != self.problem:
            changes["dataset"] = FIRST_DATASET[self.problem]
        if self.problem == "regression" and self.loss == "cross_entropy":
            changes["loss"] = "mse"
        if changes:
            self.param.update(changes)

    @param.depends("dataset", watch=True)
    def _dataset_changed(self) -> None:
        if self.dataset != CUSTOM and self._kind(self.dataset) != self.problem:
            self.problem = self._kind(self.dataset)

    @param.depends("hidden", watch=True)
    def _hidden_changed(self) -> None:
        # New layers take the last layer's activation (tanh for the first); removed ones drop theirs.
        n = len(self.hidden)
        if len(self.activations) != n:
            fill = self.activations[-1] if self.activations else "tanh"
            self.activations = (list(self.activations) + [fill] * n)[:n]

    @param.depends("problem", "dataset", "noise", "train_percent", "n_points", "features", "hidden",
                   "activations", "loss", "seed", "custom_points", watch=True)
    def _knob_changed(self) -> None:
        self._restart()

    @param.depends(*playground.TUNABLE, watch=True)
    def _tuning_changed(self) -> None:
        # The learning rate, batch size and regularisation change the next epochs, even mid-run; the
        # network and the data stay (the exported code replays the change at its epoch).
        self._run.retune(**{name: getattr(self, name) for name in playground.TUNABLE})

    @param.depends("custom_points", watch=True)
    def _points_to_link(self) -> None:
        rows = self._points_to_rows()
        if rows != self.own_points:
            self.own_points = rows

    @param.depends("own_points", watch=True)
    def _points_from_link(self) -> None:
        if self.own_points == self._points_to_rows():
            return  # they came from custom_points
        self.custom_points = self._points_dataset(self.own_points, self.problem) if self.own_points else None

    def _points_to_rows(self) -> list[tuple[float, float, float]]:
        mine = self.custom_points
        if mine is None:
            return []
        return [(float(x), float(y), float(label))
                for (x, y), label in zip(mine.x.tolist(), mine.y.tolist(), strict=True)]

    @staticmethod
    def _points_dataset(rows: list, problem: str) -> Dataset:
        """The link's points as a Dataset of the problem's kind (ValueError saying what is wrong)."""
        text = "\n".join(f"{x!r},{y!r},{label!r}" for x, y, label in rows)
        return playground.parse_points_csv(text, problem, min_points=1)

    @staticmethod
    def _kind(dataset: str) -> str:
        return "classification" if dataset in CLASSIFICATION_2D else "regression"

    def _restart(self) -> None:
        """A fresh run of the current knobs at epoch 0 (nothing happens if they do not fit together)."""
        if len(self.activations) != len(self.hidden):
            return  # mid-update: the watcher on `hidden` is about to fix the activations
        try:
            setup = self.setup()
        except ValueError:
            return  # mid-update: a watcher is about to bring problem, dataset and loss in line
        try:
            self._run = playground.start(setup, backend=self.backend)
        except ValueError as reason:  # e.g. too few points of the reader's own for this split
            self.notices = [*self.notices, f"Cannot train on this setting: {reason}."]
            return
        train_loss, test_loss = self._run.losses()
        self.history = LossHistory((0, train_loss, test_loss))
        self.speed = {}
        self.run_number += 1
        self.status = "idle"
        self._publish()

    def _publish(self) -> None:
        """Make the run's current state the frame the page draws."""
        epoch, train_loss, test_loss = self.history.last
        if not (math.isfinite(train_loss) and self._finite_weights()):
            return  # the page never shows what diverged: it keeps the last good frame
        setup = self._run.setup
        maps = playground.decision_maps(self._run.model, setup.features, setup.loss, setup.problem,
                                        MAP_RESOLUTION)
        self.frame = Frame(epoch, train_loss, test_loss, maps)

    def _finite_weights(self) -> bool:
        return all(np.isfinite(p).all() for p in self._run.model.parameters())

    # ---- outside values ----------------------------------------------------------------------

    def check_together(self, values: dict[str, object]) -> list[str]:
        notices = super().check_together(values)  # Part 1's
        dataset = values.get("dataset", self.dataset)
        problem = values.get("problem", self.problem)
        if values.get("own_points"):
            try:
                self._points_dataset(list(values["own_points"]), str(problem))
            except ValueError as reason:
                notices.append(f"Ignored mine='{quote(format_value(values.pop('own_points')))}': {reason}.")
        has_points = bool(values["own_points"]) if "own_points" in values else self.custom_points is not None
        if dataset == CUSTOM and not has_points and "dataset" in values:
            notices.append("Ignored dataset='custom': there are no points of your own yet; paste some "
                           f"first. Kept {self.dataset}.")
            del values["dataset"]
            dataset = self.dataset
        if dataset != CUSTOM and self._kind(str(dataset)) != problem and "problem" in values:
            notices.append(f"Ignored problem='{problem}': dataset {dataset} is a "
                           f"{self._kind(str(dataset))} problem; kept {self._kind(str(dataset))}.")
            del values["problem"]
            problem = self._kind(str(dataset))
        if dataset != CUSTOM:
            values.setdefault("problem", self._kind(str(dataset)))  # the dataset sets its problem
            problem = values["problem"]
        if values.get("loss", self.loss) == "cross_entropy" and problem == "regression":
            if "loss" in values:
                notices.append("Ignored loss='cross_entropy': it needs classes, and this is a regression "
                               "problem; kept mse.")
            values["loss"] = "mse"
        hidden = values.get("hidden", self.hidden)
        activations = values.get("activations", self.activations)
        assert isinstance(hidden, list) and isinstance(activations, list)
        if len(activations) != len(hidden):
            if "activations" in values:
                notices.append(f"Ignored act='{format_value(activations)}': {len(hidden)} hidden layers need "
                               f"{len(hidden)} activations; kept {format_value(self.activations)}.")
                values.pop("activations")
                values.pop("hidden", None)
            else:
                fill = activations[-1] if activations else "tanh"
                values["activations"] = (list(activations) + [fill] * len(hidden))[:len(hidden)]
        return notices

    def locked(self) -> dict[str, str]:
        if self.status != "training":
            return self.fit_locked()
        reason = "Training is running; press Stop first."
        fixed = set(self.url_names.values()) - {*LIVE_KNOBS, *FIT_URL_NAMES.values()}
        return {**self.fit_locked(), **{name: reason for name in fixed}}

    # ---- the reader's own points -----------------------------------------------------------------

    def paste_points(self, text: str) -> list[str]:
        """Use pasted CSV lines `x, y, label` as the data; a bad paste changes nothing and says why."""
        if self.status == "training":
            self.notices = ["Training is running; press Stop before pasting points."]
            return self.notices
        try:
            points = playground.parse_points_csv(text, self.problem)
        except ValueError as reason:
            self.notices = [f"Ignored the pasted points: {reason}."]
            return self.notices
        return self._use_points(points)

    def add_point(self, x: float, y: float, label: float) -> list[str]:
        """Add one point (a click: label 1, shift-click: label 0; a number for regression)."""
        if self.status == "training":
            self.notices = ["Training is running; press Stop before adding points."]
            return self.notices
        try:
            point = playground.parse_points_csv(f"{x!r},{y!r},{label!r}", self.problem, min_points=1)
        except ValueError as reason:
            self.notices = [f"Ignored the point: {reason}."]
            return self.notices
        # Clicks add to the reader's points in use, or to a lone first click; else they start afresh.
        old = self.custom_points
        if old is not None and (old.kind != self.problem or (self.dataset != CUSTOM and len(old.y) >= 2)):
            old = None
        if old is not None:
            point = Dataset(np.concatenate([old.x, point.x]), np.concatenate([old.y, point.y]), point.kind)
        return self._use_points(point)

    def _use_points(self, points: Dataset) -> list[str]:
        """Train on the reader's points from now on (once there are two: one to learn, one to test)."""
        if len(points.y) < 2:
            self.custom_points = points
            self.notices = ["Add at least one more point: training needs one to learn from and one to test."]
            return self.notices
        self.notices = []
        self.param.update(custom_points=points, dataset=CUSTOM)
        return self.notices

    # ---- numbers -----------------------------------------------------------------------------

    @property
    def epoch(self) -> int:
        return self.history.last[0]

    def weights(self) -> list[np.ndarray]:
        """Each layer's weight matrix (n_in, n_out), first to last: what the network diagram draws."""
        return [layer.weights for layer in self._run.model.layers]

    @property
    def current_run(self) -> playground.Run:
        """The run the page shows: its setup, network and data."""
        return self._run

    def results(self) -> dict[str, Any]:
        epoch, train_loss, test_loss = self.history.last
        run = self._run
        out: dict[str, Any] = {
            "status": self.status, "message": self.message(), "epoch": epoch,
            "train_loss": _shown(train_loss), "test_loss": _shown(test_loss),
            "problem": run.setup.problem, "layer_sizes": run.model.layer_sizes,
            "parameters": run.model.parameter_count,
            "train_points": len(run.train.y), "test_points": len(run.test.y),
            "own_points": 0 if self.custom_points is None else len(self.custom_points.y),
            "own_class_1": (None if self.custom_points is None or self.custom_points.kind != "classification"
                            else int(np.sum(self.custom_points.y == 1))),
            "loss_curve": self.loss_curve(), "speed": dict(self.speed), "warning": self.size_warning(),
            "engine": getattr(self.backend, "name", "numpy"),  # what multiplies the matrices: numpy or webgpu
            "fit": self.fit_results(),
        }
        if run.setup.problem == "classification":
            for name, x, data in (("train", run.x_train, run.train), ("test", run.x_test, run.test)):
                predicted = playground.class_predictions(run.model, x, run.setup.loss) if len(data.y) else []
                counts = playground.confusion_matrix(np.asarray(predicted), data.y)
                out[f"{name}_accuracy"] = float(np.trace(counts) / counts.sum()) if counts.sum() else None
                out[f"{name}_confusion"] = counts.tolist()
        return out

    def loss_curve(self) -> list[list[float | None]]:
        """[epoch, train loss, test loss] rows from epoch 0 to the latest, evenly thinned (LossHistory)."""
        return [[epoch, _shown(train), _shown(test)] for epoch, train, test in self.history]

    def size_warning(self) -> str:
        """Words when a setting is too large for this device to train at a watchable speed."""
        work = 6 * len(self._run.train.y) * self._run.model.parameter_count
        if work <= LARGE_WORK:
            return ""
        return (f"This setting is large: each epoch takes about {work / 1e6:.0f} million multiply-adds, so "
                f"on a phone it may train only a few epochs a second. Fewer points or neurons train faster.")

    def message(self) -> str:
        epoch, train_loss, test_loss = self.history.last
        losses = f"train loss {format_number(train_loss)}, test loss {format_number(test_loss)}"
        return run_message(self.status, epoch, losses, self.learning_rate,
                           "Press Train to start, or Step to train one epoch at a time.")

    # ---- actions -----------------------------------------------------------------------------

    def _one_epoch(self) -> bool:
        """Train one epoch and record its losses; False when the run diverged."""
        with np.errstate(all="ignore"):  # a diverging run overflows; the check below reports it
            self._run.epoch()
            train_loss, test_loss = self._run.losses()
        self.history.append((self._run.epochs, train_loss, test_loss))
        return math.isfinite(train_loss) and train_loss < 1e12

    def _finished(self) -> bool:
        epoch, train_loss, _ = self.history.last
        return (self.stop_epoch > 0 and epoch >= self.stop_epoch) or train_loss <= self.target_loss

    async def do_train(self) -> None:
        """Train at full speed, publishing a frame every FRAME_SECONDS, until Stop, a goal, or divergence."""
        if self.status == "training" or self.status == "diverged":
            return
        self._stop_requested = False
        self.status = "training"
        began, first_epoch = time.perf_counter(), self.epoch
        outcome, frames = await train_in_frames(self._one_epoch, self._finished, self._publish,
                                                lambda: self._stop_requested, FRAME_SECONDS)
        seconds = time.perf_counter() - began
        if seconds > 0:
            self.speed = {"epochs_per_second": (self.epoch - first_epoch) / seconds,
                          "redraws_per_second": frames / seconds}
        self.status = outcome

    def recover(self) -> None:
        if self.status == "training":
            self.status = "stopped"
        self.fit_recover()

    async def do_stop(self) -> None:
        self._stop_requested = True

    async def do_step(self) -> None:
        """One epoch, then a redraw."""
        if self.status in ("training", "diverged"):
            return
        self.status = "stopped" if self._one_epoch() else "diverged"
        self._publish()

    async def do_reset(self) -> None:
        """Back to epoch 0 with fresh weights (the same seed gives the same ones)."""
        await self._wait_for_stop()
        self._restart()

    async def do_add_layer(self) -> None:
        if len(self.hidden) < MAX_LAYERS:
            await self._wait_for_stop()
            self.hidden = [*self.hidden, self.hidden[-1] if self.hidden else 4]

    async def do_remove_layer(self) -> None:
        if self.hidden:
            await self._wait_for_stop()
            self.hidden = self.hidden[:-1]

    async def do_new_seed(self) -> None:
        await self._wait_for_stop()
        self.seed = (self.seed + 1) % (self.param.seed.bounds[1] + 1)

    async def _wait_for_stop(self) -> None:
        self._stop_requested = True
        while self.status == "training":
            await asyncio.sleep(0.01)

    def set_units(self, layer: int, units: int) -> None:
        """The page's +/- buttons on one hidden layer."""
        if 0 <= layer < len(self.hidden) and 1 <= units <= MAX_UNITS and self.status != "training":
            hidden = list(self.hidden)
            hidden[layer] = units
            self.hidden = hidden

    # ---- exports -----------------------------------------------------------------------------

    def weights_json(self) -> str:
        """The trained network as JSON, to save and reload."""
        return playground.weights_json(self._run.model, self._run.setup, self.epoch)

    def python_code(self) -> str:
        """Python that repeats this run up to the current epoch."""
        return playground.python_code(self._run.first_setup, self.epoch, self._run.changes)


    # ---- view ----------------------------------------------------------------------------

    def view(self, with_prose: bool = False) -> Any:
        from faders.lessons.network_view import NetworkView

        return NetworkView(self, with_prose=with_prose).layout


def _shown(value: float) -> float | None:
    """A loss as the page may show it: None (shown as a dash) when there is none or it is not finite."""
    return value if math.isfinite(value) else None
