"""Lesson `network` in two parts: Part 1 (curve.py, a CurveFit kept as `curve`) fits a curve; Part 2,
the lesson's own knobs, is tensorflow/playground and more (cross-entropy, per-layer activations,
accuracy, stopping at a loss or epoch, the reader's points, weights and code to take away).

The maths is faders.core.playground's; this module holds the state of one run. It trains at full speed
and publishes a `Frame` (epoch, losses, maps) every FRAME_SECONDS, so the page redraws about ten times
a second. The learning rate, batch size and regularisation may change mid-run and apply from the next
epoch; any other knob starts the run again from epoch 0 (while training, those are locked).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import param

from faders.core import playground
from faders.core.activations import ACTIVATIONS
from faders.core.datasets import FEATURES, HALF_WIDTH, Dataset
from faders.core.losses import LOSS_NAMES
from faders.core.regularization import REGULARIZERS
from faders.lessons.kit.history import LossHistory
from faders.lessons.kit.knobs import knob
from faders.lessons.kit.lesson import Lesson
from faders.lessons.kit.run import EpochActions, TrainingRun
from faders.lessons.kit.urlstate import ChoiceList, IntList, PointList
from faders.lessons.network import together, words
from faders.lessons.network.curve import CurveFit, shown
from faders.lessons.network.together import CUSTOM, DATASETS, FIRST_DATASET, kind_of

MAX_LAYERS, MAX_UNITS = 8, 32
# A frame every this many seconds, its drawing included: eleven a second, so that the page, which
# skips a frame now and then when one takes long to draw, still redraws at least ten times a second.
FRAME_SECONDS = 0.09
MAP_RESOLUTION = 40
# Above this many multiply-adds per epoch (points × weights, forward and backward) a setting is called
# too large for a phone-sized device: the page stays responsive but fewer than ~10 epochs a second run.
LARGE_WORK = 20_000_000


@dataclass(frozen=True)
class Frame:
    """One published snapshot of the run, what the page draws."""

    epoch: int
    train_loss: float
    test_loss: float
    maps: playground.Maps | None


class NetworkLesson(EpochActions, Lesson):
    """Part 1 (`curve`, a CurveFit): a network fits a curve. Part 2: a 2-D playground, where a network
    learns to separate or fit points in a square."""

    slug: ClassVar[str] = "network"
    title: ClassVar[str] = words.TITLE
    teaser: ClassVar[str] = words.TEASER
    prose: ClassVar[str] = words.PROSE
    parts: ClassVar[dict[str, type[CurveFit]]] = {"curve": CurveFit}
    actions: ClassVar[tuple[str, ...]] = (
        "train", "stop", "step", "reset", "add_layer", "remove_layer", "new_seed",
        *(f"fit_{action}" for action in CurveFit.actions))
    uses_gpu: ClassVar[bool] = True
    embed_height: ClassVar[int] = 3600  # px: both parts, measured at 700 px wide (3,522) with a margin
    # The reader's own points (pasted, clicked or from the link) make a new run too.
    restarted_by: ClassVar[tuple[str, ...]] = ("custom_points",)

    curve: CurveFit  # Part 1, made with the lesson (kit.lesson.Lesson.parts)

    # ---- the knobs, as in tensorflow/playground (kit.knobs) ---------------------------------
    problem = knob(param.Selector(default="classification", objects=list(playground.PROBLEMS),
                                  doc=words.HELP_PROBLEM), key="problem", label="Problem", restarts=True)
    dataset = knob(param.Selector(default="circle", objects=list(DATASETS), doc=words.HELP_DATASET),
                   key="dataset", label="Data", restarts=True)
    noise = knob(param.Integer(0, bounds=(0, 50), doc=words.HELP_NOISE),
                 key="noise", label="Noise (%)", restarts=True)
    train_percent = knob(param.Integer(50, bounds=(10, 90), doc=words.HELP_TRAIN_PERCENT),
                         key="train", label="Training data (%)", restarts=True)
    n_points = knob(param.Integer(500, bounds=(20, 5000), doc=words.HELP_N_POINTS),
                    key="points", label="Points", restarts=True, widget="input", step=100)
    batch_size = knob(param.Integer(10, bounds=(1, 5000), doc=words.HELP_BATCH_SIZE),
                      key="batch", label="Batch size", live=True, widget="input")
    features = knob(ChoiceList(["x", "y"], bounds=(1, len(FEATURES)), choices=tuple(FEATURES), distinct=True,
                               doc=words.HELP_FEATURES), key="features", label="Features", restarts=True)
    hidden = knob(IntList([4, 2], bounds=(0, MAX_LAYERS), item_bounds=(1, MAX_UNITS),
                          bounds_reason=words.SIZE_REASON, doc=words.HELP_HIDDEN),
                  key="hidden", label="Neurons per hidden layer", restarts=True)
    activations = knob(ChoiceList(["tanh", "tanh"], bounds=(0, MAX_LAYERS), choices=tuple(ACTIVATIONS),
                                  doc=words.HELP_ACTIVATIONS),
                       key="act", label="Activation per layer", restarts=True)
    loss = knob(param.Selector(default="mse", objects=list(LOSS_NAMES), doc=words.HELP_LOSS),
                key="loss", label="Loss", restarts=True)
    learning_rate = knob(param.Number(0.03, bounds=(1e-5, 10.0), doc=words.HELP_LEARNING_RATE),
                         key="lr", label="Learning rate", live=True, widget="input", step=0.01)
    regularization = knob(param.Selector(default="none", objects=list(REGULARIZERS),
                                         doc=words.HELP_REGULARIZATION),
                          key="reg", label="Regularisation", live=True)
    regularization_rate = knob(param.Number(0.0, bounds=(0.0, 10.0), doc=words.HELP_REGULARIZATION_RATE),
                               key="rate", label="Regularisation rate", live=True, widget="input",
                               step=0.001)
    seed = knob(param.Integer(0, bounds=(0, 999_999_999), doc=words.HELP_SEED),
                key="seed", label="Seed", restarts=True, widget="input")
    show_test = knob(param.Boolean(False, doc=words.HELP_SHOW_TEST),
                     key="test", label="Show test data", live=True)
    discretise = knob(param.Boolean(False, doc=words.HELP_DISCRETISE),
                      key="discrete", label="Discretise output", live=True)
    target_loss = knob(param.Number(0.0, bounds=(0.0, None), doc=words.HELP_TARGET_LOSS),
                       key="target", label="Stop at train loss", live=True, step=0.01)
    stop_epoch = knob(param.Integer(0, bounds=(0, None), doc=words.HELP_STOP_EPOCH),
                      key="epochs", label="Stop at epoch", live=True, step=100)
    own_points = knob(PointList([], bounds=(0, playground.MAX_PASTED_POINTS), labelled=True,
                                x_bounds=(-HALF_WIDTH, HALF_WIDTH), y_bounds=(-HALF_WIDTH, HALF_WIDTH),
                                doc=words.HELP_OWN_POINTS), key="mine", label="Your own points")

    # ---- the run -----------------------------------------------------------------------------
    status = param.Selector(default="idle", objects=["idle", "training", "stopped", "done", "diverged"])
    frame = param.Parameter(doc="The latest published Frame: what the page draws.")
    custom_points = param.Parameter(None, doc="The reader's own points (a Dataset), for dataset 'custom'.")
    speed = param.Dict(default={}, doc="Epochs and redraws per second of the last training.")
    run_number = param.Integer(0, doc="Counts fresh runs: the data and network drawn change only then.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.training_run = TrainingRun(self, size_warning=self.size_warning)
        # Knobs given together at construction are brought in line as if turned one by one.
        self._dataset_changed()
        self._problem_changed()
        self._hidden_changed()
        self.restart()

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
        if self.dataset != CUSTOM and kind_of(self.dataset) != self.problem:
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
        if self.dataset != CUSTOM and kind_of(self.dataset) != self.problem:
            self.problem = kind_of(self.dataset)

    @param.depends("hidden", watch=True)
    def _hidden_changed(self) -> None:
        if len(self.activations) != len(self.hidden):
            self.activations = together.fill_activations(self.activations, len(self.hidden))

    @param.depends(*playground.TUNABLE, watch=True)
    def _tuning_changed(self) -> None:
        # The learning rate, batch size and regularisation change the next epochs, even mid-run; the
        # network and the data stay (the exported code replays the change at its epoch).
        self._run.retune(**{name: getattr(self, name) for name in playground.TUNABLE})

    @param.depends("custom_points", watch=True)
    def _points_to_link(self) -> None:
        rows = together.to_rows(self.custom_points)
        if rows != self.own_points:
            self.own_points = rows

    @param.depends("own_points", watch=True)
    def _points_from_link(self) -> None:
        if self.own_points == together.to_rows(self.custom_points):
            return  # they came from custom_points
        self.custom_points = together.from_rows(self.own_points, self.problem) if self.own_points else None

    def restart(self) -> None:
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
        self.training_run.history = LossHistory((0, train_loss, test_loss))
        self.speed = {}
        self.run_number += 1
        self.status = "idle"
        self._publish()

    def _publish(self) -> None:
        """Make the run's current state the frame the page draws."""
        epoch, train_loss, test_loss = self.history.last
        finite = all(np.isfinite(p).all() for p in self._run.model.parameters())
        if not (math.isfinite(train_loss) and finite):
            return  # the page never shows what diverged: it keeps the last good frame
        setup = self._run.setup
        maps = playground.decision_maps(self._run.model, setup.features, setup.loss, setup.problem,
                                        MAP_RESOLUTION)
        self.frame = Frame(epoch, train_loss, test_loss, maps)

    # ---- outside values and the reader's own points --------------------------------------------

    def check_together(self, values: dict[str, object]) -> list[str]:
        current = {name: getattr(self, name) for name in together.AGREEING}
        return together.check_together(values, current, has_points=self.custom_points is not None)

    def paste_points(self, text: str) -> list[str]:
        """Use pasted CSV lines `x, y, label` as the data; a bad paste changes nothing and says why."""
        if self.training_run.running:
            self.notices = [words.TRAINING_NO_PASTE]
            return self.notices
        try:
            pasted = playground.parse_points_csv(text, self.problem)
        except ValueError as reason:
            self.notices = [f"Ignored the pasted points: {reason}."]
            return self.notices
        return self._use_points(pasted)

    def add_point(self, x: float, y: float, label: float) -> list[str]:
        """Add one point (a click: label 1, shift-click: label 0; a number for regression)."""
        if self.training_run.running:
            self.notices = [words.TRAINING_NO_POINTS]
            return self.notices
        try:
            point = playground.parse_points_csv(f"{x!r},{y!r},{label!r}", self.problem, min_points=1)
        except ValueError as reason:
            self.notices = [f"Ignored the point: {reason}."]
            return self.notices
        return self._use_points(together.with_click(self.custom_points, point, self.dataset))

    def _use_points(self, mine: Dataset) -> list[str]:
        """Train on the reader's points from now on (once there are two: one to learn, one to test)."""
        if len(mine.y) < 2:
            self.custom_points = mine
            self.notices = [words.ONE_MORE_POINT]
            return self.notices
        self.notices = []
        self.param.update(custom_points=mine, dataset=CUSTOM)
        return self.notices

    # ---- numbers -----------------------------------------------------------------------------

    @property
    def history(self) -> LossHistory[tuple[int, float, float]]:
        """(epoch, train loss, test loss) rows of the run, from epoch 0."""
        assert self.training_run.history is not None
        return self.training_run.history

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
        mine = self.custom_points
        out: dict[str, Any] = {
            "status": self.status, "message": self.message(), "epoch": epoch,
            "train_loss": shown(train_loss), "test_loss": shown(test_loss),
            "problem": run.setup.problem, "layer_sizes": run.model.layer_sizes,
            "parameters": run.model.parameter_count,
            "train_points": len(run.train.y), "test_points": len(run.test.y),
            "own_points": 0 if mine is None else len(mine.y),
            "own_class_1": (None if mine is None or mine.kind != "classification"
                            else int(np.sum(mine.y == 1))),
            "loss_curve": self.loss_curve(), "speed": dict(self.speed),
            "warning": self.training_run.warning(),
            "engine": getattr(self.backend, "name", "numpy"),  # what multiplies the matrices: numpy or webgpu
            "fit": self.curve.results(),
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
        return [[epoch, shown(train), shown(test)] for epoch, train, test in self.history]

    def size_warning(self) -> str:
        """Words when a setting is too large for this device to train at a watchable speed."""
        work = 6 * len(self._run.train.y) * self._run.model.parameter_count
        return words.size_warning(work) if work > LARGE_WORK else ""

    def message(self) -> str:
        epoch, train_loss, test_loss = self.history.last
        return words.message(self.status, epoch, train_loss, test_loss, self.learning_rate)

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
        if self.training_run.running or self.status == "diverged":
            return
        began, first_epoch = time.perf_counter(), self.epoch
        outcome, frames = await self.training_run.train(self._one_epoch, self._finished, self._publish,
                                                        FRAME_SECONDS)
        seconds = time.perf_counter() - began
        if seconds > 0:
            self.speed = {"epochs_per_second": (self.epoch - first_epoch) / seconds,
                          "redraws_per_second": frames / seconds}
        self.training_run.end(outcome)

    async def do_add_layer(self) -> None:
        if len(self.hidden) < MAX_LAYERS:
            await self.training_run.halt()
            self.hidden = [*self.hidden, self.hidden[-1] if self.hidden else 4]

    async def do_remove_layer(self) -> None:
        if self.hidden:
            await self.training_run.halt()
            self.hidden = self.hidden[:-1]

    async def do_new_seed(self) -> None:
        await self.training_run.halt()
        self.seed = (self.seed + 1) % (self.param.seed.bounds[1] + 1)

    def set_units(self, layer: int, units: int) -> None:
        """The page's +/- buttons on one hidden layer."""
        if 0 <= layer < len(self.hidden) and 1 <= units <= MAX_UNITS and not self.training_run.running:
            hidden = list(self.hidden)
            hidden[layer] = units
            self.hidden = hidden

    # ---- Part 1's actions, under the names links and the API know them by ----------------------

    async def do_fit_train(self) -> None:
        await self.curve.do_train()

    async def do_fit_stop(self) -> None:
        await self.curve.do_stop()

    async def do_fit_step(self) -> None:
        await self.curve.do_step()

    async def do_fit_reset(self) -> None:
        await self.curve.do_reset()

    async def do_fit_clear_points(self) -> None:
        await self.curve.do_clear_points()

    # ---- exports -----------------------------------------------------------------------------

    def weights_json(self) -> str:
        """The trained network as JSON, to save and reload."""
        return playground.weights_json(self._run.model, self._run.setup, self.epoch)

    def python_code(self) -> str:
        """Python that repeats this run up to the current epoch."""
        return playground.python_code(self._run.first_setup, self.epoch, self._run.changes)
