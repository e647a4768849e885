"""The page of lesson `bias-variance`: widgets and charts bound to a BiasVarianceLesson's knobs.

Every widget comes from its knob's declaration (kit.widgets.knob_widgets; λ also gets a slider on
a log scale beside its box) and every word from words.py.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import panel as pn
from bokeh.layouts import row as bk_row
from bokeh.models import ColumnDataSource, Range1d

from faders.core.datasets import TARGETS_1D
from faders.lessons.bias_variance import words
from faders.lessons.bias_variance.state import (
    CURVES_DRAWN,
    DEGREES,
    GRID,
    RIDGE_BOUNDS,
    BiasVarianceLesson,
    network_link,
)
from faders.lessons.kit.charts import ACCENT, INK, MODEL, MUTED, WARNING, plain_figure
from faders.lessons.kit.knobs import knobs
from faders.lessons.kit.places import place
from faders.lessons.kit.widgets import SHRINKS, WRAP, WRAPPED, action_button, knob_widgets, unlocked

Y_RANGE = (-2.5, 2.5)
DRAWN_LIMIT = 10.0  # curves are drawn clipped to ±this: far outside the chart, the shape is lost anyway
ERROR_RANGE = (1e-4, 1e4)  # the error chart's log axis; errors beyond are drawn at its edge
SMALLEST_BAR = 1e-5
PART_COLOURS = [MODEL, ACCENT, MUTED, INK, WARNING]
TWO_LINES, FIVE_LINES = 58, 110  # px: the height of a Markdown paragraph of so many lines, margins included


def _shown(values: np.ndarray, low: float, high: float) -> list[float]:
    return np.clip(np.nan_to_num(values, nan=high, posinf=high, neginf=low), low, high).tolist()


def _same(old: Any, new: Any) -> bool:
    try:
        return old is not None and np.array_equal(np.asarray(old), np.asarray(new))
    except ValueError:  # ragged lists: not worth comparing
        return False


def update(source: ColumnDataSource, **columns: Any) -> None:
    """Set only the columns whose values changed: the page redraws what a change touched (a degree
    step moves the fit, not the points or the U), and the update it is sent stays small."""
    changed = {name: value for name, value in columns.items() if not _same(source.data.get(name), value)}
    if changed:
        source.data.update(changed)


def log_ridge_slider(lesson: BiasVarianceLesson) -> pn.widgets.FloatSlider:
    """λ on a log scale: the slider moves log₁₀ λ, the knob keeps λ (what the link carries)."""
    low, high = (math.log10(bound) for bound in RIDGE_BOUNDS)
    slider = pn.widgets.FloatSlider(label=words.RIDGE_SLIDER_LABEL, start=low, end=high, step=0.1,
                                    value=math.log10(lesson.ridge), format="0.0")

    def to_knob(event: Any) -> None:
        value = float(f"{10.0 ** event.new:.6g}")
        if not math.isclose(value, lesson.ridge, rel_tol=1e-6):
            lesson.ridge = value

    def to_slider(event: Any) -> None:
        if not math.isclose(math.log10(event.new), slider.value, abs_tol=1e-9):
            slider.value = math.log10(event.new)

    slider.param.watch(to_knob, "value")
    lesson.param.watch(unlocked(to_slider), "ridge")
    return slider


class BiasVarianceView:
    """Builds the layout once and keeps every chart and readout in step with the lesson."""

    def __init__(self, lesson: BiasVarianceLesson, with_prose: bool = False) -> None:
        self.lesson = lesson
        self.truth_source = ColumnDataSource({"x": GRID, "y": GRID * 0})
        self.train_source = ColumnDataSource({"x": [], "y": []})
        self.fit_source = ColumnDataSource({"x": GRID, "y": GRID * 0})
        self.curve_source = ColumnDataSource({"degree": list(DEGREES), "train": [1.0] * len(DEGREES),
                                              "test": [1.0] * len(DEGREES)})
        self.best_source = ColumnDataSource({"degree": [], "error": []})
        self.current_source = ColumnDataSource({"degree": [], "error": []})
        self.many_source = ColumnDataSource({"xs": [], "ys": []})
        self.average_source = ColumnDataSource({"x": GRID, "y": GRID * 0})
        self.parts_source = ColumnDataSource({"part": words.PART_NAMES, "value": [1.0] * 5,
                                              "colour": PART_COLOURS})
        self.whisker_source = ColumnDataSource({"part": [], "low": [], "high": []})

        self.knobs = knob_widgets(lesson)
        self.ridge_slider = log_ridge_slider(lesson)
        self.resample_button = action_button(lesson, "Resample", "resample", button_type="primary",
                                             width=110)
        # Readouts that change with every knob keep a height that fits their longest text at usual
        # widths (measured from 390 to 1280 px), so a degree step does not lay out the page again.
        self.errors = pn.pane.Markdown(sizing_mode="stretch_width", min_height=TWO_LINES)
        self.verdict = pn.pane.Markdown(sizing_mode="stretch_width", min_height=FIVE_LINES)
        self.parts = pn.pane.Markdown(sizing_mode="stretch_width", min_height=TWO_LINES)

        self.parts_figure = self._parts_figure()
        lesson.param.watch(unlocked(self._redraw), list(knobs(lesson)))
        self._redraw()
        self.layout = self._layout(with_prose)

    # ---- charts --------------------------------------------------------------------------

    def _fit_figure(self) -> Any:
        fig = plain_figure(words.FIT_TITLE, "x", "y", x_range=(-1.05, 1.05), y_range=Y_RANGE)
        fig.line("x", "y", source=self.truth_source, color=MUTED, line_width=2, line_dash="dashed",
                 legend_label="truth")
        fig.scatter("x", "y", source=self.train_source, size=7, color=INK, legend_label="training points")
        fig.line("x", "y", source=self.fit_source, color=MODEL, line_width=3, legend_label="fit")
        fig.legend.location = "bottom_right"
        fig.legend.background_fill_alpha = 0.6
        return fig

    def _curve_figure(self) -> Any:
        fig = plain_figure(words.CURVE_TITLE, "degree", "mean squared error", y_axis_type="log",
                           x_range=(DEGREES.start - 0.5, DEGREES.stop - 0.5), y_range=Range1d(*ERROR_RANGE))
        fig.line("degree", "train", source=self.curve_source, color=MODEL, line_width=2,
                 legend_label="training error")
        fig.line("degree", "test", source=self.curve_source, color=ACCENT, line_width=2,
                 legend_label="test error")
        fig.scatter("degree", "error", source=self.best_source, marker="star", size=16, color=INK,
                    legend_label="sweet spot")
        fig.scatter("degree", "error", source=self.current_source, size=11, color=ACCENT,
                    line_color="white", legend_label="your degree")
        fig.legend.location = "top_left"
        fig.legend.background_fill_alpha = 0.6
        return fig

    def _fits_figure(self) -> Any:
        fig = plain_figure(words.FITS_TITLE, "x", "y", x_range=(-1.05, 1.05), y_range=Y_RANGE)
        fig.multi_line("xs", "ys", source=self.many_source, color=MODEL, alpha=0.25, line_width=1)
        fig.line("x", "y", source=self.truth_source, color=MUTED, line_width=2, line_dash="dashed",
                 legend_label="truth")
        fig.line("x", "y", source=self.average_source, color=ACCENT, line_width=3,
                 legend_label="average of the fits")
        fig.legend.location = "bottom_right"
        fig.legend.background_fill_alpha = 0.6
        return fig

    def _parts_figure(self) -> Any:
        fig = plain_figure(words.PARTS_TITLE, "", "mean squared error (log scale)", y_axis_type="log",
                           x_range=words.PART_NAMES, y_range=Range1d(1e-3, 1.0))
        fig.vbar(x="part", top="value", bottom=SMALLEST_BAR, width=0.7, source=self.parts_source,
                 color="colour")
        fig.segment("part", "low", "part", "high", source=self.whisker_source, color=INK, line_width=3)
        return fig

    # ---- reactions to the lesson ---------------------------------------------------------

    def _redraw(self, *_: Any) -> None:
        lesson = self.lesson
        results = lesson.results()
        train, _ = lesson.data()
        update(self.truth_source, x=GRID, y=TARGETS_1D[lesson.truth](GRID))
        update(self.train_source, x=train.x[:, 0], y=train.y)
        update(self.fit_source, x=GRID, y=_shown(lesson.fit_curve(), -DRAWN_LIMIT, DRAWN_LIMIT))
        self._draw_errors(results)
        self._draw_resampled(results)
        self.ridge_slider.disabled = not lesson.ridge_on
        self.knobs["ridge"].disabled = not lesson.ridge_on

    def _draw_errors(self, results: dict[str, Any]) -> None:
        train_errors = _shown(np.array(results["train_errors"]), *ERROR_RANGE)
        test_errors = _shown(np.array(results["test_errors"]), *ERROR_RANGE)
        update(self.curve_source, degree=list(DEGREES), train=train_errors, test=test_errors)
        best, degree = results["sweet_spot"], results["degree"]
        update(self.best_source, degree=[best], error=[test_errors[best - DEGREES.start]])
        update(self.current_source, degree=[degree, degree],
               error=[train_errors[degree - DEGREES.start], test_errors[degree - DEGREES.start]])
        self.errors.object = words.errors(degree, results["train_error"], results["test_error"], best,
                                          min(results["test_errors"]))
        self.verdict.object = results["verdict"]

    def _draw_resampled(self, results: dict[str, Any]) -> None:
        # Single precision is plenty for a thin line on screen, and halves what a degree step sends.
        shown = np.clip(self.lesson.resampled_curves()[:CURVES_DRAWN], -DRAWN_LIMIT, DRAWN_LIMIT)
        shown = shown.astype(np.float32)
        update(self.many_source, xs=[GRID] * len(shown), ys=list(shown))
        update(self.average_source, x=GRID, y=_shown(np.array(results["resampled"]["average_curve"]),
                                                     -DRAWN_LIMIT, DRAWN_LIMIT))
        values = [results["bias_squared"], results["variance"], results["noise"], results["total"],
                  results["measured_error"]]
        update(self.parts_source, part=words.PART_NAMES, value=[max(v, SMALLEST_BAR) for v in values],
               colour=PART_COLOURS)
        measured, spread = results["measured_error"], 2 * results["sampling_error"]
        update(self.whisker_source, part=[words.PART_NAMES[-1]], low=[max(measured - spread, SMALLEST_BAR)],
               high=[max(measured + spread, SMALLEST_BAR)])
        low = 10.0 ** math.floor(math.log10(max(min(values), SMALLEST_BAR)))
        high = 10.0 ** math.ceil(math.log10(max(max(values), measured + spread, 10 * low)))
        if (self.parts_figure.y_range.start, self.parts_figure.y_range.end) != (low, high):
            self.parts_figure.y_range.update(start=low, end=high)
        self.parts.object = words.parts(results["bias_squared"], results["variance"], results["noise"],
                                        measured, results["sampling_error"], results["resampled"]["fits"])

    # ---- layout --------------------------------------------------------------------------

    def _layout(self, with_prose: bool) -> pn.viewable.Viewable:
        k = self.knobs
        data = pn.Row(k["truth"], k["points"], k["noise"], k["seed"], styles=WRAP,
                      sizing_mode="stretch_width")
        capacity = pn.Row(k["degree"], k["ridge_on"], self.ridge_slider, k["ridge"], styles=WRAP,
                          sizing_mode="stretch_width")
        one_fit = pn.Column(words.FIT_HEADING, self._fit_figure(), self.errors, self.verdict,
                            styles=WRAPPED, sizing_mode="stretch_width")
        curve = pn.Column(words.CURVE_HEADING, self._curve_figure(), styles=WRAPPED,
                          sizing_mode="stretch_width")
        button = pn.pane.Bokeh(bk_row(self.resample_button), margin=(18, 10, 5, 10))
        resampling = pn.Row(k["fits"], k["draw"], button, styles=WRAP, sizing_mode="stretch_width")
        many = pn.Row(pn.Column(self._fits_figure(), styles=WRAPPED, sizing_mode="stretch_width"),
                      pn.Column(self.parts_figure, styles=WRAPPED, sizing_mode="stretch_width"),
                      styles=WRAP, sizing_mode="stretch_width")
        link = f"[{words.NETWORK_LINK_TEXT}]({network_link()}){words.NETWORK_LINK_AFTER}"
        parts = [pn.pane.Markdown(self.lesson.prose)] if with_prose else []
        parts += [place("data", data), place("capacity", capacity),
                  pn.Row(place("fit", one_fit), place("curve", curve), styles=WRAP,
                         sizing_mode="stretch_width"),
                  words.RESAMPLE_HEADING, place("resample", resampling), many, self.parts,
                  words.CURES_HEADING, words.CURES, pn.pane.Markdown(link, sizing_mode="stretch_width")]
        return pn.Column(*parts, sizing_mode="stretch_width", styles=SHRINKS)


def layout(lesson: BiasVarianceLesson, with_prose: bool = False) -> pn.viewable.Viewable:
    """The lesson's page (what BiasVarianceLesson.view() shows)."""
    return BiasVarianceView(lesson, with_prose=with_prose).layout
