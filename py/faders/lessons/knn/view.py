"""The page of lesson `knn`: both decision maps, the clicked point's neighbours, the measured cost.

Every widget comes from its knob's declaration (kit.widgets.knob_widgets) and every word from
words.py; `layout(lesson)` is what the lesson's `view()` shows.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import panel as pn
from bokeh.events import Tap
from bokeh.layouts import row as bk_row
from bokeh.models import ColumnDataSource, LinearColorMapper, Range1d, TapTool
from bokeh.palettes import interp_palette

from faders.core.datasets import HALF_WIDTH
from faders.lessons.kit.charts import ACCENT, INK, MODEL, plain_figure
from faders.lessons.kit.places import place
from faders.lessons.kit.safe_text import text_list
from faders.lessons.kit.widgets import BOX, SHRINKS, WRAP, WRAPPED, action_button, knob_widgets, unlocked
from faders.lessons.knn import words
from faders.lessons.knn.state import BLUE, ORANGE, PALE, KnnLesson

BLANK = "#f1f3f5"  # the kNN map once its data is gone
PALETTE = interp_palette((ORANGE, PALE, BLUE), 64)
SIDE = 2 * HALF_WIDTH
MAP_HEIGHT = 340
NOTICE_STYLES = {**BOX, "background": "#fff9db", "border-left": "4px solid #f59f00"}


def class_colours(labels: np.ndarray) -> list[str]:
    return [BLUE if label == 1 else ORANGE for label in labels.tolist()]


class KnnView:
    """Builds the layout once and keeps the maps, the clicked point and the readouts in step."""

    def __init__(self, lesson: KnnLesson, with_prose: bool = False) -> None:
        self.lesson = lesson
        self.mapper = LinearColorMapper(palette=PALETTE, low=0.0, high=1.0, nan_color=BLANK)
        self.maps = {name: ColumnDataSource({"image": [np.zeros((1, 1))]}) for name in ("logistic", "knn")}
        self.train_source = ColumnDataSource({"x": [], "y": [], "colour": []})
        self.test_source = ColumnDataSource({"x": [], "y": [], "colour": []})
        self.query_source = ColumnDataSource({"x": [], "y": []})
        self.neighbour_source = ColumnDataSource({"x": [], "y": [], "qx": [], "qy": []})
        self.timing_sources = {name: ColumnDataSource({"n": [], "us": []}) for name in ("knn", "logistic")}

        self.knobs = knob_widgets(lesson)
        self.measure_button = action_button(lesson, words.MEASURE_LABEL, "measure", width=150)
        # Readouts that change with every step of k keep a fixed height, so a new text redraws only
        # itself and not the layout of the whole page.
        self.scores = pn.pane.Markdown(sizing_mode="stretch_width", height=150)
        self.weights = pn.pane.Markdown(sizing_mode="stretch_width")
        self.memorises = pn.pane.Markdown(sizing_mode="stretch_width", height=70)
        self.answer = pn.pane.Markdown(sizing_mode="stretch_width", height=110)
        self.timing = pn.pane.Markdown(sizing_mode="stretch_width")
        self.forgotten = pn.pane.Markdown(sizing_mode="stretch_width")
        self.notices = pn.pane.HTML(sizing_mode="stretch_width", styles=NOTICE_STYLES, visible=False)

        watch = lesson.param.watch
        watch(unlocked(self._on_data), ["data_version", "forget"])
        watch(unlocked(self._on_model), ["k"])
        watch(unlocked(self._on_query), ["query_x", "query_y"])
        watch(unlocked(self._on_timings), ["timings"])
        watch(unlocked(self._on_notices), ["notices"])
        self.figures = {"logistic": self._map_figure("logistic", words.LOGISTIC_TITLE),
                        "knn": self._map_figure("knn", words.KNN_TITLE)}
        if not lesson.timings:
            lesson.measure()  # the cost chart starts with the reader's own measurement
        self._on_data()
        self._on_timings()
        self._on_notices()
        self.layout = self._layout(with_prose)

    # ---- charts --------------------------------------------------------------------------

    def _map_figure(self, name: str, title: str) -> Any:
        fig = plain_figure(title, "x", "y", height=MAP_HEIGHT, x_range=Range1d(-HALF_WIDTH, HALF_WIDTH),
                           y_range=Range1d(-HALF_WIDTH, HALF_WIDTH), match_aspect=True)
        fig.image(image="image", source=self.maps[name], x=-HALF_WIDTH, y=-HALF_WIDTH, dw=SIDE, dh=SIDE,
                  color_mapper=self.mapper, alpha=0.75)
        fig.scatter("x", "y", source=self.train_source, size=6, fill_color="colour", line_color="white")
        fig.scatter("x", "y", source=self.test_source, size=6, fill_color="colour", line_color=INK,
                    marker="square", alpha=0.6)
        if name == "knn":
            fig.segment("qx", "qy", "x", "y", source=self.neighbour_source, color=INK, line_width=1.5)
            fig.scatter("x", "y", source=self.neighbour_source, size=14, fill_color=None, line_color=INK,
                        line_width=2)
        fig.scatter("x", "y", source=self.query_source, size=16, marker="star", fill_color="white",
                    line_color=INK, line_width=2)
        fig.add_tools(TapTool(behavior="inspect"))  # the page sends taps only to a figure with a tap tool
        fig.on_event(Tap, self._clicked)
        return fig

    def _timing_figure(self) -> Any:
        fig = plain_figure(words.TIMING_TITLE, words.TIMING_X, words.TIMING_Y, height=260,
                           x_axis_type="log", y_axis_type="log")
        for name, colour, legend in (("knn", ACCENT, words.KNN_LEGEND),
                                     ("logistic", MODEL, words.LOGISTIC_LEGEND)):
            fig.scatter("n", "us", source=self.timing_sources[name], size=8, color=colour,
                        legend_label=legend)
        fig.legend.location = "top_left"
        fig.legend.background_fill_alpha = 0.6
        return fig

    # ---- reactions to the lesson ---------------------------------------------------------

    def _on_data(self, *_: Any) -> None:
        lesson = self.lesson
        hidden = {"x": [], "y": [], "colour": []}
        for source, data in ((self.train_source, lesson.train), (self.test_source, lesson.test)):
            source.data = hidden if lesson.forget else {
                "x": data.x[:, 0], "y": data.x[:, 1], "colour": class_colours(data.y)}
        self.weights.object = words.weights(lesson.model.numbers)
        self.forgotten.object = words.forgotten(lesson.forget)
        self._on_model()

    def _on_model(self, *_: Any) -> None:
        lesson = self.lesson
        parametric, shares = lesson.decision_maps()
        self.maps["logistic"].data = {"image": [parametric.astype(np.float32)]}
        blank = np.full_like(parametric, np.nan)
        self.maps["knn"].data = {"image": [(blank if shares is None else shares).astype(np.float32)]}
        accuracy = lesson.accuracies()
        self.scores.object = words.scores(accuracy, lesson.numbers_kept(), len(lesson.train.y), lesson.k)
        self.memorises.object = words.memorises(lesson.k, accuracy["knn_train"])
        self._on_query()

    def _on_query(self, *_: Any) -> None:
        lesson = self.lesson
        query = lesson.query()
        self.query_source.data = {"x": [query.x], "y": [query.y]}
        points = lesson.train.x[query.neighbours]
        self.neighbour_source.data = {"x": points[:, 0], "y": points[:, 1],
                                      "qx": [query.x] * len(points), "qy": [query.y] * len(points)}
        self.answer.object = words.query(query, lesson.model.numbers)

    def _on_timings(self, *_: Any) -> None:
        rows = np.array(self.lesson.timings, dtype=float).reshape(-1, 3)
        self.timing_sources["knn"].data = {"n": rows[:, 0], "us": rows[:, 1]}
        self.timing_sources["logistic"].data = {"n": rows[:, 0], "us": rows[:, 2]}
        self.timing.object = words.timing(self.lesson.timings)

    def _on_notices(self, *_: Any) -> None:
        self.notices.object = text_list(self.lesson.notices)
        self.notices.visible = bool(self.lesson.notices)

    # ---- the reader's input --------------------------------------------------------------

    def _clicked(self, event: Tap) -> None:
        if event.x is None or event.y is None:
            return
        self.lesson.apply({"qx": round(event.x, 2), "qy": round(event.y, 2)})

    # ---- layout --------------------------------------------------------------------------

    def _layout(self, with_prose: bool) -> pn.viewable.Viewable:
        k = self.knobs
        data = pn.Row(k["dataset"], k["n_points"], k["noise"], k["seed"], styles=WRAP,
                      sizing_mode="stretch_width")
        maps = pn.Row(*(pn.Column(self.figures[name], styles=WRAPPED, sizing_mode="stretch_width")
                        for name in ("logistic", "knn")), styles=WRAP, sizing_mode="stretch_width")
        models = pn.Column(words.MAPS_HEADING, data, self.notices, maps, k["k"], self.memorises,
                           self.scores, self.weights, sizing_mode="stretch_width", styles=SHRINKS)
        asking = pn.Column(words.QUERY_HEADING, pn.Row(k["query_x"], k["query_y"], styles=WRAP),
                           self.answer, sizing_mode="stretch_width", styles=SHRINKS)
        keeping = pn.Column(words.KEEP_HEADING, self._timing_figure(),
                            pn.pane.Bokeh(bk_row(self.measure_button), margin=(5, 10)), self.timing,
                            pn.pane.Markdown(words.SCALE_NOTE), sizing_mode="stretch_width", styles=SHRINKS)
        forgetting = pn.Column(words.FORGET_HEADING, k["forget"], self.forgotten,
                               sizing_mode="stretch_width", styles=SHRINKS)
        parts = [pn.pane.Markdown(self.lesson.prose)] if with_prose else []
        parts += [place("maps", models), place("query", asking), place("keep", keeping),
                  place("forget", forgetting)]
        return pn.Column(*parts, sizing_mode="stretch_width", styles=SHRINKS)


def layout(lesson: KnnLesson, with_prose: bool = False) -> pn.viewable.Viewable:
    """The lesson's page (what KnnLesson.view() shows)."""
    return KnnView(lesson, with_prose=with_prose).layout
