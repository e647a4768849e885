"""The page of lesson `ship`: the trained model, then a panel per question, then the released weights.

Every widget comes from its knob's declaration (kit.widgets.knob_widgets) and every word from
words.py; `layout(lesson)` is what the lesson's `view()` shows. Each panel redraws only when its
own knobs (or a new preset) change.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import panel as pn
from bokeh.layouts import row as bk_row
from bokeh.models import ColumnDataSource, LinearColorMapper, Range1d, Span
from bokeh.palettes import interp_palette

from faders.core.datasets import HALF_WIDTH
from faders.core.playground import grid_points
from faders.lessons.kit.charts import ACCENT, INK, MODEL, MUTED, WARNING, plain_figure
from faders.lessons.kit.places import place
from faders.lessons.kit.safe_text import text_list
from faders.lessons.kit.widgets import BOX, SHRINKS, WRAP, WRAPPED, action_button, knob_widgets, unlocked
from faders.lessons.ship import words
from faders.lessons.ship.preset import USES, p_yes
from faders.lessons.ship.state import BLUE, ORANGE, PALE, SCORE_COLOURS, WIDE_HALF_WIDTH, ShipLesson

PALETTE = interp_palette((ORANGE, PALE, BLUE), 64)
SURE = interp_palette(("#ffffff", "#5f3dc4"), 64)  # confidence: white at 50%, deep violet at 100%
MAP_RESOLUTION = 50
SIDE = 2 * HALF_WIDTH
MAP_HEIGHT = 320
NOTICE_STYLES = {**BOX, "background": "#fff9db", "border-left": "4px solid #f59f00"}
SHIFT_KNOBS = ["move_x", "move_y", "angle", "spread"]


def class_colours(labels: np.ndarray) -> list[str]:
    return [BLUE if label == 1 else ORANGE for label in labels.tolist()]


def column(*items: Any) -> pn.Column:
    return pn.Column(*items, sizing_mode="stretch_width", styles=SHRINKS)


def side_by_side(*items: Any) -> pn.Row:
    return pn.Row(*(pn.Column(item, styles=WRAPPED, sizing_mode="stretch_width") for item in items),
                  styles=WRAP, sizing_mode="stretch_width")


def markdown(**options: Any) -> pn.pane.Markdown:
    return pn.pane.Markdown(sizing_mode="stretch_width", **options)


class ShipView:
    """Builds the layout once and keeps each question's panel in step with its knobs."""

    def __init__(self, lesson: ShipLesson, with_prose: bool = False) -> None:
        self.lesson = lesson
        self.knobs = knob_widgets(lesson)
        self.mapper = LinearColorMapper(palette=PALETTE, low=0.0, high=1.0)
        self.sure = LinearColorMapper(palette=SURE, low=0.5, high=1.0)
        source = ColumnDataSource
        self.map_source = source({"image": [np.zeros((1, 1))]})
        self.train_source = source({"x": [], "y": [], "colour": []})
        self.shifted_source = source({"x": [], "y": [], "colour": []})
        self.loss_source = source({"epoch": [], "loss": []})
        self.drift_source = source({"fraction": [], "accuracy": []})
        self.drift_mark = source({"fraction": [], "accuracy": []})
        self.sweep_source = source({"t": [], **{name: [] for name in SCORE_COLOURS}})
        self.budget_source = source({"model": [], "us": [], "colour": []})
        self.wide_source = source({"image": [np.zeros((1, 1))]})
        self.probe_source = source({"x": [], "y": []})
        self.ray_source = source({"distance": [], "confidence": []})
        self.ray_mark = source({"distance": [], "confidence": []})
        self.tune_sources = {name: source({"epoch": [], "accuracy": []}) for name in ("fine", "scratch")}
        self.threshold_line = Span(location=lesson.threshold, dimension="height", line_color=MUTED,
                                   line_dash="dashed", line_width=2)
        self.target_line = Span(location=0.0, dimension="width", line_color=MUTED, line_dash="dashed",
                                line_width=2)

        self.notices = pn.pane.HTML(sizing_mode="stretch_width", styles=NOTICE_STYLES, visible=False)
        self.model_text = markdown()
        self.shift_text = markdown(height=80)
        self.metric_text = markdown(height=90)
        self.metric_table = markdown()
        self.confusion_table = markdown()
        self.budget_table = markdown()
        self.budget_note = markdown()
        self.failure_text = markdown(height=90)
        self.cost_text = markdown()
        self.weights_text = markdown()
        self.tuning_text = markdown()
        self.measure_button = action_button(lesson, words.MEASURE_LABEL, "measure", width=150)
        self.tune_button = action_button(lesson, words.FINE_TUNE_LABEL, "fine_tune", button_type="primary",
                                         width=200)
        self.download = pn.widgets.FileDownload(
            callback=lambda: io.StringIO(lesson.weights_json()), filename="ship-model-weights.json",
            label=words.DOWNLOAD_LABEL, color="light", width=240)

        watch = lesson.param.watch
        watch(unlocked(self._on_preset), ["data_version"])
        watch(unlocked(self._on_shift), SHIFT_KNOBS)
        watch(unlocked(self._on_metric), ["yes_percent", "threshold", "use"])
        watch(unlocked(self._on_budget), ["price", "timings"])
        watch(unlocked(self._on_failure), ["probe_distance", "probe_direction", "threshold"])
        watch(unlocked(self._on_tuning), ["fine_tuning"])
        watch(unlocked(self._on_notices), ["notices"])
        self.figures = self._figures()
        self._on_preset()
        self._on_notices()
        self.layout = self._layout(with_prose)

    # ---- charts --------------------------------------------------------------------------

    def _square(self, title: str) -> Any:
        return plain_figure(title, "x", "y", height=MAP_HEIGHT, x_range=Range1d(-HALF_WIDTH, HALF_WIDTH),
                            y_range=Range1d(-HALF_WIDTH, HALF_WIDTH), match_aspect=True)

    def _figures(self) -> dict[str, Any]:
        found = {}
        fig = found["map"] = self._square(words.MAP_TITLE)
        fig.image(image="image", source=self.map_source, x=-HALF_WIDTH, y=-HALF_WIDTH, dw=SIDE, dh=SIDE,
                  color_mapper=self.mapper, alpha=0.75)
        fig.scatter("x", "y", source=self.train_source, size=6, fill_color="colour", line_color="white")

        fig = found["loss"] = plain_figure(words.LOSS_TITLE, "epoch", "loss (cross-entropy)",
                                           height=MAP_HEIGHT)
        fig.line("epoch", "loss", source=self.loss_source, color=MODEL, line_width=2)

        fig = found["shifted"] = self._square(words.SHIFT_TITLE)
        fig.image(image="image", source=self.map_source, x=-HALF_WIDTH, y=-HALF_WIDTH, dw=SIDE, dh=SIDE,
                  color_mapper=self.mapper, alpha=0.75)
        fig.scatter("x", "y", source=self.shifted_source, size=6, fill_color="colour", line_color=INK,
                    marker="square", alpha=0.8)

        fig = found["drift"] = plain_figure(words.DRIFT_TITLE, words.DRIFT_X, "test accuracy",
                                            height=MAP_HEIGHT, y_range=Range1d(0, 1.02))
        fig.line("fraction", "accuracy", source=self.drift_source, color=MODEL, line_width=2)
        fig.scatter("fraction", "accuracy", source=self.drift_mark, size=12, color=ACCENT)

        fig = found["sweep"] = plain_figure(words.SWEEP_TITLE, "threshold", "score", height=300,
                                            x_range=Range1d(0, 1), y_range=Range1d(0, 1.02))
        for name, colour in SCORE_COLOURS.items():
            fig.line("t", name, source=self.sweep_source, color=colour, line_width=2,
                     legend_label={"f1": "F1"}.get(name, name.capitalize()))
        fig.add_layout(self.threshold_line)
        fig.legend.location = "bottom_center"
        fig.legend.orientation = "horizontal"
        fig.legend.background_fill_alpha = 0.7

        fig = found["budget"] = plain_figure(words.BUDGET_TITLE, "µs per prediction", "", height=220,
                                             y_range=list(words.BUDGET_BARS), x_axis_type="log",
                                             title_room=180)
        fig.hbar(y="model", right="us", left=0.01, height=0.6, source=self.budget_source, color="colour")

        fig = found["wide"] = plain_figure(words.WIDE_TITLE, "x", "y", height=MAP_HEIGHT, match_aspect=True,
                                           x_range=Range1d(-WIDE_HALF_WIDTH, WIDE_HALF_WIDTH),
                                           y_range=Range1d(-WIDE_HALF_WIDTH, WIDE_HALF_WIDTH))
        fig.image(image="image", source=self.wide_source, x=-WIDE_HALF_WIDTH, y=-WIDE_HALF_WIDTH,
                  dw=2 * WIDE_HALF_WIDTH, dh=2 * WIDE_HALF_WIDTH, color_mapper=self.sure)
        fig.rect(x=0, y=0, width=SIDE, height=SIDE, fill_color=None, line_color=INK, line_width=2)
        fig.scatter("x", "y", source=self.probe_source, size=16, marker="star", fill_color="white",
                    line_color=INK, line_width=2)

        fig = found["ray"] = plain_figure(words.RAY_TITLE, words.RAY_X, "confidence", height=MAP_HEIGHT,
                                          y_range=Range1d(0.45, 1.02))
        fig.line("distance", "confidence", source=self.ray_source, color=WARNING, line_width=2)
        fig.scatter("distance", "confidence", source=self.ray_mark, size=12, color=INK)

        fig = found["tune"] = plain_figure(words.TUNE_TITLE, "epochs of training on the shifted data",
                                           "accuracy (shifted test points)", height=300)
        fig.line("epoch", "accuracy", source=self.tune_sources["fine"], color=MODEL, line_width=2,
                 legend_label=words.FINE_TUNED_LEGEND)
        fig.line("epoch", "accuracy", source=self.tune_sources["scratch"], color=ACCENT, line_width=2,
                 line_dash="dashed", legend_label=words.SCRATCH_LEGEND)
        fig.add_layout(self.target_line)
        fig.legend.location = "bottom_right"
        fig.legend.background_fill_alpha = 0.7
        return found

    # ---- reactions to the lesson ---------------------------------------------------------

    def _on_preset(self, *_: Any) -> None:
        lesson = self.lesson
        trained = lesson.trained
        grid = grid_points(MAP_RESOLUTION)
        self.map_source.data = {"image": [p_yes(trained.model, grid).reshape(MAP_RESOLUTION, MAP_RESOLUTION)
                                          .astype(np.float32)]}
        self.train_source.data = {"x": trained.train.x[:, 0], "y": trained.train.x[:, 1],
                                  "colour": class_colours(trained.train.y)}
        self.loss_source.data = {"epoch": list(range(1, len(trained.losses) + 1)), "loss": trained.losses}
        self.wide_source.data = {"image": [lesson.wide_map().astype(np.float32)]}
        self.model_text.object = words.model_text({"model": lesson.results_of_model()})
        self._on_shift()
        self._on_metric()
        self._on_budget()
        self._on_failure()
        self._on_tuning()

    def _on_shift(self, *_: Any) -> None:
        lesson = self.lesson
        data = lesson.shifted_test()
        self.shifted_source.data = {"x": data.x[:, 0], "y": data.x[:, 1], "colour": class_colours(data.y)}
        drift = lesson.drift()
        self.drift_source.data = {"fraction": [row[0] for row in drift],
                                  "accuracy": [row[1] for row in drift]}
        self.drift_mark.data = {"fraction": [1.0], "accuracy": [lesson.drift_at_one(drift)]}
        self.shift_text.object = words.shift_text(lesson.shift_numbers(drift))
        self._on_tuning()

    def _on_metric(self, *events: Any) -> None:
        metric = self.lesson.metric_numbers()
        # The sweep covers every threshold: only a new share of yes (or a new preset) changes it.
        if not events or any(event.name == "yes_percent" for event in events):
            sweep = metric["sweep"]
            rows = np.array([[np.nan if v is None else v for v in row] for row in sweep], dtype=float)
            self.sweep_source.data = {"t": rows[:, 0], **{name: rows[:, i + 1] for i, name in
                                                          enumerate(SCORE_COLOURS)}}
        self.threshold_line.location = self.lesson.threshold
        self.metric_text.object = words.metric_text(metric)
        self.metric_table.object = words.metric_table(metric)
        self.confusion_table.object = words.confusion_table(metric)
        use = USES[self.lesson.use]
        self.cost_text.object = words.cost_text(metric["costs"], use.name, use.yes, use.no)

    def _on_budget(self, *_: Any) -> None:
        budget = self.lesson.budget()
        self.budget_source.data = {"model": list(words.BUDGET_BARS),
                                   "us": [row["microseconds"] for row in budget],
                                   "colour": [MODEL, ACCENT, MUTED]}
        self.budget_table.object = words.budget_table(budget, self.lesson.price)
        self.budget_note.object = words.budget_note(budget)

    def _on_failure(self, *_: Any) -> None:
        failure = self.lesson.failure_numbers()
        x, y = failure["point"]
        self.probe_source.data = {"x": [x], "y": [y]}
        ray = failure["ray"]
        self.ray_source.data = {"distance": [row[0] for row in ray], "confidence": [row[1] for row in ray]}
        self.ray_mark.data = {"distance": [self.lesson.probe_distance], "confidence": [failure["confidence"]]}
        self.failure_text.object = words.failure_text(failure)

    def _on_tuning(self, *_: Any) -> None:
        tuning = self.lesson.tuning_numbers()
        for name, key in (("fine", "fine_tuned_accuracy"), ("scratch", "from_scratch_accuracy")):
            self.tune_sources[name].data = {"epoch": list(range(len(tuning[key]))), "accuracy": tuning[key]}
        self.target_line.location = tuning["target"]
        self.tuning_text.object = words.tuning_text(tuning)
        self.weights_text.object = words.weights_text(self.lesson.weights_numbers())

    def _on_notices(self, *_: Any) -> None:
        self.notices.object = text_list(self.lesson.notices)
        self.notices.visible = bool(self.lesson.notices)

    # ---- layout --------------------------------------------------------------------------

    def _layout(self, with_prose: bool) -> pn.viewable.Viewable:
        k, f = self.knobs, self.figures
        model = column(words.MODEL_HEADING, pn.Row(k["dataset"], k["seed"], styles=WRAP), self.notices,
                       side_by_side(f["map"], f["loss"]), self.model_text)
        shift = column(words.SHIFT_HEADING, pn.pane.Markdown(words.SHIFT_INTRO),
                       pn.Row(*(k[name] for name in SHIFT_KNOBS), styles=WRAP),
                       side_by_side(f["shifted"], f["drift"]), self.shift_text)
        metric = column(words.METRIC_HEADING, pn.pane.Markdown(words.METRIC_INTRO),
                        pn.Row(k["yes_percent"], k["threshold"], styles=WRAP), self.metric_text,
                        side_by_side(f["sweep"], column(self.metric_table, self.confusion_table)))
        budget = column(words.BUDGET_HEADING, pn.pane.Markdown(words.BUDGET_INTRO), k["price"], f["budget"],
                        pn.pane.Bokeh(bk_row(self.measure_button), margin=(5, 10)), self.budget_table,
                        self.budget_note)
        failure = column(words.FAILURE_HEADING, pn.pane.Markdown(words.FAILURE_INTRO),
                         pn.Row(k["probe_distance"], k["probe_direction"], styles=WRAP),
                         side_by_side(f["wide"], f["ray"]), self.failure_text, k["use"], self.cost_text,
                         pn.pane.Markdown(words.WHAT_TO_DO))
        weights = column(words.WEIGHTS_HEADING, pn.pane.Markdown(words.WEIGHTS_INTRO), self.download,
                         self.weights_text)
        tuning = column(pn.pane.Bokeh(bk_row(self.tune_button), margin=(5, 10)), f["tune"], self.tuning_text)
        parts = [pn.pane.Markdown(self.lesson.prose)] if with_prose else []
        parts += [place("model", model), place("input-distribution", shift), place("eval-metric", metric),
                  place("inference-budget", budget), place("failure", failure),
                  place("weights-released", weights), place("fine-tuning", tuning)]
        return column(*parts)


def layout(lesson: ShipLesson, with_prose: bool = False) -> pn.viewable.Viewable:
    """The lesson's page (what ShipLesson.view() shows)."""
    return ShipView(lesson, with_prose=with_prose).layout
