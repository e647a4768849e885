"""Part 1 of lesson `network`: a network with one input fits a curve (its state, a kit Part).

`CurveFit` holds its own knobs (their URL keys all start with f), its own training run and history,
its results and actions; NetworkLesson keeps one as `curve` and runs its actions under fit_ names.
The maths is faders.core.curve's; this module holds the state of one run and publishes snapshots of it.

Training runs epochs at full speed until the next frame is due (one every FRAME_SECONDS), publishes a
`FitFrame` and yields to the event loop, so the page redraws about ten times a second and never
freezes. The learning rate may change while training (the next epoch steps by it); any other knob
starts the run again from epoch 0, and is locked while training.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import param

from faders.core import curve
from faders.core.activations import ACTIVATIONS
from faders.core.curve import POINTS, TARGETS, X_LIMIT, Y_LIMIT
from faders.lessons.kit.history import LossHistory
from faders.lessons.kit.knobs import knob
from faders.lessons.kit.lesson import Part
from faders.lessons.kit.run import EpochActions, TrainingRun
from faders.lessons.kit.urlstate import PointList
from faders.lessons.network import words

MAX_WIDTH, MAX_DEPTH, MAX_POINTS = 64, 6, 100
FRAME_SECONDS = 0.1
RESOLUTION = 201  # the curves are drawn through this many x values
DIVERGED_LOSS = 1e12
# Above this many multiply-adds per epoch (points × weights, forward and backward) a network trains
# too slowly on a phone to watch it fit.
LARGE_WORK = 2_000_000


@dataclass(frozen=True)
class FitFrame:
    """One published snapshot of the run, what the page draws (never a NaN or an inf)."""

    epoch: int
    loss: float
    x: np.ndarray  # the RESOLUTION inputs the curves are drawn at
    output: np.ndarray  # the network's answer at each x
    contributions: np.ndarray | None  # (RESOLUTION, width) for one hidden layer, else None
    bias: float | None  # the output bias the contributions are added to
    kinks: list[tuple[float, float]]  # (x, answer) at each ReLU unit's kink inside the chart
    breakpoints: int | None  # where a network of ReLUs bends inside [-1, 1]; None for other activations


class CurveFit(EpochActions, Part):
    """Part 1 of lesson `network`: an MLP fits a 1-D target or the reader's own points."""

    # Its actions, each run by the lesson as fit_<action> (fit_train, fit_stop…).
    actions: ClassVar[tuple[str, ...]] = ("train", "stop", "step", "reset", "clear_points")

    # ---- knobs: one declaration each (kit.knobs) ------------------------------------------
    target = knob(param.Selector(default="sine", objects=list(TARGETS), doc=words.HELP_FIT_TARGET),
                  key="fit", label="Target", restarts=True)
    width = knob(param.Integer(8, bounds=(1, MAX_WIDTH), doc=words.HELP_FIT_WIDTH),
                 key="fwidth", label="Units per layer", restarts=True, widget="input")
    depth = knob(param.Integer(1, bounds=(1, MAX_DEPTH), doc=words.HELP_FIT_DEPTH),
                 key="fdepth", label="Hidden layers", restarts=True, widget="input")
    activation = knob(param.Selector(default="relu", objects=list(ACTIVATIONS),
                                     doc=words.HELP_FIT_ACTIVATION),
                      key="fact", label="Activation", restarts=True)
    learning_rate = knob(param.Number(0.05, bounds=(1e-5, 10.0), doc=words.HELP_LEARNING_RATE),
                         key="flr", label="Learning rate", live=True, widget="input", step=0.01)
    seed = knob(param.Integer(0, bounds=(0, 999_999_999), doc=words.HELP_SEED),
                key="fseed", label="Seed", restarts=True, widget="input")
    points = knob(PointList([], bounds=(0, MAX_POINTS), x_bounds=(-X_LIMIT, X_LIMIT),
                            y_bounds=(-Y_LIMIT, Y_LIMIT), doc=words.HELP_FIT_POINTS),
                  key="fpoints", label="Your own points", restarts=True)
    stop_epoch = knob(param.Integer(0, bounds=(0, None), doc=words.HELP_STOP_EPOCH),
                      key="fepochs", label="Stop at epoch", live=True, widget="input")

    # ---- the run -----------------------------------------------------------------------------
    status = param.Selector(default="idle", objects=["idle", "training", "stopped", "done", "diverged"])
    frame = param.Parameter(doc="The latest published FitFrame: what the page draws.")
    run_number = param.Integer(0, doc="Counts fresh runs: the points drawn change only then.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.training_run = TrainingRun(self, lock_reason=words.FIT_LOCKED, size_warning=self.size_warning)
        self.restart()

    # ---- building the run --------------------------------------------------------------------

    def setup(self) -> curve.FitSetup:
        """The knobs as a core FitSetup."""
        points = np.array(self.points, dtype=float).reshape(-1, 2) if self.target == POINTS else None
        return curve.FitSetup(target=self.target, width=self.width, depth=self.depth,
                              activation=self.activation, learning_rate=self.learning_rate,
                              seed=self.seed, points=points)

    @param.depends("learning_rate", watch=True)
    def _rate_changed(self) -> None:
        self._run.set_learning_rate(self.learning_rate)  # no restart: the next epoch uses it

    def restart(self) -> None:
        """A fresh run of the current knobs at epoch 0."""
        if self.target == POINTS and not self.points:
            # The page's menu offers "points" before there are any: go back to the target in use.
            self.notices = [*self.notices, words.FIT_POINTS_FIRST]
            self.target = self._run.setup.target if hasattr(self, "_run") else "sine"
            return
        self._run = curve.start_fit(self.setup())
        self.training_run.history = LossHistory((0, self._run.loss()))
        self.run_number += 1
        self.status = "idle"
        self._publish()

    def _publish(self) -> None:
        """Make the run's current state the frame the page draws (a diverged state is never shown)."""
        epoch, loss = self.history.last
        model = self._run.model
        if not (loss < DIVERGED_LOSS and all(np.isfinite(p).all() for p in model.parameters())):
            return
        x = curve.grid(RESOLUTION)
        output = curve.predict_curve(model, x)
        contributions, bias, kinks = None, None, []
        if self.depth == 1:
            contributions, bias = curve.hidden_contributions(model, x), curve.output_bias(model)
            if self.activation == "relu":
                inside = np.array([k for _, k in curve.unit_kinks(model) if -X_LIMIT <= k <= X_LIMIT])
                kinks = list(zip(inside.tolist(), curve.predict_curve(model, inside).tolist(), strict=True))
        bends_only_at_kinks = self.activation in ("relu", "linear")
        breakpoints = len(curve.relu_breakpoints(model)) if bends_only_at_kinks else None
        self.frame = FitFrame(epoch, loss, x, output, contributions, bias, kinks, breakpoints)

    # ---- outside values ----------------------------------------------------------------------

    def check_together(self, values: dict[str, object]) -> list[str]:
        notices = super().check_together(values)
        if values.get("target") == POINTS and not values.get("points", self.points):
            notices.append(words.fit_no_points_yet(self.target))
            del values["target"]
        return notices

    def add_point(self, x: float, y: float) -> list[str]:
        """A click on the chart: one more point of the reader's own, rounded to 2 decimals; the target
        becomes "points". A point off the chart is refused with a notice."""
        if self.training_run.running:
            self.notices = [words.FIT_TRAINING_NO_POINTS]
            return self.notices
        x, y = round(float(x), 2), round(float(y), 2)
        if not (abs(x) <= X_LIMIT and abs(y) <= Y_LIMIT):
            self.notices = [words.point_off_the_chart(x, y, X_LIMIT, Y_LIMIT)]
            return self.notices
        if len(self.points) >= MAX_POINTS:
            self.notices = [words.too_many_points(MAX_POINTS)]
            return self.notices
        self.notices = []
        self.param.update(points=[*self.points, (x, y)], target=POINTS)
        return self.notices

    # ---- numbers -----------------------------------------------------------------------------

    @property
    def history(self) -> LossHistory[tuple[int, float]]:
        """(epoch, mean squared error) rows of the run, from epoch 0."""
        assert self.training_run.history is not None
        return self.training_run.history

    @property
    def epoch(self) -> int:
        return self.history.last[0]

    @property
    def current_run(self) -> curve.FitRun:
        """The run the page shows: its setup, network and data."""
        return self._run

    def results(self) -> dict[str, Any]:
        """Every number Part 1 shows."""
        epoch, loss = self.history.last
        run, frame = self._run, self.frame
        return {
            "status": self.status, "message": self.message(), "epoch": epoch, "loss": shown(loss),
            "learning_rate": run.optimizer.learning_rate, "layer_sizes": run.model.layer_sizes,
            "parameters": run.model.parameter_count, "points": len(run.data.y),
            "loss_curve": self.loss_curve(),
            "contributions": 0 if frame.contributions is None else frame.contributions.shape[1],
            "output_bias": frame.bias, "kinks": [x for x, _ in frame.kinks],
            "pieces": None if frame.breakpoints is None else frame.breakpoints + 1,
            "explanation": self.explanation(), "warning": self.training_run.warning(),
        }

    def loss_curve(self) -> list[list[float | None]]:
        """[epoch, loss] rows from epoch 0 to the latest, evenly thinned (LossHistory)."""
        return [[epoch, shown(loss)] for epoch, loss in self.history]

    def size_warning(self) -> str:
        """Words when the network is too large to watch it train here."""
        work = 6 * len(self._run.data.y) * self._run.model.parameter_count
        return words.fit_size_warning(self._run.model.parameter_count, work) if work > LARGE_WORK else ""

    def explanation(self) -> str:
        """What the chart draws, and why the pieces are drawn or not, in words."""
        return words.fit_explanation(self.width, self.depth, self.activation)

    def message(self) -> str:
        epoch, loss = self.history.last
        return words.fit_message(self.status, epoch, loss, self.learning_rate)

    # ---- actions -----------------------------------------------------------------------------

    def _one_epoch(self) -> bool:
        """Train one epoch and record the error; False when the run diverged."""
        with np.errstate(all="ignore"):  # a diverging run overflows; the check below reports it
            self._run.epoch()
            loss = self._run.loss()
        self.history.append((self._run.epochs, loss))
        return math.isfinite(loss) and loss < DIVERGED_LOSS

    async def do_train(self) -> None:
        """Train at full speed, publishing a frame every FRAME_SECONDS, until Stop, the stop epoch or
        divergence."""
        if self.training_run.running or self.status == "diverged":
            return
        outcome, _ = await self.training_run.train(
            self._one_epoch, lambda: 0 < self.stop_epoch <= self.epoch, self._publish, FRAME_SECONDS)
        self.training_run.end(outcome)

    async def do_clear_points(self) -> None:
        """Forget the reader's points; the target goes back to the sine."""
        await self.training_run.halt()
        self.param.update(points=[], target="sine" if self.target == POINTS else self.target)


def shown(value: float) -> float | None:
    """A number as the page may show it: None (shown as a dash) when it is not finite."""
    return value if math.isfinite(value) else None
