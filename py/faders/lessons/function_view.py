"""The page of lesson `function`: widgets and charts bound to a FunctionLesson's knobs."""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np
import panel as pn
from bokeh.layouts import row as bk_row
from bokeh.models import ColumnDataSource, Range1d

from faders.core import linear
from faders.core.linear import X, Y
from faders.lessons.function import B_RANGE, CONTOUR_LEVELS, W_RANGE, FunctionLesson, format_number
from faders.lessons.kit.charts import ACCENT, INK, MODEL, MUTED, plain_figure
from faders.lessons.kit.widgets import SHRINKS, WRAP, WRAPPED, action_button, status_styles, unlocked

LINE_X = np.array([-0.5, 4.5])
SURFACE_RESOLUTION = 100
CODE_CSS = """
pre { white-space: pre; overflow-x: auto; max-width: 100%; background: #f8f9fa;
      padding: 0.75em 1em; border-radius: 6px; font-size: 12.5px; line-height: 1.45; }
pre code { white-space: pre; }
"""


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

        self.w_slider = pn.widgets.FloatSlider.from_param(
            lesson.param.w, label="w (weight)", start=-1.0, end=5.0, step=0.01, format="0.00")
        self.b_slider = pn.widgets.FloatSlider.from_param(
            lesson.param.b, label="b (bias)", start=-3.0, end=5.0, step=0.01, format="0.00")
        self.rate_slider = pn.widgets.FloatSlider.from_param(
            lesson.param.learning_rate, label="Learning rate", step=0.001, format="0.000")
        self.steps_input = pn.widgets.IntInput.from_param(lesson.param.steps, label="Steps", step=100)
        self.x_input = pn.widgets.FloatInput.from_param(lesson.param.x_new, label="New input x", step=1)
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
        self.code = pn.pane.Markdown(f"```python\n{loop_source()}\n```", sizing_mode="stretch_width",
                                     stylesheets=[CODE_CSS],
                                     styles={"min-width": "0", "max-width": "100%", "overflow-x": "auto"})

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
        fig = plain_figure("The model's line and the data", "x", "y = w·x + b",
                           x_range=(-0.5, 4.5), y_range=(-2, 11))
        fig.segment("x", "y", "x", "pred", source=self.residual_source, color=ACCENT,
                    line_dash="dashed", line_width=1.5, legend_label="error")
        fig.line("x", "y", source=self.line_source, color=MODEL, line_width=3, legend_label="model")
        fig.scatter("x", "y", source=self.residual_source, size=9, color=INK, legend_label="data")
        fig.legend.location = "top_left"
        fig.legend.background_fill_alpha = 0.6
        return fig

    def _surface_figure(self) -> Any:
        fig = plain_figure("Loss for every (w, b): the valley training walks down", "w", "b",
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
        fig = plain_figure("Loss while training (log scale)", "step", "loss", y_axis_type="log",
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
        self.readout.object = (f"`pred = {w:.2f} · x + {b:.2f}`  \n"
                               f"**loss** = mean((pred − y)²) = **{format_number(self.lesson.loss)}**")

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
        self.counter.object = (f"Step **{last.step:,}** of {self.lesson.steps:,} · loss "
                               f"**{format_number(last.loss)}**" if last else
                               f"Step **0** of {self.lesson.steps:,}")

    def _on_status(self, *_: Any) -> None:
        status = self.lesson.status
        self.status.styles = status_styles(status)
        self.status.object = self.lesson.message()
        training, frozen = status == "training", self.lesson.frozen
        self.w_slider.disabled = self.b_slider.disabled = frozen
        self.rate_slider.disabled = self.steps_input.disabled = training
        self.train_button.disabled = frozen
        self.stop_button.disabled = not training

    def _on_inference(self, *_: Any) -> None:
        lesson = self.lesson
        if lesson.status == "training":
            return  # inference is for knobs at rest; the status change at the end redraws it
        self.inference.object = (
            f"pred = {lesson.w:.2f} × {lesson.x_new:g} + {lesson.b:.2f} = "
            f"**{format_number(lesson.prediction)}**")
        timing = lesson.timing
        if timing:
            self.cost.object = (
                f"Measured here, in this browser: training ({lesson.steps:,} steps) took "
                f"**{timing['train_ms']:.2f} ms**; one inference took "
                f"**{timing['inference_us']:.2f} µs**. Training cost about "
                f"**{timing['ratio']:,.0f}×** one inference.")
        else:
            self.cost.object = "Train the model to compare the cost of training with one inference."

    # ---- layout --------------------------------------------------------------------------

    def _layout(self, with_prose: bool) -> pn.viewable.Viewable:
        hand = pn.Column("### 1 · Turn the knobs by hand", self.w_slider, self.b_slider,
                         self.readout, self._fit_figure(), styles=WRAPPED,
                         sizing_mode="stretch_width")
        surface = pn.Column("### The loss surface", self._surface_figure(), self.loss_figure,
                            styles=WRAPPED, sizing_mode="stretch_width")
        buttons = pn.pane.Bokeh(bk_row(self.train_button, self.stop_button, self.reset_button),
                                margin=(18, 10, 5, 10))
        controls = pn.Row(self.rate_slider, self.steps_input, buttons, styles=WRAP,
                          sizing_mode="stretch_width")
        training = pn.Column("### 2 · Let training turn them", controls, self.counter, self.status,
                             "#### The loop being run", self.code, sizing_mode="stretch_width",
                             styles=SHRINKS)
        inference = pn.Column("### 3 · Training versus inference",
                              "Inference is one forward pass with the knobs as they are.",
                              self.x_input, self.inference, self.cost, sizing_mode="stretch_width",
                              styles=SHRINKS)
        parts = [pn.pane.Markdown(self.lesson.prose)] if with_prose else []
        parts += [pn.Row(hand, surface, styles=WRAP, sizing_mode="stretch_width"), training, inference]
        return pn.Column(*parts, sizing_mode="stretch_width", styles=SHRINKS)
