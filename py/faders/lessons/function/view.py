"""The page of lesson `function`: widgets and charts bound to a FunctionLesson's knobs.

Every widget comes from its knob's declaration (kit.widgets.knob_widgets) and every word from
words.py; `layout(lesson)` is what the lesson's `view()` shows.
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import panel as pn
from bokeh.layouts import row as bk_row
from bokeh.models import ColumnDataSource, Range1d

from faders.core import linear
from faders.core.linear import X, Y
from faders.lessons.function import words
from faders.lessons.function.state import B_RANGE, CONTOUR_LEVELS, W_RANGE, FunctionLesson
from faders.lessons.kit.charts import ACCENT, INK, MODEL, MUTED, plain_figure
from faders.lessons.kit.code import code_block
from faders.lessons.kit.places import place
from faders.lessons.kit.widgets import (
    SHRINKS,
    WRAP,
    WRAPPED,
    action_button,
    knob_widgets,
    show_locks,
    status_styles,
    unlocked,
)

LINE_X = np.array([-0.5, 4.5])
SURFACE_RESOLUTION = 100


def loop_source() -> str:
    """The code the Train button runs, exactly as it stands in faders.core.linear."""
    parts = [inspect.getsource(linear.predict), inspect.getsource(linear.loss_and_gradient),
             inspect.getsource(linear.gradient_descent)]
    return "\n\n".join(parts)


class FunctionView:
    """Builds the layout once and keeps every chart and readout in step with the lesson."""

    def __init__(self, lesson: FunctionLesson, with_prose: bool = False) -> None:
        self.lesson = lesson
        self.line_source = ColumnDataSource({"x": LINE_X, "y": LINE_X * 0})
        self.residual_source = ColumnDataSource({"x": X, "y": Y, "pred": X * 0})
        self.knob_source = ColumnDataSource({"w": [lesson.w], "b": [lesson.b]})
        self.path_source = ColumnDataSource({"w": [], "b": []})
        self.loss_source = ColumnDataSource({"step": [], "loss": []})
        self.drawn_steps = 0

        self.knobs = knob_widgets(lesson)
        self.train_button = action_button(lesson, "Train", "train", button_type="primary", width=90)
        self.stop_button = action_button(lesson, "Stop", "stop", disabled=True, width=90)
        self.reset_button = action_button(lesson, "Reset", "reset", width=90)

        # Readouts that change on every frame of training get a fixed height, so a new text
        # redraws only itself and not the layout of the whole page.
        self.readout = pn.pane.Markdown(sizing_mode="stretch_width", height=50)
        self.status = pn.pane.Markdown(sizing_mode="stretch_width")
        self.counter = pn.pane.Markdown(sizing_mode="stretch_width", height=30)
        self.inference = pn.pane.Markdown(sizing_mode="stretch_width", height=30)
        self.cost = pn.pane.Markdown(sizing_mode="stretch_width")
        self.code = code_block(loop_source(), label=words.LOOP_LABEL)

        watch = lesson.param.watch
        watch(unlocked(self._on_knobs), ["w", "b"])
        watch(unlocked(self._on_trace), ["trace"])
        watch(unlocked(self._on_status), ["status"])
        watch(unlocked(self._on_inference), ["w", "b", "x_new", "timing", "status"])
        self.loss_figure = self._loss_figure()
        self._on_knobs()
        self._on_status()
        self._on_inference()
        self.layout = self._layout(with_prose)

    # ---- charts --------------------------------------------------------------------------

    def _fit_figure(self) -> Any:
        fig = plain_figure(words.FIT_TITLE, "x", words.FIT_Y_LABEL,
                           x_range=(-0.5, 4.5), y_range=(-2, 11))
        fig.segment("x", "y", "x", "pred", source=self.residual_source, color=ACCENT,
                    line_dash="dashed", line_width=1.5, legend_label="error")
        fig.line("x", "y", source=self.line_source, color=MODEL, line_width=3, legend_label="model")
        fig.scatter("x", "y", source=self.residual_source, size=9, color=INK, legend_label="data")
        fig.legend.location = "top_left"
        fig.legend.background_fill_alpha = 0.6
        return fig

    def _surface_figure(self) -> Any:
        fig = plain_figure(words.SURFACE_TITLE, "w", "b",
                           x_range=W_RANGE, y_range=B_RANGE, height=320)
        w_grid = np.linspace(*W_RANGE, SURFACE_RESOLUTION)
        b_grid = np.linspace(*B_RANGE, SURFACE_RESOLUTION)
        surface = np.log10(linear.loss_surface(X, Y, w_grid, b_grid) + 1e-3).astype(np.float32)
        fig.image(image=[surface], x=W_RANGE[0], y=B_RANGE[0], dw=W_RANGE[1] - W_RANGE[0],
                  dh=B_RANGE[1] - B_RANGE[0], palette="Blues256", alpha=0.55)
        contours = linear.loss_contours(X, Y, CONTOUR_LEVELS)
        fig.multi_line([list(c[0]) for c in contours], [list(c[1]) for c in contours],
                       color=MUTED, line_width=1)
        w_best, b_best = linear.best_fit(X, Y)
        fig.scatter([w_best], [b_best], marker="star", size=14, color=INK)
        fig.line("w", "b", source=self.path_source, color=ACCENT, line_width=2)
        fig.scatter("w", "b", source=self.knob_source, size=12, color=ACCENT, line_color="white")
        return fig

    def _loss_figure(self) -> Any:
        # Ranges set by hand, in whole decades: an auto-ranging axis would re-lay out the chart
        # on every frame of training, which costs the page long frames.
        fig = plain_figure(words.LOSS_TITLE, "step", "loss", y_axis_type="log",
                           height=240, x_range=Range1d(0, self.lesson.steps),
                           y_range=Range1d(*self.decades([self.lesson.loss])))
        fig.line("step", "loss", source=self.loss_source, color=ACCENT, line_width=2)
        return fig

    @staticmethod
    def decades(losses: list[float]) -> tuple[float, float]:
        """The whole decades around some losses: the loss chart's vertical range."""
        low = max(min(losses), 1e-300)
        return 10.0 ** np.floor(np.log10(low)), 10.0 ** (np.floor(np.log10(max(losses, default=1))) + 1)

    def _fit_loss_ranges(self, losses: list[float]) -> None:
        low, high = self.decades(losses)
        y_range, x_range = self.loss_figure.y_range, self.loss_figure.x_range
        if (y_range.start, y_range.end) != (low, high):
            y_range.update(start=low, end=high)
        if x_range.end != self.lesson.steps:
            x_range.end = self.lesson.steps

    # ---- reactions to the lesson ---------------------------------------------------------

    def _on_knobs(self, *_: Any) -> None:
        w, b = self.lesson.w, self.lesson.b
        self.line_source.data = {"x": LINE_X, "y": linear.predict(w, b, LINE_X)}
        self.residual_source.data = {"x": X, "y": Y, "pred": linear.predict(w, b, X)}
        self.knob_source.data = {"w": [w], "b": [b]}
        if not self.lesson.trace:
            self._on_trace()
        self.readout.object = words.readout(w, b, self.lesson.loss)

    def _on_trace(self, *_: Any) -> None:
        trace = self.lesson.trace
        if len(trace) < self.drawn_steps or self.drawn_steps == 0:
            # Before training the loss chart shows where the knobs start, so it is never blank.
            start = {"step": [0], "loss": [max(self.lesson.loss, 1e-300)]}
            self.path_source.data = {"w": [], "b": []}
            self.loss_source.data = {"step": [], "loss": []} if trace else start
            self.drawn_steps = 0
            if not trace:
                self._fit_loss_ranges(start["loss"])
        new = trace[self.drawn_steps:]
        if new:
            self.path_source.stream({"w": [s.w for s in new], "b": [s.b for s in new]})
            # A log axis cannot show an exact zero; the readouts keep the true value.
            self.loss_source.stream({"step": [s.step for s in new],
                                     "loss": [max(s.loss, 1e-300) for s in new]})
            self.drawn_steps = len(trace)
            self._fit_loss_ranges([s.loss for s in trace])
        last = trace[-1] if trace else None
        self.counter.object = words.counter(last.step if last else None, self.lesson.steps,
                                            last.loss if last else None)

    def _on_status(self, *_: Any) -> None:
        status = self.lesson.status
        self.status.styles = status_styles(status)
        self.status.object = self.lesson.message()
        show_locks(self.knobs, self.lesson.locked())
        self.train_button.disabled = self.lesson.frozen
        self.stop_button.disabled = status != "training"

    def _on_inference(self, *_: Any) -> None:
        lesson = self.lesson
        if lesson.status == "training":
            return  # inference is for knobs at rest; the status change at the end redraws it
        self.inference.object = words.inference(lesson.w, lesson.b, lesson.x_new, lesson.prediction)
        self.cost.object = words.cost(lesson.timing, lesson.steps)

    # ---- layout --------------------------------------------------------------------------

    def _layout(self, with_prose: bool) -> pn.viewable.Viewable:
        hand = pn.Column(words.HAND_HEADING, self.knobs["w"], self.knobs["b"],
                         self.readout, self._fit_figure(), styles=WRAPPED,
                         sizing_mode="stretch_width")
        surface = pn.Column(words.SURFACE_HEADING, self._surface_figure(), self.loss_figure,
                            styles=WRAPPED, sizing_mode="stretch_width")
        buttons = pn.pane.Bokeh(bk_row(self.train_button, self.stop_button, self.reset_button),
                                margin=(18, 10, 5, 10))
        controls = pn.Row(place("learning-rate", self.knobs["learning_rate"]), self.knobs["steps"], buttons,
                          styles=WRAP,
                          sizing_mode="stretch_width")
        training = pn.Column(words.TRAINING_HEADING, controls, self.counter, self.status,
                             words.LOOP_HEADING, place("loop", self.code), sizing_mode="stretch_width",
                             styles=SHRINKS)
        inference = pn.Column(words.INFERENCE_HEADING, words.INFERENCE_INTRO, self.knobs["x_new"],
                              self.inference, self.cost, sizing_mode="stretch_width", styles=SHRINKS)
        parts = [pn.pane.Markdown(self.lesson.prose)] if with_prose else []
        parts += [pn.Row(place("hand", hand), place("surface", surface), styles=WRAP,
                         sizing_mode="stretch_width"),
                  place("training", training), place("inference", inference)]
        return pn.Column(*parts, sizing_mode="stretch_width", styles=SHRINKS)


def layout(lesson: FunctionLesson, with_prose: bool = False) -> pn.viewable.Viewable:
    """The lesson's page (what FunctionLesson.view() shows)."""
    return FunctionView(lesson, with_prose=with_prose).layout
