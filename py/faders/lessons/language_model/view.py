"""The page of lesson `language-model`: the bigram's table, a row of it as probabilities, the
generated text with each character's distribution, bound to a LanguageModelLesson.

Every knob's widget comes from its declaration (kit.widgets.knob_widgets); every word from words.py.
`layout(lesson)` is what the lesson's `view()` shows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import panel as pn
from bokeh.layouts import row as bk_row
from bokeh.models import ColumnDataSource, FactorRange, FixedTicker, Range1d
from bokeh.palettes import Blues256

from faders.lessons.kit.charts import ACCENT, MODEL, MUTED, nice_ceiling, plain_figure
from faders.lessons.kit.places import place
from faders.lessons.kit.safe_text import escape
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
from faders.lessons.language_model import words
from faders.lessons.language_model.state import BIGRAM, VOCABULARY, LanguageModelLesson, character_of

NAMES = [words.character_name(c) for c in VOCABULARY.characters]
TEXT_CSS = """
.generated { font-family: ui-monospace, monospace; font-size: var(--faders-prose); line-height: 1.6;
             overflow-wrap: anywhere; }
.generated .prompt { color: #5f6b76; }
.generated mark { background: #ffe8cc; outline: 2px solid #d9480f; }
"""


class LanguageModelView:
    """Builds the layout once and keeps every chart and readout in step with the lesson."""

    def __init__(self, lesson: LanguageModelLesson, with_prose: bool = False) -> None:
        self.lesson = lesson
        self.knobs = knob_widgets(lesson, seed={"width": 130}, length={"width": 110},
                                  pick={"width": 170}, prompt={"width": 200})
        self.new_seed_button = action_button(lesson, "New seed", "new_seed", width=100)
        self.train_button = action_button(lesson, "Train", "train", button_type="primary", width=90)
        self.stop_button = action_button(lesson, "Stop", "stop", disabled=True, width=90)
        self.reset_button = action_button(lesson, "Reset", "reset", width=90)
        self.curve_source = ColumnDataSource({"step": [], "train": [], "validation": []})
        self.status = pn.pane.Markdown(sizing_mode="stretch_width", height=70)
        self.cost = pn.pane.Markdown(sizing_mode="stretch_width", height=30)
        self.sample = pn.pane.HTML(sizing_mode="stretch_width", stylesheets=[TEXT_CSS], height=40)
        self.curve_figure = self._curve_figure()
        self.row_source = ColumnDataSource({"x": [0], "y": [0]})
        self.next_source = ColumnDataSource({"character": NAMES, "p": [0.0] * len(NAMES),
                                             "colour": [MODEL] * len(NAMES)})
        self.step_source = ColumnDataSource({"character": [], "p": [], "colour": []})
        self.losses = pn.pane.Markdown(sizing_mode="stretch_width")
        self.formula = pn.pane.Markdown(sizing_mode="stretch_width")
        self.text = pn.pane.HTML(sizing_mode="stretch_width", stylesheets=[TEXT_CSS], min_height=60)
        self.text_words = pn.pane.Markdown(sizing_mode="stretch_width")
        self.step_words = pn.pane.Markdown(sizing_mode="stretch_width")
        self.step_figure = self._step_figure()
        self.next_figure = self._next_figure()

        watch = lesson.param.watch
        watch(unlocked(self._on_row), ["row"])
        watch(unlocked(self._on_generation), ["steps", "pick"])
        watch(unlocked(self._on_curve), ["curve", "sample"])
        watch(unlocked(self._on_progress), ["progress"])
        watch(unlocked(self._on_status), ["status"])
        self._on_row()
        self._on_generation()
        self._on_curve()
        self._on_progress()
        self._on_status()
        self.losses.object = self._losses()
        self.layout = self._layout(with_prose)

    # ---- charts --------------------------------------------------------------------------

    def _heatmap(self) -> Any:
        size = VOCABULARY.size
        fig = plain_figure(words.HEATMAP_TITLE, words.HEATMAP_X, words.HEATMAP_Y, height=420,
                           x_range=Range1d(-0.5, size - 0.5), y_range=Range1d(size - 0.5, -0.5))
        fig.image(image=[np.log1p(BIGRAM.counts).astype(np.float32)], x=-0.5, y=-0.5, dw=size,
                  dh=size, palette=list(reversed(Blues256)))  # darker: more often; never seen: white
        fig.rect("x", "y", width=size, height=1, source=self.row_source, fill_alpha=0,
                 line_color=ACCENT, line_width=2)
        for axis in (fig.xaxis, fig.yaxis):
            axis.ticker = FixedTicker(ticks=list(range(size)))
            axis.major_label_overrides = dict(enumerate(NAMES))
        fig.grid.visible = False
        return fig

    def _next_figure(self) -> Any:
        fig = plain_figure(words.NEXT_TITLE, words.HEATMAP_X, "probability",
                           x_range=FactorRange(*NAMES), y_range=Range1d(0, 1), height=240)
        fig.vbar("character", top="p", width=0.8, source=self.next_source, color="colour")
        return fig

    def _step_figure(self) -> Any:
        fig = plain_figure(words.STEP_TITLE, "candidate", "probability",
                           x_range=FactorRange(*NAMES[:1]), y_range=Range1d(0, 1), height=240)
        fig.vbar("character", top="p", width=0.8, source=self.step_source, color="colour")
        return fig

    def _curve_figure(self) -> Any:
        losses = self.lesson.losses()
        fig = plain_figure(words.CURVE_TITLE, "update", "loss (nats)", height=260,
                           y_range=Range1d(1.8, 3.5))
        fig.line("step", "train", source=self.curve_source, color=MODEL, line_width=2,
                 legend_label="training batches")
        fig.line("step", "validation", source=self.curve_source, color=ACCENT, line_width=2,
                 legend_label="validation names")
        for value, dash, label in ((losses["bigram_validation"], "dashed", "bigram, validation"),
                                   (losses["uniform"], "dotted", "knowing nothing")):
            fig.line("step", "level", source=ColumnDataSource({"step": [0, 10**7], "level": [value] * 2}),
                     color=MUTED, line_dash=dash, legend_label=label)
        fig.x_range.start = 0
        fig.legend.location = "top_right"
        fig.legend.background_fill_alpha = 0.6
        return fig

    # ---- reactions to the lesson ---------------------------------------------------------

    def _on_curve(self, *_: Any) -> None:
        rows = self.lesson.curve
        self.curve_source.data = {"step": [r[0] for r in rows], "train": [r[1] for r in rows],
                                  "validation": [r[2] for r in rows]}
        self.curve_figure.x_range.end = max(rows[-1][0] if rows else 0, self.lesson.max_steps)
        sample = escape(self.lesson.sample).replace(" ", "&nbsp;")
        self.sample.object = f'<div class="generated">{sample}</div>'
        if self.lesson.status == "training":
            self.status.object = self.lesson.message()

    def _on_progress(self, *_: Any) -> None:
        numbers = self.lesson.training_numbers()
        self.cost.object = words.cost(numbers["updates"], numbers["parameters"], numbers["examples"],
                                      numbers["flops"])

    def _on_status(self, *_: Any) -> None:
        status = self.lesson.status
        self.status.styles = status_styles(status)
        self.status.object = self.lesson.message()
        show_locks(self.knobs, self.lesson.locked())
        self.train_button.disabled = status in ("training", "diverged")
        self.stop_button.disabled = status != "training"

    def _on_row(self, *_: Any) -> None:
        row = self.lesson.row_numbers()
        a = VOCABULARY.characters.index(character_of(self.lesson.row))
        self.row_source.data = {"x": [(VOCABULARY.size - 1) / 2], "y": [a]}
        best = max(p for *_, p in row)
        self.next_figure.y_range.end = nice_ceiling(best)
        self.next_source.data = {"character": NAMES, "p": [p for *_, p in row],
                                 "colour": [ACCENT if p == best else MODEL for *_, p in row]}
        top = sorted(row, key=lambda r: -r[3])[:8]
        self.formula.object = words.row_formula(character_of(self.lesson.row), top)

    def _on_generation(self, *_: Any) -> None:
        lesson = self.lesson
        picked = lesson.step_numbers(lesson.picked)
        text = lesson.text
        shown = "".join(f"<mark>{escape(c) or '&#32;'}</mark>" if i == lesson.picked else escape(c)
                        for i, c in enumerate(text))
        self.text.object = (f'<div class="generated"><span class="prompt">{escape(lesson.prompt)}</span>'
                            f"{shown.replace(' ', '&nbsp;')}</div>")
        self.text_words.object = escape(words.generated(lesson.prompt, text, lesson.model))
        top = picked["top"]
        names = [words.character_name(c) for c, _ in top]
        self.step_figure.x_range.factors = names
        self.step_source.data = {"character": names, "p": [p for _, p in top],
                                 "colour": [ACCENT if c == picked["character"] else MODEL for c, _ in top]}
        self.step_words.object = escape(words.step_caption(picked["index"], picked["character"],
                                                           picked["probability"], picked["rank"]))

    def _losses(self) -> str:
        losses = self.lesson.losses()
        return words.losses(VOCABULARY.size, losses["uniform"], losses["bigram_train"],
                            losses["bigram_validation"])

    # ---- layout --------------------------------------------------------------------------

    def _layout(self, with_prose: bool) -> pn.viewable.Viewable:
        k = self.knobs
        counting = pn.Column(
            words.COUNTING_HEADING, words.COUNTING_INTRO,
            pn.Row(pn.Column(self._heatmap(), styles=WRAPPED, sizing_mode="stretch_width"),
                   pn.Column(k["row"], self.next_figure, self.formula, styles=WRAPPED,
                             sizing_mode="stretch_width"),
                   styles=WRAP, sizing_mode="stretch_width"),
            self.losses, sizing_mode="stretch_width", styles=SHRINKS)
        controls = pn.Row(k["model"], k["prompt"], k["temperature"], k["top_k"], k["seed"],
                          pn.pane.Bokeh(self.new_seed_button, margin=(18, 10, 5, 10)), k["length"],
                          styles=WRAP, sizing_mode="stretch_width")
        buttons = pn.pane.Bokeh(bk_row(self.train_button, self.stop_button, self.reset_button),
                                margin=(18, 10, 5, 10))
        training = pn.Column(
            words.TRAINING_HEADING, words.TRAINING_INTRO,
            pn.Row(k["context"], k["hidden"], k["learning_rate"], k["batch_size"], k["max_steps"], buttons,
                   styles=WRAP, sizing_mode="stretch_width"),
            self.status, self.curve_figure, self.cost, words.SAMPLE_HEADING, self.sample,
            sizing_mode="stretch_width", styles=SHRINKS)
        generating = pn.Column(
            words.GENERATING_HEADING, words.GENERATING_INTRO, controls, self.text, self.text_words,
            k["pick"], self.step_figure, self.step_words, sizing_mode="stretch_width", styles=SHRINKS)
        parts = [pn.pane.Markdown(self.lesson.prose)] if with_prose else []
        parts += [place("counting", counting), place("training", training), place("generating", generating)]
        return pn.Column(*parts, sizing_mode="stretch_width", styles=SHRINKS)


def layout(lesson: LanguageModelLesson, with_prose: bool = False) -> pn.viewable.Viewable:
    """The lesson's page (what LanguageModelLesson.view() shows)."""
    return LanguageModelView(lesson, with_prose=with_prose).layout
