"""Lesson `function`: a model is a function with knobs; training turns them; inference uses them."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any, ClassVar

import numpy as np
import panel as pn
import param

from faders.core import linear
from faders.core.linear import X, Y
from faders.lessons.kit.formatting import format_number
from faders.lessons.kit.lesson import Lesson

# The contour map's window onto the loss surface.
W_RANGE, B_RANGE = (-1.0, 5.0), (-3.0, 5.0)
CONTOUR_LEVELS = [0.1, 0.5, 2, 5, 10, 20, 40, 80]
# Training is drawn in about this many frames, whatever the number of steps.
FRAMES = 60
FRAME_SECONDS = 0.02

PROSE = """
A **model** is a function with knobs. This one draws a line: `pred = w * x + b`. The two knobs,
the **weight** `w` (the slope) and the **bias** `b` (where the line crosses x = 0), are its
**parameters**. The five points are the data, `y = 2x + 1`. The **loss** says how far the line is
from the points: the mean of the squared errors.

Turn the knobs yourself first. Then press **Train** and watch the four-step loop turn them for
you: a **forward pass** computes `pred`, the **loss** measures the error, the **gradient** says
which way each knob makes the loss grow, and the **update** moves each knob a small step the other
way. How small is the **learning rate**: a **hyperparameter**, a setting of the training rather
than part of the model. Once trained, the knobs are frozen and **inference** is a single forward
pass on a new input.
"""


class FunctionLesson(Lesson):
    """Fit a line by hand, then by gradient descent, then use it."""

    slug: ClassVar[str] = "function"
    title: ClassVar[str] = "A model is a function"
    teaser: ClassVar[str] = "Turn two knobs to fit a line, then watch gradient descent turn them for you."
    prose: ClassVar[str] = PROSE
    url_names: ClassVar[dict[str, str]] = {
        "w": "w", "b": "b", "lr": "learning_rate", "steps": "steps", "x": "x_new"}
    actions: ClassVar[tuple[str, ...]] = ("train", "stop", "reset")
    # The page measures about 2,110 px tall at 700 px wide in embed mode.
    embed_height: ClassVar[int] = 2150

    w = param.Number(0.0, bounds=(-100.0, 100.0), doc="Weight: the slope of the line.")
    b = param.Number(0.0, bounds=(-100.0, 100.0), doc="Bias: the height of the line at x = 0.")
    learning_rate = param.Number(0.05, bounds=(0.001, 0.5), doc="How far each update moves the knobs.")
    steps = param.Integer(1000, bounds=(1, 10000), doc="How many updates Train makes.")
    x_new = param.Number(10.0, bounds=(-1000.0, 1000.0), doc="A new input for inference.")

    status = param.Selector(default="idle", objects=["idle", "training", "stopped", "trained", "diverged"])
    trace = param.List(default=[], doc="The training run: one linear.Step per update.")
    timing = param.Dict(default={}, doc="Measured cost of training and of one inference.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._stop_requested = False

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
        limit = linear.largest_stable_learning_rate(X)
        if self.status == "diverged":
            first, last = self.trace[0], self.trace[-1]
            stopped = (" Training stopped there, before the numbers overflow."
                       if last.step < self.steps else "")
            return (f"Training diverged: by step {last.step} the loss had grown from "
                    f"{format_number(first.loss)} to {format_number(last.loss)}.{stopped} "
                    f"A learning rate of {self.learning_rate:g} is too large for this data: every "
                    f"update overshoots the bottom of the valley and lands higher on the other "
                    f"side. Any rate above {limit:.3f} does this here; press Reset and try a "
                    f"smaller one.")
        if self.status == "trained":
            return (f"Trained: {self.trace[-1].step} steps brought the loss to "
                    f"{format_number(self.trace[-1].loss)}. The knobs are now frozen; press Reset "
                    f"to turn them again.")
        if self.status == "stopped":
            return f"Stopped at step {self.trace[-1].step}. Train continues from here."
        if self.status == "training":
            return "Training: forward pass, loss, gradient, update, again and again."
        return "Turn the knobs by hand, or press Train."

    def announcement(self, status_name: str = "status") -> str:
        """How a run stands, said every few seconds while it trains."""
        if self.status == "training" and self.trace:
            last = self.trace[-1]
            return f"Training: step {last.step:,} of {self.steps:,}, loss {format_number(last.loss)}."
        return self.message()

    @property
    def frozen(self) -> bool:
        """The knobs cannot be turned (nor training started): training runs, or has finished."""
        return self.status in ("training", "trained")

    def locked(self) -> dict[str, str]:
        if self.status == "training":
            reason = "Training is running; press Stop first."
            return {name: reason for name in ("w", "b", "learning_rate", "steps")}
        if self.status == "trained":
            reason = "The knobs are frozen after training; press Reset to turn them again."
            return {"w": reason, "b": reason}
        return {}

    # ---- actions -------------------------------------------------------------------------

    async def do_train(self) -> None:
        """Run gradient descent from the current knobs, drawing the knobs as they move."""
        if self.frozen:
            return
        self._stop_requested = False
        self.trace = []
        self.status = "training"
        every = max(1, self.steps // FRAMES)
        trace: list[linear.Step] = []
        run = linear.gradient_descent(X, Y, self.w, self.b, self.learning_rate, self.steps)
        for step in run:
            trace.append(step)
            if step.step % every == 0 or step.step == self.steps:
                self._show_progress(trace)
                await asyncio.sleep(FRAME_SECONDS)
                if self._stop_requested:
                    break
        self._show_progress(trace)
        if self._stop_requested:
            self.status = "stopped"
        elif trace[-1].step < self.steps or trace[-1].loss > max(trace[0].loss, 1e-12):
            self.status = "diverged"
        else:
            self.status = "trained"
            self.timing = self.measure_cost(trace[0])

    def recover(self) -> None:
        if self.status == "training":
            self.status = "stopped"

    async def do_stop(self) -> None:
        self._stop_requested = True

    async def do_reset(self) -> None:
        self._stop_requested = True
        # Let a running training loop see the request before the knobs go back.
        while self.status == "training":
            await asyncio.sleep(FRAME_SECONDS)
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

    # ---- view ----------------------------------------------------------------------------

    def view(self, with_prose: bool = False) -> pn.viewable.Viewable:
        from faders.lessons.function_view import FunctionView

        return FunctionView(self, with_prose=with_prose).layout
