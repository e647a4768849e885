"""The page of lesson `logits`: rows of labels and logits, the knobs, and charts bound to a
LogitsLesson.

Every knob's widget comes from its declaration (kit.widgets.knob_widgets); the rows of labels and
logits are the page's own boxes. Every word comes from words.py; `layout(lesson)` is what the
lesson's `view()` shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

import panel as pn
from bokeh.models import ColumnDataSource, FactorRange, Range1d

from faders.lessons.kit.charts import INK, LABEL_COLOURS, SMALL_SIZE, WARNING, plain_figure
from faders.lessons.kit.formatting import format_number, format_probability
from faders.lessons.kit.places import place
from faders.lessons.kit.safe_text import escape
from faders.lessons.kit.urlstate import format_value
from faders.lessons.kit.widgets import SHRINKS, WRAP, WRAPPED, action_button, button, knob_widgets, unlocked
from faders.lessons.logits import words
from faders.lessons.logits.state import MAX_ROWS, MIN_ROWS, LogitsLesson, Outcome

BAR_WIDTH = 0.7
ROW = {**WRAP, "column-gap": "0"}  # a row of label, logit and Remove fits a phone's width
TABLE_CSS = """
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { padding: 2px 10px; border-bottom: 1px solid #dde2e6; text-align: left; }
"""


@dataclass
class Row:
    """The widgets of one row: a label, its logit, a Remove button and a message."""

    label: pn.widgets.TextInput
    logit: pn.widgets.TextInput
    remove: Any
    message: pn.pane.Markdown
    layout: pn.Column


class LogitsView:
    """Builds the layout once and keeps every chart and readout in step with the lesson."""

    def __init__(self, lesson: LogitsLesson, with_prose: bool = False) -> None:
        self.lesson = lesson
        self.syncing = False
        self.shown_rows: tuple = ()
        self.rows = [self._row(i) for i in range(MAX_ROWS)]
        self.add_button = action_button(lesson, "Add label", "add_label", width=110)

        self.knobs = knob_widgets(lesson, top_k={"end": len(lesson.labels)}, seed={"width": 130},
                                  n_draws={"width": 170})
        self.temperature_slider, self.top_k_slider = self.knobs["temperature"], self.knobs["top_k"]
        # A second box for the temperature: the slider stops at 5, the knob at 100.
        self.temperature_input = pn.widgets.FloatInput.from_param(
            lesson.param.temperature, label=words.TEMPERATURE_BOX, step=0.1, width=130)
        self.draw_button = action_button(lesson, "Draw", "draw", button_type="primary", width=90)
        self.new_seed_button = action_button(lesson, "New seed", "new_seed", width=100)

        self.entropy = pn.pane.Markdown(sizing_mode="stretch_width")
        self.formula = pn.pane.Markdown(sizing_mode="stretch_width", stylesheets=[TABLE_CSS],
                                        styles={**SHRINKS, "overflow-x": "auto"})
        self.explanation = pn.pane.Markdown(sizing_mode="stretch_width")
        self.draws = pn.pane.Markdown(sizing_mode="stretch_width", stylesheets=[TABLE_CSS],
                                      styles={**SHRINKS, "overflow-x": "auto"})
        self.log = pn.pane.Markdown(sizing_mode="stretch_width")

        self.factors = FactorRange(factors=list(lesson.labels))
        self.logit_source = ColumnDataSource({"label": [], "z": [], "text": [], "vertical": [],
                                              "offset": [], "colour": []})
        self.probability_source = ColumnDataSource({"label": [], "p": [], "text": [], "colour": [],
                                                    "share": []})
        self.running_source = ColumnDataSource({"label": [], "xs": [], "ys": [], "colour": []})
        self.target_source = ColumnDataSource({"p": [], "colour": [], "end": []})
        self.logit_figure = self._logit_figure()
        self.convergence_figure = self._convergence_figure()

        watch = lesson.param.watch
        watch(unlocked(self._on_outcome), ["outcome"])
        watch(unlocked(self._on_row_messages), ["row_messages"])
        watch(unlocked(self._on_log), ["draw_log"])
        self._on_outcome()
        self._on_row_messages()
        self._on_log()
        self.layout = self._layout(with_prose)

    # ---- rows ----------------------------------------------------------------------------

    def _row(self, i: int) -> Row:
        label = pn.widgets.TextInput(label=words.row_label(i), width=110)
        logit = pn.widgets.TextInput(label=words.row_logit(i), width=90)
        label.param.watch(partial(self._typed, self.lesson.edit_label, i), "value")
        logit.param.watch(partial(self._typed, self.lesson.edit_logit, i), "value")
        remove = button("Remove", partial(self.lesson.remove_row, i), width=72)
        message = pn.pane.Markdown(styles={"color": WARNING}, visible=False, margin=(0, 10),
                                   sizing_mode="stretch_width")
        # Visibility is set on a plain column: WRAP's inline `display: flex` would override it.
        layout = pn.Column(pn.Row(label, logit, pn.pane.Bokeh(remove, margin=(5, 10)), styles=ROW,
                                  sizing_mode="stretch_width"),
                           message, styles=SHRINKS, sizing_mode="stretch_width")
        return Row(label, logit, remove, message, layout)

    def _typed(self, edit: Any, i: int, event: Any) -> None:
        if not self.syncing:
            edit(i, event.new)

    def _show_rows(self) -> None:
        """One row of widgets per label; the charts' labels and the logits' bars."""
        labels, logits = self.lesson.labels, self.lesson.logits
        for i, row in enumerate(self.rows):
            row.layout.visible = i < len(labels)
            row.remove.disabled = len(labels) <= MIN_ROWS
        self._fill_boxes()
        self.add_button.disabled = len(labels) >= MAX_ROWS
        self.top_k_slider.end = len(labels)
        self.factors.factors = list(labels)
        low, high = min(0.0, *logits), max(0.0, *logits)
        pad = max(0.15 * (high - low), 0.5)
        self.logit_figure.y_range.update(start=low - pad, end=high + pad)
        # Each logit's value is written above a bar that goes up, below one that goes down.
        self.logit_source.data = {"label": list(labels), "z": list(logits),
                                  "text": [format_number(z) for z in logits],
                                  "vertical": ["bottom" if z >= 0 else "top" for z in logits],
                                  "offset": [-2 if z >= 0 else 2 for z in logits],
                                  "colour": LABEL_COLOURS[:len(labels)]}

    def _fill_boxes(self) -> None:
        """Write the lesson's labels and logits into the boxes, except where a message says why
        the reader's own text there was refused (it stays, to be corrected)."""
        labels, logits, messages = self.lesson.labels, self.lesson.logits, self.lesson.row_messages
        self.syncing = True
        try:
            for i, row in enumerate(self.rows[:len(labels)]):
                if i in messages:
                    continue
                if row.label.value.strip() != labels[i]:
                    row.label.value = labels[i]
                if not self._holds(row.logit.value, logits[i]):
                    row.logit.value = format_value(logits[i])
        finally:
            self.syncing = False

    @staticmethod
    def _holds(text: str, value: float) -> bool:
        """Whether a logit box already shows this value (perhaps written differently: 4.20)."""
        try:
            return float(text) == value
        except ValueError:
            return False

    def _on_row_messages(self, *_: Any) -> None:
        messages = self.lesson.row_messages
        for i, row in enumerate(self.rows):
            # A message quotes what the reader typed: escaped, so it shows as text and never runs.
            row.message.object = escape(messages.get(i, ""))
            row.message.visible = i in messages
        self._fill_boxes()

    # ---- charts --------------------------------------------------------------------------

    def _logit_figure(self) -> Any:
        fig = plain_figure(words.LOGIT_TITLE, "label", "logit z",
                           x_range=self.factors, y_range=Range1d(-2, 5), height=260)
        fig.vbar(x="label", top="z", bottom=0, width=BAR_WIDTH, color="colour", source=self.logit_source)
        fig.text(x="label", y="z", text="text", source=self.logit_source, text_align="center",
                 text_baseline="vertical", text_font_size=SMALL_SIZE, text_color=INK, y_offset="offset")
        fig.xgrid.grid_line_color = None
        return fig

    def _probability_figure(self) -> Any:
        fig = plain_figure(words.PROBABILITY_TITLE, "label", "probability p",
                           x_range=self.factors, y_range=Range1d(0, 1.1), height=260)
        fig.vbar(x="label", top="p", width=BAR_WIDTH, color="colour", source=self.probability_source)
        fig.text(x="label", y="p", text="text", source=self.probability_source, text_align="center",
                 text_baseline="bottom", text_font_size=SMALL_SIZE, text_color=INK, y_offset=-2)
        fig.xgrid.grid_line_color = None
        return fig

    def _histogram_figure(self) -> Any:
        fig = plain_figure(words.HISTOGRAM_TITLE, "label", "share",
                           x_range=self.factors, y_range=Range1d(0, 1.05), height=260)
        fig.vbar(x="label", top="share", width=BAR_WIDTH, color="colour", alpha=0.6,
                 source=self.probability_source, legend_label="share of draws")
        fig.rect(x="label", y="p", width=BAR_WIDTH + 0.1, height=3, height_units="screen", color=INK,
                 source=self.probability_source, legend_label="probability")
        fig.xgrid.grid_line_color = None
        fig.legend.location = "top_right"
        fig.legend.background_fill_alpha = 0.6
        return fig

    def _convergence_figure(self) -> Any:
        fig = plain_figure(words.CONVERGENCE_TITLE, words.CONVERGENCE_X_LABEL, "share", x_axis_type="log",
                           x_range=Range1d(1, 1000), y_range=Range1d(0, 1.02), height=260)
        fig.multi_line(xs="xs", ys="ys", color="colour", line_width=2, source=self.running_source)
        fig.segment(x0=1, x1="end", y0="p", y1="p", color="colour", line_dash="dashed",
                    line_width=1.5, source=self.target_source)
        return fig

    # ---- reactions to the lesson ---------------------------------------------------------

    def _on_outcome(self, *_: Any) -> None:
        lesson, out = self.lesson, self.lesson.outcome
        rows = (tuple(lesson.labels), tuple(lesson.logits))
        if rows != self.shown_rows:
            self._show_rows()
            self.shown_rows = rows
        self._show_probabilities(out)
        self._show_draws(out)
        self.entropy.object = lesson.entropy_text()
        self.formula.object = lesson.formula()
        self.explanation.object = lesson.explanation()
        self.draws.object = lesson.draws_text()

    def _show_probabilities(self, out: Outcome) -> None:
        labels = list(self.lesson.labels)
        self.probability_source.data = {
            "label": labels, "p": out.probabilities.tolist(),
            "text": [format_probability(p) for p in out.probabilities],
            "colour": LABEL_COLOURS[:len(labels)], "share": out.frequencies.tolist()}

    def _show_draws(self, out: Outcome) -> None:
        labels, n = list(self.lesson.labels), self.lesson.n_draws
        end = max(n, 10)  # a log axis needs some width, even for one draw
        x_range = self.convergence_figure.x_range
        if x_range.end != end:
            x_range.end = end
        checkpoints = out.checkpoints.tolist()
        self.running_source.data = {
            "label": labels, "xs": [checkpoints] * len(labels),
            "ys": [out.running[:, i].tolist() for i in range(len(labels))],
            "colour": LABEL_COLOURS[:len(labels)]}
        self.target_source.data = {"p": out.probabilities.tolist(), "colour": LABEL_COLOURS[:len(labels)],
                                   "end": [end] * len(labels)}

    def _on_log(self, *_: Any) -> None:
        self.log.object = self.lesson.log_text()

    # ---- layout --------------------------------------------------------------------------

    def _layout(self, with_prose: bool) -> pn.viewable.Viewable:
        buttons = pn.pane.Bokeh(self.add_button, margin=(5, 10))
        rows = pn.Column(words.ROWS_HEADING, words.ROWS_INTRO,
                         *[row.layout for row in self.rows], buttons, styles=WRAPPED,
                         sizing_mode="stretch_width")
        logits = pn.Column(self.logit_figure, styles=WRAPPED, sizing_mode="stretch_width")
        knobs = pn.Row(self.temperature_slider, self.temperature_input, place("top-k", self.top_k_slider),
                       styles=WRAP,
                       sizing_mode="stretch_width")
        probabilities = pn.Column(self._probability_figure(), self.entropy, styles=WRAPPED,
                                  sizing_mode="stretch_width")
        formula = pn.Column(words.FORMULA_HEADING, self.formula, styles=WRAPPED,
                            sizing_mode="stretch_width")
        softmax = pn.Column(words.SOFTMAX_HEADING, place("temperature", knobs),
                            pn.Row(probabilities, formula, styles=WRAP, sizing_mode="stretch_width"),
                            sizing_mode="stretch_width", styles=SHRINKS)
        draw_buttons = pn.pane.Bokeh(self.draw_button, margin=(5, 10))
        seed_buttons = pn.pane.Bokeh(self.new_seed_button, margin=(5, 10))
        draw_knobs = pn.Row(self.knobs["seed"], self.knobs["n_draws"], draw_buttons, seed_buttons,
                            styles=WRAP, sizing_mode="stretch_width")
        charts = pn.Row(pn.Column(self._histogram_figure(), styles=WRAPPED, sizing_mode="stretch_width"),
                        pn.Column(self.convergence_figure, styles=WRAPPED, sizing_mode="stretch_width"),
                        styles=WRAP, sizing_mode="stretch_width")
        details = pn.Row(pn.Column(self.draws, styles=WRAPPED, sizing_mode="stretch_width"),
                         pn.Column(self.log, styles=WRAPPED, sizing_mode="stretch_width"),
                         styles=WRAP, sizing_mode="stretch_width")
        drawing = pn.Column(words.DRAWING_HEADING, place("seed", draw_knobs), self.explanation,
                            charts, details, sizing_mode="stretch_width", styles=SHRINKS)
        parts = [pn.pane.Markdown(self.lesson.prose)] if with_prose else []
        parts += [place("logits", pn.Row(rows, logits, styles=WRAP, sizing_mode="stretch_width")),
                  place("softmax", softmax), place("drawing", drawing)]
        return pn.Column(*parts, sizing_mode="stretch_width", styles=SHRINKS)


def layout(lesson: LogitsLesson, with_prose: bool = False) -> pn.viewable.Viewable:
    """The lesson's page (what LogitsLesson.view() shows)."""
    return LogitsView(lesson, with_prose=with_prose).layout
