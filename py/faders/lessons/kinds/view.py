"""The page of lesson `kinds`: a classifier, k-means stepped by buttons, and a bandit, in three parts.

Every widget comes from its knob's declaration (kit.widgets.knob_widgets) and every word from
words.py; `layout(lesson)` is what the lesson's `view()` shows. Nothing animates: each button or knob
redraws once.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import panel as pn
from bokeh.layouts import row as bk_row
from bokeh.models import ColumnDataSource, FactorRange, LinearColorMapper, Range1d, Span
from bokeh.palettes import interp_palette

from faders.core.datasets import HALF_WIDTH
from faders.lessons.kinds import words
from faders.lessons.kinds.state import (
    BANDIT_KNOBS,
    BLUE,
    DATA_KNOBS,
    GROUP_COLOURS,
    LOSS_EVERY,
    ORANGE,
    PALE,
    KindsLesson,
    chart_pulls,
)
from faders.lessons.kit.charts import ACCENT, INK, LABEL_COLOURS, MODEL, MUTED, plain_figure
from faders.lessons.kit.widgets import SHRINKS, WRAP, WRAPPED, action_button, knob_widgets, unlocked

PALETTE = interp_palette((ORANGE, PALE, BLUE), 64)
SIDE = 2 * HALF_WIDTH
# The places a link may open at (#supervised ...): the glossary's convention, a CSS class on the section.
PLACE_CLASS = "faders-place-{}"
SQUARE_HEIGHT = 340
CURVE_HEIGHT = 260


def square(title: str) -> Any:
    """A figure over the playground's square, the same for the labelled and the grouped points."""
    return plain_figure(title, "x", "y", height=SQUARE_HEIGHT, x_range=Range1d(-HALF_WIDTH, HALF_WIDTH),
                        y_range=Range1d(-HALF_WIDTH, HALF_WIDTH), match_aspect=True)


def wrapped(*items: Any) -> pn.Row:
    """Items side by side on a wide screen, one under the other on a phone."""
    return pn.Row(*(pn.Column(item, styles=WRAPPED, sizing_mode="stretch_width") for item in items),
                  styles=WRAP, sizing_mode="stretch_width")


def buttons(*items: Any) -> pn.Row:
    """Buttons in a row that wraps on a phone (a Bokeh row of its own for each)."""
    return pn.Row(*(pn.pane.Bokeh(bk_row(item), margin=(5, 5)) for item in items), styles=WRAP,
                  sizing_mode="stretch_width")


class KindsView:
    """Builds the layout once and keeps each part's charts and sentences in step with its knobs."""

    def __init__(self, lesson: KindsLesson, with_prose: bool = False) -> None:
        self.lesson = lesson
        self.knobs = knob_widgets(lesson)
        self.map_source = ColumnDataSource({"image": [np.zeros((1, 1))]})
        self.loss_source = ColumnDataSource({"step": [], "loss": []})
        self.labelled_source = ColumnDataSource({"x": [], "y": [], "colour": []})
        self.grouped_source = ColumnDataSource({"x": [], "y": [], "colour": []})
        self.centre_source = ColumnDataSource({"x": [], "y": [], "colour": []})
        self.trail_source = ColumnDataSource({"xs": [], "ys": [], "colour": []})
        self.inertia_source = ColumnDataSource({"step": [], "inertia": []})
        self.starts_source = ColumnDataSource({"start": [], "spread": [], "colour": []})
        self.estimate_source = ColumnDataSource({"xs": [], "ys": [], "colour": [], "machine": []})
        self.rate_source = ColumnDataSource({"xs": [], "ys": [], "colour": []})
        self.reward_source = ColumnDataSource({"pull": [], "reward": []})
        self.regret_sources = {name: ColumnDataSource({"pull": [], "regret": []})
                               for name in ("yours", "greedy", "random")}
        self.best_line = Span(dimension="width", location=0.0, line_color=MUTED, line_dash="dashed")

        self.supervised = pn.pane.Markdown(sizing_mode="stretch_width")
        self.step = pn.pane.Markdown(sizing_mode="stretch_width", height=70)
        self.agreement = pn.pane.Markdown(sizing_mode="stretch_width")
        self.starts = pn.pane.Markdown(sizing_mode="stretch_width")
        self.machines = pn.pane.Markdown(sizing_mode="stretch_width")
        self.bandit = pn.pane.Markdown(sizing_mode="stretch_width")

        self.figures = {"supervised": self._supervised_figure(), "loss": self._loss_figure(),
                        "groups": self._groups_figure(),
                        "inertia": self._inertia_figure(), "starts": self._starts_figure(),
                        "estimates": self._estimates_figure(), "reward": self._reward_figure(),
                        "regret": self._regret_figure()}
        watch = lesson.param.watch
        watch(unlocked(self._on_data), list(DATA_KNOBS))
        watch(unlocked(self._on_kmeans), ["k", "start", "steps"])
        watch(unlocked(self._on_bandit), list(BANDIT_KNOBS))
        self._on_data()
        self._on_bandit()
        self.layout = self._layout(with_prose)

    # ---- charts --------------------------------------------------------------------------

    def _supervised_figure(self) -> Any:
        fig = square(words.SUPERVISED_TITLE)
        mapper = LinearColorMapper(palette=PALETTE, low=0.0, high=1.0)
        fig.image(image="image", source=self.map_source, x=-HALF_WIDTH, y=-HALF_WIDTH, dw=SIDE, dh=SIDE,
                  color_mapper=mapper, alpha=0.75)
        fig.scatter("x", "y", source=self.labelled_source, size=6, fill_color="colour", line_color="white")
        return fig

    def _loss_figure(self) -> Any:
        fig = plain_figure(words.LOSS_TITLE, words.LOSS_X, words.LOSS_Y, height=SQUARE_HEIGHT)
        fig.line("step", "loss", source=self.loss_source, color=MODEL, line_width=2)
        fig.y_range.start = 0
        return fig

    def _groups_figure(self) -> Any:
        fig = square(words.GROUPS_TITLE)
        fig.scatter("x", "y", source=self.grouped_source, size=6, fill_color="colour", line_color="white")
        fig.multi_line("xs", "ys", source=self.trail_source, line_color="colour", line_width=2)
        fig.scatter("x", "y", source=self.centre_source, size=18, marker="x", line_color=INK,
                    line_width=5)
        fig.scatter("x", "y", source=self.centre_source, size=14, marker="x", line_color="colour",
                    line_width=3)
        return fig

    def _inertia_figure(self) -> Any:
        fig = plain_figure(words.INERTIA_TITLE, words.INERTIA_X, words.INERTIA_Y, height=CURVE_HEIGHT)
        fig.line("step", "inertia", source=self.inertia_source, color=MODEL, line_width=2)
        fig.scatter("step", "inertia", source=self.inertia_source, size=7, color=MODEL)
        return fig

    def _starts_figure(self) -> Any:
        fig = plain_figure(words.STARTS_TITLE, words.STARTS_X, words.STARTS_Y, height=CURVE_HEIGHT,
                           x_range=FactorRange(factors=[]))
        fig.vbar(x="start", top="spread", source=self.starts_source, width=0.7, fill_color="colour",
                 line_color=None)
        fig.y_range.start = 0
        return fig

    def _estimates_figure(self) -> Any:
        fig = plain_figure(words.ESTIMATES_TITLE, words.PULLS_X, words.ESTIMATE_Y, height=CURVE_HEIGHT,
                           y_range=Range1d(0, 1.2))
        fig.multi_line("xs", "ys", source=self.estimate_source, line_color="colour", line_width=2,
                       legend_field="machine")
        # The machines' numbers, as in the table beside the chart: in a band above the curves.
        legend = fig.legend[0]
        legend.update(title=words.MACHINE_LEGEND, orientation="horizontal", ncols=5, location="top_left",
                      glyph_width=14, label_standoff=3, spacing=4, padding=4, background_fill_alpha=0.6,
                      title_standoff=2)
        fig.multi_line("xs", "ys", source=self.rate_source, line_color="colour", line_width=1.5,
                       line_dash="dotted")
        return fig

    def _reward_figure(self) -> Any:
        fig = plain_figure(words.REWARD_TITLE, words.PULLS_X, words.REWARD_Y, height=CURVE_HEIGHT,
                           y_range=Range1d(0, 1))
        fig.line("pull", "reward", source=self.reward_source, color=MODEL, line_width=2,
                 legend_label=words.YOURS_LEGEND)
        fig.add_layout(self.best_line)
        fig.legend.location = "bottom_right"
        fig.legend.background_fill_alpha = 0.6
        return fig

    def _regret_figure(self) -> Any:
        fig = plain_figure(words.REGRET_TITLE, words.PULLS_X, words.REGRET_Y, height=CURVE_HEIGHT)
        for name, colour, legend, dash in (("yours", MODEL, words.YOURS_LEGEND, "solid"),
                                           ("greedy", ACCENT, words.GREEDY_LEGEND, "dashed"),
                                           ("random", MUTED, words.RANDOM_LEGEND, "dotted")):
            fig.line("pull", "regret", source=self.regret_sources[name], color=colour, line_width=2,
                     line_dash=dash, legend_label=legend)
        fig.legend.location = "top_left"
        fig.legend.background_fill_alpha = 0.6
        return fig

    # ---- reactions to the lesson ---------------------------------------------------------

    def _on_data(self, *_: Any) -> None:
        lesson = self.lesson
        learned = lesson.supervised()
        self.map_source.data = {"image": [lesson.decision_map().astype(np.float32)]}
        shown = learned.losses[::LOSS_EVERY]
        self.loss_source.data = {"step": list(range(0, len(learned.losses), LOSS_EVERY)), "loss": shown}
        points = learned.train
        colours = [BLUE if label == 1 else ORANGE for label in points.y.tolist()]
        self.labelled_source.data = {"x": points.x[:, 0], "y": points.x[:, 1], "colour": colours}
        self.supervised.object = words.supervised(
            learned.model.numbers, learned.loss_before, learned.loss_after, learned.train_accuracy,
            learned.test_accuracy, len(learned.train.y), len(learned.test.y))
        self._on_kmeans()

    def _on_kmeans(self, *_: Any) -> None:
        lesson = self.lesson
        steps, shown = lesson.kmeans_steps(), lesson.shown_step()
        now, points = steps[shown], lesson.points().x
        self.grouped_source.data = {"x": points[:, 0], "y": points[:, 1],
                                    "colour": [MUTED if group < 0 else GROUP_COLOURS[group]
                                               for group in now.groups.tolist()]}
        self.centre_source.data = {"x": now.centres[:, 0], "y": now.centres[:, 1],
                                   "colour": list(GROUP_COLOURS[:lesson.k])}
        path = np.array([step.centres for step in steps[:shown + 1] if step.kind != "assign"])
        self.trail_source.data = {"xs": [path[:, group, 0] for group in range(lesson.k)],
                                  "ys": [path[:, group, 1] for group in range(lesson.k)],
                                  "colour": list(GROUP_COLOURS[:lesson.k])}
        self.inertia_source.data = {"step": list(range(1, shown + 1)),
                                    "inertia": [step.inertia for step in steps[1:shown + 1]]}
        self.step.object = words.kmeans_step(shown, len(steps) - 1, now.kind, now.inertia, now.counts(),
                                             lesson.has_settled())
        self.agreement.object = words.agreement(lesson.agreement())
        rows = lesson.starts()
        factors = [str(int(row[0])) for row in rows]
        if list(self.figures["starts"].x_range.factors) != factors:
            self.figures["starts"].x_range.factors = factors
        colours = [MODEL if int(row[0]) == lesson.start else MUTED for row in rows]
        self.starts_source.data = {"start": factors, "spread": [row[1] for row in rows], "colour": colours}
        self.starts.object = words.starts(rows, lesson.start)

    def _on_bandit(self, *_: Any) -> None:
        lesson = self.lesson
        played = lesson.bandit()
        at = chart_pulls(lesson.pulls)
        pulls = (at + 1).tolist()
        arms = range(lesson.arms)
        colours = [LABEL_COLOURS[arm] for arm in arms]
        self.estimate_source.data = {"xs": [pulls] * lesson.arms,
                                     "ys": [played.run.estimates[at, arm] for arm in arms], "colour": colours,
                                     "machine": [str(arm + 1) for arm in arms]}
        self.rate_source.data = {"xs": [[1, lesson.pulls]] * lesson.arms,
                                 "ys": [[rate, rate] for rate in played.rates.tolist()], "colour": colours}
        self.reward_source.data = {"pull": pulls, "reward": played.reward_per_pull[at]}
        self.best_line.location = float(played.rates.max())
        for name, curve in (("yours", played.regret), ("greedy", played.greedy_regret),
                            ("random", played.random_regret)):
            self.regret_sources[name].data = {"pull": pulls, "regret": curve[at]}
        self.machines.object = words.bandit_table(played.rates.tolist(), played.run.estimates[-1].tolist(),
                                                  played.run.counts.tolist())
        self.bandit.object = words.bandit(lesson.epsilon, lesson.pulls, float(played.run.rewards.sum()),
                                          float(played.regret[-1]), float(played.greedy_regret[-1]),
                                          float(played.random_regret[-1]), int(np.argmax(played.rates)),
                                          int(np.argmax(played.run.counts)))

    # ---- layout --------------------------------------------------------------------------

    def _layout(self, with_prose: bool) -> pn.viewable.Viewable:
        k, lesson, f = self.knobs, self.lesson, self.figures
        data = pn.Row(k["dataset"], k["n_points"], k["noise"], k["seed"], styles=WRAP,
                      sizing_mode="stretch_width")
        supervised = pn.Column(words.SUPERVISED_HEADING, data, pn.pane.Markdown(words.DATA_NOTE),
                               wrapped(f["supervised"], f["loss"]), self.supervised,
                               sizing_mode="stretch_width", styles=SHRINKS,
                               css_classes=[PLACE_CLASS.format("supervised")])
        stepping = buttons(action_button(lesson, words.STEP_LABEL, "step", width=110),
                           action_button(lesson, words.SETTLE_LABEL, "settle", width=130),
                           action_button(lesson, words.RESET_LABEL, "reset", width=140),
                           action_button(lesson, words.NEW_START_LABEL, "new_start", width=100))
        unsupervised = pn.Column(
            words.UNSUPERVISED_HEADING, pn.pane.Markdown(words.UNSUPERVISED_INTRO),
            pn.Row(k["k"], k["start"], k["steps"], styles=WRAP, sizing_mode="stretch_width"),
            stepping, self.step, wrapped(f["groups"], f["inertia"]), self.agreement,
            f["starts"], self.starts, sizing_mode="stretch_width", styles=SHRINKS,
            css_classes=[PLACE_CLASS.format("unsupervised")])
        reinforcement = pn.Column(
            words.REINFORCEMENT_HEADING, pn.pane.Markdown(words.REINFORCEMENT_INTRO),
            pn.Row(k["arms"], k["epsilon"], k["pulls"], k["bandit_seed"], styles=WRAP,
                   sizing_mode="stretch_width"),
            buttons(action_button(lesson, words.NEW_LUCK_LABEL, "new_luck", width=130)),
            self.bandit, wrapped(f["estimates"], self.machines), wrapped(f["reward"], f["regret"]),
            sizing_mode="stretch_width", styles=SHRINKS, css_classes=[PLACE_CLASS.format("reinforcement")])
        uses = pn.Column(words.USES_HEADING, pn.pane.Markdown(words.USES), sizing_mode="stretch_width",
                         styles=SHRINKS)
        parts = [pn.pane.Markdown(lesson.prose)] if with_prose else []
        parts += [supervised, unsupervised, reinforcement, uses]
        return pn.Column(*parts, sizing_mode="stretch_width", styles=SHRINKS)


def layout(lesson: KindsLesson, with_prose: bool = False) -> pn.viewable.Viewable:
    """The lesson's page (what KindsLesson.view() shows)."""
    return KindsView(lesson, with_prose=with_prose).layout

