"""Part 1 of lesson `network`'s page: a network fitting a curve, each hidden unit's part drawn under it;
widgets (from the knobs of the lesson's `curve`, a CurveFit) and charts bound to it."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import panel as pn
from bokeh.events import Tap
from bokeh.layouts import row as bk_row
from bokeh.models import ColumnDataSource, Range1d, TapTool

from faders.core.curve import X_LIMIT, Y_LIMIT
from faders.lessons.kit.charts import (
    ACCENT,
    INK,
    LABEL_COLOURS,
    MODEL,
    SMALL_SIZE,
    nice_ceiling,
    plain_figure,
)
from faders.lessons.kit.widgets import (
    SHRINKS,
    WRAP,
    WRAPPED,
    action_button,
    knob_widget,
    show_locks,
    status_styles,
    unlocked,
)
from faders.lessons.network import words
from faders.lessons.network.curve import MAX_POINTS

if TYPE_CHECKING:
    from faders.lessons.network.state import NetworkLesson

LOWEST_LOSS = 1e-8  # the loss chart's floor (log scale)
FIT_HEIGHT = 290  # px, the page's only chart this tall (its tests find it so)
# The knobs Part 1 shows (its stop epoch and points come from a link or a click), each this wide (px).
WIDTHS = {"learning_rate": 110, "target": 110, "activation": 110, "width": 110, "depth": 110, "seed": 100}


class CurveView:
    """Builds Part 1's layout once and keeps its charts and readouts in step with the lesson."""

    def __init__(self, lesson: NetworkLesson) -> None:
        self.lesson, self.curve = lesson, lesson.curve
        self.data_source = ColumnDataSource({"x": [], "y": []})
        self.output_source = ColumnDataSource({"x": [], "y": []})
        self.parts_source = ColumnDataSource({"xs": [], "ys": [], "colour": []})
        self.kink_source = ColumnDataSource({"x": [], "y": []})
        self.loss_source = ColumnDataSource({"epoch": [], "loss": []})

        self.knobs = {name: knob_widget(self.curve, name, width=width) for name, width in WIDTHS.items()}
        self.train_button = action_button(lesson, "Train", "fit_train", button_type="primary", width=80)
        self.stop_button = action_button(lesson, "Stop", "fit_stop", disabled=True, width=70)
        self.step_button = action_button(lesson, "Step", "fit_step", width=70)
        self.reset_button = action_button(lesson, "Reset", "fit_reset", width=70)
        self.clear_button = action_button(lesson, "Clear my points", "fit_clear_points", width=130)

        self.prose = pn.pane.Markdown(words.FIT_PROSE, sizing_mode="stretch_width", styles=SHRINKS)
        self.status = pn.pane.Markdown(sizing_mode="stretch_width")
        # Readouts that change on every frame get a fixed height: a new text redraws only itself.
        self.counter = pn.pane.Markdown(sizing_mode="stretch_width", height=50)
        self.explanation = pn.pane.Markdown(sizing_mode="stretch_width", styles=SHRINKS)

        self.fit_figure = self._fit_figure()
        self.loss_figure = self._loss_figure()
        watch = self.curve.param.watch
        watch(unlocked(self._on_frame), ["frame"])
        watch(unlocked(self._on_status), ["status"])
        watch(unlocked(self._on_data), ["run_number"])
        for update in (self._on_data, self._on_frame, self._on_status):
            update()
        self.layout = self._layout()

    # ---- charts --------------------------------------------------------------------------

    def _fit_figure(self) -> Any:
        fig = plain_figure(words.fit_title(MAX_POINTS), "x", "y",
                           height=FIT_HEIGHT, x_range=Range1d(-X_LIMIT - 0.05, X_LIMIT + 0.05),
                           y_range=Range1d(-Y_LIMIT - 0.1, Y_LIMIT + 0.1))
        fig.multi_line("xs", "ys", source=self.parts_source, color="colour", line_width=1.2, alpha=0.7,
                       legend_label="one unit's part")
        fig.line("x", "y", source=self.output_source, color=MODEL, line_width=4, legend_label="the answer")
        fig.scatter("x", "y", source=self.data_source, size=6, color=INK, alpha=0.8, legend_label="data")
        fig.scatter("x", "y", source=self.kink_source, size=9, marker="diamond", color=ACCENT,
                    line_color="white", legend_label="a ReLU's kink")
        fig.legend.location = "top_left"
        fig.legend.background_fill_alpha = 0.6
        fig.legend.label_text_font_size = SMALL_SIZE
        fig.add_tools(TapTool(behavior="inspect"))  # the page sends taps only to a figure with a tap tool
        fig.on_event(Tap, self._clicked)
        return fig

    def _loss_figure(self) -> Any:
        # Ranges set by hand: an auto-ranging axis would lay the chart out again on every frame.
        fig = plain_figure(words.FIT_LOSS_TITLE, "epoch", "error", height=200,
                           y_axis_type="log", x_range=Range1d(0, 10), y_range=Range1d(LOWEST_LOSS, 1))
        fig.line("epoch", "loss", source=self.loss_source, color=ACCENT, line_width=2)
        return fig

    # ---- reactions to the lesson ---------------------------------------------------------

    def _on_frame(self, *_: Any) -> None:
        frame = self.curve.frame
        self.output_source.data = {"x": frame.x, "y": frame.output}
        parts = frame.contributions if frame.contributions is not None else frame.x[:, None][:, :0]
        units = parts.shape[1]
        self.parts_source.data = {"xs": [frame.x] * units, "ys": list(parts.T),
                                  "colour": [LABEL_COLOURS[j % len(LABEL_COLOURS)] for j in range(units)]}
        self.kink_source.data = {"x": [x for x, _ in frame.kinks], "y": [y for _, y in frame.kinks]}
        shown = [row for row in self.curve.loss_curve() if row[1] is not None and row[1] > 0]
        self.loss_source.data = {"epoch": [row[0] for row in shown], "loss": [row[1] for row in shown]}
        top = nice_ceiling(max((row[1] for row in shown), default=1))
        end = nice_ceiling(max(frame.epoch, 10))
        low = max(LOWEST_LOSS, 10.0 ** math.floor(math.log10(min((row[1] for row in shown), default=1))))
        y_range, x_range = self.loss_figure.y_range, self.loss_figure.x_range
        if (y_range.start, y_range.end, x_range.end) != (low, top, end):
            y_range.update(start=low, end=top)
            x_range.end = end
        if self.curve.status == "training":
            self.status.object = self.curve.message()  # its epoch and error, as they stand
        self.counter.object = words.fit_counter(frame.epoch, frame.loss, frame.breakpoints)

    def _on_data(self, *_: Any) -> None:
        data = self.curve.current_run.data
        self.data_source.data = {"x": data.x[:, 0], "y": data.y}
        self.explanation.object = self._words()

    def _words(self) -> str:
        warning = self.curve.training_run.warning()
        return self.curve.explanation() + (f"\n\n**{warning}**" if warning else "")

    def _on_status(self, *_: Any) -> None:
        status = self.curve.status
        self.status.styles = status_styles(status)
        self.status.object = self.curve.message()
        training = status == "training"
        show_locks(self.knobs, self.curve.locked())
        for widget in (self.step_button, self.reset_button, self.clear_button):
            widget.disabled = training
        self.train_button.disabled = training or status == "diverged"
        self.stop_button.disabled = not training

    # ---- the reader's input --------------------------------------------------------------

    def _clicked(self, event: Tap) -> None:
        if event.x is not None and event.y is not None:
            self.curve.add_point(event.x, event.y)

    # ---- layout --------------------------------------------------------------------------

    def _layout(self) -> pn.viewable.Viewable:
        k = self.knobs
        # Two groups of buttons, so that they wrap on a phone.
        run_buttons = pn.pane.Bokeh(bk_row(self.train_button, self.stop_button, self.step_button),
                                    margin=(18, 10, 5, 10))
        more_buttons = pn.pane.Bokeh(bk_row(self.reset_button, self.clear_button), margin=(18, 10, 5, 10))
        controls = pn.Row(run_buttons, more_buttons, k["learning_rate"], k["target"], k["activation"],
                          k["width"], k["depth"], k["seed"], styles=WRAP, sizing_mode="stretch_width")
        fit = pn.Column(self.counter, self.fit_figure, styles=WRAPPED, sizing_mode="stretch_width")
        told = pn.Column(self.explanation, self.loss_figure, styles=WRAPPED, sizing_mode="stretch_width")
        return pn.Column(self.prose, controls, self.status,
                         pn.Row(fit, told, styles=WRAP, sizing_mode="stretch_width"),
                         sizing_mode="stretch_width", styles=SHRINKS)
