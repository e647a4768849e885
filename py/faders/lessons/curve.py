"""Part 1 of lesson `network`: a network with one input fits a curve (state and words).

`CurveFitting` is a mixin: NetworkLesson inherits its knobs, run, actions and words, and merges its
URL names (all starting with f) and actions (all starting with fit_) into its own. The maths is
faders.core.curve's; this module holds the state of one run and publishes snapshots of it.

Training runs epochs at full speed until the next frame is due (one every FRAME_SECONDS), publishes a
`FitFrame` and yields to the event loop, so the page redraws about ten times a second and never
freezes. The learning rate may change while training (the next epoch steps by it); any other knob
starts the run again from epoch 0, and is locked while training.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import param

from faders.core import curve
from faders.core.activations import ACTIVATIONS
from faders.core.curve import POINTS, TARGETS, X_LIMIT, Y_LIMIT
from faders.lessons.kit.formatting import format_number, run_message
from faders.lessons.kit.frames import train_in_frames
from faders.lessons.kit.history import LossHistory
from faders.lessons.kit.urlstate import PointList

FIT_URL_NAMES: dict[str, str] = {
    "fit": "fit_target", "fwidth": "fit_width", "fdepth": "fit_depth", "fact": "fit_activation",
    "flr": "fit_learning_rate", "fseed": "fit_seed", "fpoints": "fit_points", "fepochs": "fit_stop_epoch"}
FIT_ACTIONS: tuple[str, ...] = ("fit_train", "fit_stop", "fit_step", "fit_reset", "fit_clear_points")
# Knobs that stay live while training: the learning rate takes effect at the next epoch.
FIT_LIVE = ("fit_learning_rate", "fit_stop_epoch")
MAX_WIDTH, MAX_DEPTH, MAX_POINTS = 64, 6, 100
FRAME_SECONDS = 0.1
RESOLUTION = 201  # the curves are drawn through this many x values
DIVERGED_LOSS = 1e12
# Above this many multiply-adds per epoch (points × weights, forward and backward) a network trains
# too slowly on a phone to watch it fit.
LARGE_WORK = 2_000_000

FIT_PROSE = """
A network with one input and one output is a curve: give it x, it answers y. Pick a target (or click
on the chart to place points of your own), press **Train**, and watch the thick line bend to the dots.

**One hidden layer adds up simple pieces.** With one hidden layer, the answer is a sum: each hidden
unit takes x, multiplies it by its weight, adds its bias, bends the result with its activation, and
the output layer adds the units up, each times its own weight, plus one last bias. The thin lines are
those terms, one per unit; add them up and you get the thick line. A ReLU unit is flat on one side of
a point and straight on the other, so each one adds a single **kink** (the marks on the fit). With
enough units, kinks can be placed wherever the curve turns, and a chain of short straight pieces
follows any continuous curve on an interval as closely as you like. That is the **universal
approximation theorem**: one hidden layer is enough, if it may be wide enough. Try the step with 2
units, then with 30.

**Why depth helps.** A second layer does not add more pieces side by side: each of its units takes the
whole bent curve of the layer below and bends it again. Bends of bends multiply: two ReLUs a layer,
stacked ten deep, can zig-zag through a thousand straight pieces, where one layer of those twenty
units makes at most twenty-one. Deep networks get the same wiggliness from far fewer weights, and
they build it as we would: simple shapes first, combined into more complex ones.
"""


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


class CurveFitting(param.Parameterized):
    """Part 1 of lesson `network`: an MLP fits a 1-D target or the reader's own points."""

    fit_url_names: ClassVar[dict[str, str]] = FIT_URL_NAMES

    fit_target = param.Selector(default="sine", objects=list(TARGETS),
                                doc="The curve to fit: a line, a sine, a step, |x|, or your own points.")
    fit_width = param.Integer(8, bounds=(1, MAX_WIDTH), doc="Units in each hidden layer.")
    fit_depth = param.Integer(1, bounds=(1, MAX_DEPTH), doc="How many hidden layers.")
    fit_activation = param.Selector(default="relu", objects=list(ACTIVATIONS),
                                    doc="How each hidden unit bends its sum.")
    fit_learning_rate = param.Number(0.05, bounds=(1e-5, 10.0),
                                     doc="How far each update moves the weights.")
    fit_seed = param.Integer(0, bounds=(0, 999_999_999),
                             doc="Draws the data, the first weights and the batches.")
    fit_points = PointList([], bounds=(0, MAX_POINTS), x_bounds=(-X_LIMIT, X_LIMIT),
                           y_bounds=(-Y_LIMIT, Y_LIMIT), doc="The reader's own points, (x, y) each.")
    fit_stop_epoch = param.Integer(0, bounds=(0, None), doc="Stop at this epoch (0: never).")

    fit_status = param.Selector(default="idle", objects=["idle", "training", "stopped", "done", "diverged"])
    fit_frame = param.Parameter(doc="The latest published FitFrame: what the page draws.")
    fit_run_number = param.Integer(0, doc="Counts fresh runs: the points drawn change only then.")

    def __init__(self, *args: Any, **params: Any) -> None:
        super().__init__(*args, **params)
        self._fit_stop_requested = False
        self.fit_history: LossHistory[tuple[int, float]]  # (epoch, mean squared error): see _fit_restart
        self._fit_restart()

    # ---- building the run --------------------------------------------------------------------

    def fit_setup(self) -> curve.FitSetup:
        """The knobs as a core FitSetup."""
        points = np.array(self.fit_points, dtype=float).reshape(-1, 2) if self.fit_target == POINTS else None
        return curve.FitSetup(target=self.fit_target, width=self.fit_width, depth=self.fit_depth,
                              activation=self.fit_activation, learning_rate=self.fit_learning_rate,
                              seed=self.fit_seed, points=points)

    @param.depends("fit_target", "fit_width", "fit_depth", "fit_activation", "fit_seed", "fit_points",
                   watch=True)
    def _fit_knob_changed(self) -> None:
        self._fit_restart()

    @param.depends("fit_learning_rate", watch=True)
    def _fit_rate_changed(self) -> None:
        self._fit_run.set_learning_rate(self.fit_learning_rate)  # no restart: the next epoch uses it

    def _fit_restart(self) -> None:
        """A fresh run of the current knobs at epoch 0."""
        if self.fit_target == POINTS and not self.fit_points:
            # The page's menu offers "points" before there are any: go back to the target in use.
            self.notices = [*self.notices, "Click on the chart to place points of your own first."]
            self.fit_target = self._fit_run.setup.target if hasattr(self, "_fit_run") else "sine"
            return
        self._fit_run = curve.start_fit(self.fit_setup())
        self.fit_history = LossHistory((0, self._fit_run.loss()))
        self.fit_run_number += 1
        self.fit_status = "idle"
        self._fit_publish()

    def _fit_publish(self) -> None:
        """Make the run's current state the frame the page draws (a diverged state is never shown)."""
        epoch, loss = self.fit_history.last
        model = self._fit_run.model
        if not (loss < DIVERGED_LOSS and all(np.isfinite(p).all() for p in model.parameters())):
            return
        x = curve.grid(RESOLUTION)
        output = curve.predict_curve(model, x)
        contributions, bias, kinks = None, None, []
        if self.fit_depth == 1:
            contributions, bias = curve.hidden_contributions(model, x), curve.output_bias(model)
            if self.fit_activation == "relu":
                inside = np.array([k for _, k in curve.unit_kinks(model) if -X_LIMIT <= k <= X_LIMIT])
                kinks = list(zip(inside.tolist(), curve.predict_curve(model, inside).tolist(), strict=True))
        bends_only_at_kinks = self.fit_activation in ("relu", "linear")
        breakpoints = len(curve.relu_breakpoints(model)) if bends_only_at_kinks else None
        self.fit_frame = FitFrame(epoch, loss, x, output, contributions, bias, kinks, breakpoints)

    # ---- outside values ----------------------------------------------------------------------

    def check_together(self, values: dict[str, object]) -> list[str]:
        notices = super().check_together(values)  # type: ignore[misc]
        points = values.get("fit_points", self.fit_points)
        if values.get("fit_target") == POINTS and not points:
            notices.append("Ignored fit='points': there are no points of your own yet; click on the chart "
                           f"to place some. Kept {self.fit_target}.")
            del values["fit_target"]
        return notices

    def fit_locked(self) -> dict[str, str]:
        """Part 1's knobs that cannot change while it trains, each with the reason."""
        if self.fit_status != "training":
            return {}
        reason = "The curve is training; press its Stop first."
        return {name: reason for name in FIT_URL_NAMES.values() if name not in FIT_LIVE}

    def add_fit_point(self, x: float, y: float) -> list[str]:
        """A click on the chart: one more point of the reader's own, rounded to 2 decimals; the target
        becomes "points". A point off the chart is refused with a notice."""
        if self.fit_status == "training":
            self.notices = ["The curve is training; press its Stop before adding points."]
            return self.notices
        x, y = round(float(x), 2), round(float(y), 2)
        if not (abs(x) <= X_LIMIT and abs(y) <= Y_LIMIT):
            self.notices = [f"Ignored the point ({x:g}, {y:g}): points lie within x from {-X_LIMIT:g} to "
                            f"{X_LIMIT:g} and y from {-Y_LIMIT:g} to {Y_LIMIT:g}."]
            return self.notices
        if len(self.fit_points) >= MAX_POINTS:
            self.notices = [f"Ignored the point: this chart takes at most {MAX_POINTS} points of your own."]
            return self.notices
        self.notices = []
        self.param.update(fit_points=[*self.fit_points, (x, y)], fit_target=POINTS)
        return self.notices

    # ---- numbers -----------------------------------------------------------------------------

    @property
    def fit_epoch(self) -> int:
        return self.fit_history.last[0]

    @property
    def fit_run(self) -> curve.FitRun:
        """The run the page shows: its setup, network and data."""
        return self._fit_run

    def fit_results(self) -> dict[str, Any]:
        """Every number Part 1 shows."""
        epoch, loss = self.fit_history.last
        run, frame = self._fit_run, self.fit_frame
        return {
            "status": self.fit_status, "message": self.fit_message(), "epoch": epoch, "loss": _shown(loss),
            "learning_rate": run.optimizer.learning_rate, "layer_sizes": run.model.layer_sizes,
            "parameters": run.model.parameter_count, "points": len(run.data.y),
            "loss_curve": self.fit_loss_curve(),
            "contributions": 0 if frame.contributions is None else frame.contributions.shape[1],
            "output_bias": frame.bias, "kinks": [x for x, _ in frame.kinks],
            "pieces": None if frame.breakpoints is None else frame.breakpoints + 1,
            "explanation": self.fit_explanation(), "warning": self.fit_size_warning(),
        }

    def fit_loss_curve(self) -> list[list[float | None]]:
        """[epoch, loss] rows from epoch 0 to the latest, evenly thinned (LossHistory)."""
        return [[epoch, _shown(loss)] for epoch, loss in self.fit_history]

    def fit_size_warning(self) -> str:
        """Words when the network is too large to watch it train here."""
        work = 6 * len(self._fit_run.data.y) * self._fit_run.model.parameter_count
        if work <= LARGE_WORK:
            return ""
        return (f"This network is large ({self._fit_run.model.parameter_count:,} weights and biases): each "
                f"epoch takes about {work / 1e6:.0f} million multiply-adds, too many to watch it fit on a "
                "phone. Fewer units or layers train faster.")

    def fit_explanation(self) -> str:
        """What the chart draws, and why the pieces are drawn or not, in words."""
        width, depth = self.fit_width, self.fit_depth
        if depth == 1:
            units = "the one hidden unit" if width == 1 else f"each of the {width} hidden units"
            words = (f"Thin lines: what {units} adds, its weight times its activation. Thick line: their "
                     "sum plus the output bias, the network's answer.")
            if self.fit_activation == "relu":
                kinks = "one kink" if width == 1 else f"{width} kinks"
                words += f" Each ReLU unit bends the answer once, at its mark: at most {kinks}."
            return words
        return (f"With {depth} hidden layers the pieces are not drawn: a unit of layer 2 reads every unit "
                "of layer 1, so the answer is no longer one curve per unit added up. Each layer bends the "
                "curves of the one below again, and bends of bends multiply: depth buys more turns per "
                "weight.")

    def fit_message(self) -> str:
        epoch, loss = self.fit_history.last
        return run_message(self.fit_status, epoch, f"mean squared error {format_number(loss)}",
                           self.fit_learning_rate,
                           "Press Train to fit the curve, or Step to train one epoch at a time.")

    # ---- actions -----------------------------------------------------------------------------

    def _fit_one_epoch(self) -> bool:
        """Train one epoch and record the error; False when the run diverged."""
        with np.errstate(all="ignore"):  # a diverging run overflows; the check below reports it
            self._fit_run.epoch()
            loss = self._fit_run.loss()
        self.fit_history.append((self._fit_run.epochs, loss))
        return math.isfinite(loss) and loss < DIVERGED_LOSS

    async def do_fit_train(self) -> None:
        """Train at full speed, publishing a frame every FRAME_SECONDS, until Stop, the stop epoch or
        divergence."""
        if self.fit_status in ("training", "diverged"):
            return
        self._fit_stop_requested = False
        self.fit_status = "training"
        self.fit_status, _ = await train_in_frames(
            self._fit_one_epoch, lambda: 0 < self.fit_stop_epoch <= self.fit_epoch, self._fit_publish,
            lambda: self._fit_stop_requested, FRAME_SECONDS)

    def fit_recover(self) -> None:
        """After an action failed half-way: a fit left training is stopped."""
        if self.fit_status == "training":
            self.fit_status = "stopped"

    async def do_fit_stop(self) -> None:
        self._fit_stop_requested = True

    async def do_fit_step(self) -> None:
        """One epoch, then a redraw."""
        if self.fit_status in ("training", "diverged"):
            return
        self.fit_status = "stopped" if self._fit_one_epoch() else "diverged"
        self._fit_publish()

    async def do_fit_reset(self) -> None:
        """Back to epoch 0 with fresh weights (the same seed gives the same ones)."""
        await self._fit_wait_for_stop()
        self._fit_restart()

    async def do_fit_clear_points(self) -> None:
        """Forget the reader's points; the target goes back to the sine."""
        await self._fit_wait_for_stop()
        self.param.update(fit_points=[], fit_target="sine" if self.fit_target == POINTS else self.fit_target)

    async def _fit_wait_for_stop(self) -> None:
        self._fit_stop_requested = True
        while self.fit_status == "training":
            await asyncio.sleep(0.01)


def _shown(value: float) -> float | None:
    """A number as the page may show it: None (shown as a dash) when it is not finite."""
    return value if math.isfinite(value) else None
