"""Lesson `function`: a model is a function with knobs; training turns them; inference uses them.

The state: its knobs (one declaration each), its results and its actions. The page is view.py, the
words words.py; the maths is faders.core.linear's.
"""

from __future__ import annotations

import statistics
import time
from typing import Any, ClassVar

import numpy as np
import param

from faders.core import linear
from faders.core.linear import X, Y
from faders.lessons.function import words
from faders.lessons.kit.knobs import knob
from faders.lessons.kit.lesson import Lesson
from faders.lessons.kit.run import TrainingRun

# The contour map's window onto the loss surface (the live page's and the still picture's).
W_RANGE, B_RANGE = (-1.0, 5.0), (-3.0, 5.0)
CONTOUR_LEVELS = [0.1, 0.5, 2, 5, 10, 20, 40, 80]
# Training is drawn in about this many frames, whatever the number of steps.
FRAMES = 60
FRAME_SECONDS = 0.02
# w and b stay as they are after training, so that inference uses the trained line.
FROZEN_AFTER_TRAINING = {"trained": words.FROZEN}


class FunctionLesson(Lesson):
    """Fit a line by hand, then by gradient descent, then use it."""

    slug: ClassVar[str] = "function"
    title: ClassVar[str] = words.TITLE
    teaser: ClassVar[str] = words.TEASER
    prose: ClassVar[str] = words.PROSE
    actions: ClassVar[tuple[str, ...]] = ("train", "stop", "reset")
    # The page measures about 2,110 px tall at 700 px wide in embed mode.
    embed_height: ClassVar[int] = 2150

    # ---- knobs: one declaration each (kit.knobs) ------------------------------------------
    w = knob(param.Number(0.0, bounds=(-100.0, 100.0), softbounds=W_RANGE, step=0.01, doc=words.HELP_W),
             key="w", label="w (weight)", locked_in=FROZEN_AFTER_TRAINING, widget="slider", format="0.00")
    b = knob(param.Number(0.0, bounds=(-100.0, 100.0), softbounds=B_RANGE, step=0.01, doc=words.HELP_B),
             key="b", label="b (bias)", locked_in=FROZEN_AFTER_TRAINING, widget="slider", format="0.00")
    learning_rate = knob(param.Number(0.05, bounds=(0.001, 0.5), step=0.001, doc=words.HELP_LEARNING_RATE),
                         key="lr", label="Learning rate", widget="slider", format="0.000")
    steps = knob(param.Integer(1000, bounds=(1, 10000), step=100, doc=words.HELP_STEPS),
                 key="steps", label="Steps", widget="input")
    x_new = knob(param.Number(10.0, bounds=(-1000.0, 1000.0), step=1, doc=words.HELP_X_NEW),
                 key="x", label="New input x", live=True, widget="input")

    # ---- results -------------------------------------------------------------------------
    status = param.Selector(default="idle", objects=["idle", "training", "stopped", "trained", "diverged"])
    trace = param.List(default=[], doc="The training run: one linear.Step per update.")
    timing = param.Dict(default={}, doc="Measured cost of training and of one inference.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        # Every step of a run is kept in `trace` (at most 10,001), so the run needs no LossHistory.
        self.training_run = TrainingRun(self)

    # ---- numbers -------------------------------------------------------------------------

    @property
    def loss(self) -> float:
        return linear.loss_and_gradient(self.w, self.b, X, Y)[0]

    @property
    def prediction(self) -> float:
        return float(linear.predict(self.w, self.b, self.x_new))

    def results(self) -> dict[str, Any]:
        last = self.trace[-1] if self.trace else None
        return {
            "status": self.status,
            "message": self.message(),
            "w": self.w, "b": self.b, "loss": self.loss,
            "step": last.step if last else 0,
            "prediction": self.prediction,
            "largest_stable_learning_rate": linear.largest_stable_learning_rate(X),
            "trace": [[s.step, s.loss, s.w, s.b] for s in self.trace],
            "timing": dict(self.timing),
        }

    def message(self) -> str:
        """What is happening, in plain words."""
        first, last = (self.trace[0], self.trace[-1]) if self.trace else (None, None)
        return words.status_message(
            self.status, first.loss if first else self.loss, last.step if last else 0,
            last.loss if last else self.loss, self.steps, self.learning_rate,
            linear.largest_stable_learning_rate(X))

    def announcement(self, status_name: str = "status") -> str:
        """How a run stands, said every few seconds while it trains."""
        if self.status == "training" and self.trace:
            last = self.trace[-1]
            return words.progress(last.step, self.steps, last.loss)
        return self.message()

    @property
    def frozen(self) -> bool:
        """The knobs cannot be turned (nor training started): training runs, or has finished."""
        return self.status in ("training", "trained")

    # ---- actions -------------------------------------------------------------------------

    async def do_train(self) -> None:
        """Run gradient descent from the current knobs, drawing the knobs as they move."""
        if self.frozen:
            return
        updates = linear.gradient_descent(X, Y, self.w, self.b, self.learning_rate, self.steps)
        trace: list[linear.Step] = [next(updates)]  # step 0: where the knobs start

        def one_update() -> bool:
            step = next(updates, None)  # the core ends the run early when it diverges
            if step is not None:
                trace.append(step)
            return step is not None

        self.trace = []
        outcome, _ = await self.training_run.train(
            one_update, lambda: trace[-1].step == self.steps, lambda: self._show_progress(trace),
            FRAME_SECONDS, every=max(1, self.steps // FRAMES))
        self._show_progress(trace)
        if outcome == "done":
            outcome = "diverged" if trace[-1].loss > max(trace[0].loss, 1e-12) else "trained"
        self.training_run.end(outcome)
        if self.status == "trained":
            self.timing = self.measure_cost(trace[0])

    async def do_stop(self) -> None:
        self.training_run.stop()

    async def do_reset(self) -> None:
        await self.training_run.halt()  # a running loop lets go before the knobs go back
        self.param.update(w=0.0, b=0.0, trace=[], timing={}, status="idle")

    def _show_progress(self, trace: list[linear.Step]) -> None:
        # A diverging run can leave the knobs' range; the trace keeps the true values.
        last = trace[-1]
        self.param.update(w=float(np.clip(last.w, *self.param.w.bounds)),
                          b=float(np.clip(last.b, *self.param.b.bounds)), trace=list(trace))

    def measure_cost(self, start: linear.Step) -> dict[str, float]:
        """Time the whole training run (no drawing) against one inference, in this runtime."""
        train_runs = []
        for _ in range(3):
            began = time.perf_counter()
            linear.fit_line(X, Y, start.w, start.b, self.learning_rate, self.steps)
            train_runs.append(time.perf_counter() - began)
        # One prediction is far below the clock's resolution in a browser: time many, divide.
        repeats = 20000
        w, b, x = self.w, self.b, self.x_new
        began = time.perf_counter()
        for _ in range(repeats):
            linear.predict(w, b, x)
        inference = (time.perf_counter() - began) / repeats
        train = statistics.median(train_runs)
        return {"train_ms": train * 1e3, "inference_us": inference * 1e6,
                "ratio": train / inference if inference > 0 else float("inf")}
