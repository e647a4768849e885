"""The page of lesson `scale`: the model's shape, its memory, and its compute beside lesson 1's line.

Every widget comes from its knob's declaration (kit.widgets.knob_widgets) and every word from
words.py; `layout(lesson)` is what the lesson's `view()` shows.
"""

from __future__ import annotations

import math
from typing import Any

import panel as pn
from bokeh.models import ColumnDataSource, FactorRange, LabelSet, Range1d, Span

from faders.core import scale
from faders.lessons.kit.charts import ACCENT, INK, MODEL, MUTED, SMALL_SIZE, plain_figure
from faders.lessons.kit.knobs import knobs
from faders.lessons.kit.places import place
from faders.lessons.kit.widgets import SHRINKS, WRAP, WRAPPED, knob_widgets, unlocked
from faders.lessons.scale import readable, words
from faders.lessons.scale.state import ARCHITECTURE, PRECISIONS, ScaleLesson, fit_colour
from faders.lessons.scale.words import DEVICE_NAMES, LINE, PART_NAMES, THIS_MODEL

MEMORY_ROWS = [("devices", DEVICE_NAMES[d]) for d in scale.DEVICES] + \
              [(who, p) for who in (THIS_MODEL, LINE) for p in PRECISIONS]
INPUT_WIDTH = 170
# The compute chart's rows name themselves at length, leaving its title this much room on a phone (px).
COMPUTE_TITLE_ROOM = 185
# Checkboxes sit level with the boxes beside them, whose labels stand above.
CHECKBOX_MARGIN = (28, 10, 5, 10)
MEMORY_START = 0.5  # bytes: the left end of the memory axis, so that a 1-byte bar shows
REFUSAL_STYLE = {"background": "#fff5f5", "border-left": "4px solid #c92a2a", "padding": "0 0.75em",
                 "border-radius": "4px"}
# Each widget's width and margin on the page (its label, help, bounds and step are its knob's).
WIDGET_LAYOUTS = {
    "preset": {"width": 240},
    **{name: {"width": INPUT_WIDTH} for name in ARCHITECTURE},
    "tied_embeddings": {"width": 240, "margin": CHECKBOX_MARGIN},
    "biases": {"width": 120, "margin": CHECKBOX_MARGIN},
    "training_tokens": {"width": 220}, "throughput_tflops": {"width": INPUT_WIDTH},
    "utilization": {"width": 220}, "price_per_gpu_hour": {"width": INPUT_WIDTH},
}
# The shape's rarer knobs wait in a collapsed card ("More of the shape").
MORE_SHAPE = ("positions", "norm", "biases")
SHAPE = tuple(name for name in ARCHITECTURE if name not in MORE_SHAPE)
COMPUTE = ("training_tokens", "throughput_tflops", "utilization", "price_per_gpu_hour")


def log_axis_end(largest: float, start: float, room: float) -> float:
    """The right end of a log axis, in whole decades, that leaves `room` (a fraction of the axis)
    to the right of the longest bar for its label."""
    low, high = math.log10(start), math.log10(max(largest, start))
    return 10.0 ** math.ceil((high - room * low) / (1 - room))


class ScaleView:
    """Builds the layout once and redraws every readout and chart when a knob changes."""

    def __init__(self, lesson: ScaleLesson, with_prose: bool = False) -> None:
        self.lesson = lesson
        self.knobs = knob_widgets(lesson, **WIDGET_LAYOUTS)

        # Readouts get a fixed height where their length never changes, so a redraw stays local.
        self.refusal = pn.pane.Markdown(sizing_mode="stretch_width", styles=SHRINKS)
        self.count = pn.pane.Markdown(sizing_mode="stretch_width", styles=SHRINKS)
        self.memory = pn.pane.Markdown(sizing_mode="stretch_width", styles=SHRINKS)
        self.compute = pn.pane.Markdown(sizing_mode="stretch_width", styles=SHRINKS)
        self.comparison = pn.pane.Markdown(sizing_mode="stretch_width", styles=SHRINKS)
        self.parts_source = ColumnDataSource({"part": [], "count": [], "label": []})
        self.memory_source = ColumnDataSource({"row": [], "bytes": [], "colour": [], "label": []})
        self.compute_source = ColumnDataSource({"row": [], "flops": [], "colour": [], "label": []})
        self.parts_figure = self._parts_figure()
        self.memory_figure = self._memory_figure()
        self.compute_figure = self._compute_figure()

        lesson.param.watch(unlocked(self._redraw), [*knobs(lesson), "refusal"])
        self._redraw()
        self.layout = self._layout(with_prose)

    # ---- charts --------------------------------------------------------------------------

    def _parts_figure(self) -> Any:
        fig = plain_figure(words.PARTS_TITLE, "parameters", "",
                           y_range=FactorRange(*reversed(PART_NAMES.values())), x_range=Range1d(0, 1),
                           height=230)
        fig.hbar(y="part", right="count", height=0.7, source=self.parts_source, color=MODEL)
        fig.add_layout(LabelSet(x="count", y="part", text="label", source=self.parts_source, x_offset=5,
                                y_offset=-7, text_font_size=SMALL_SIZE, text_color=INK))
        fig.xaxis.formatter.use_scientific = False
        fig.xaxis.visible = False
        return fig

    def _memory_figure(self) -> Any:
        fig = plain_figure(words.MEMORY_TITLE, words.MEMORY_X_LABEL,
                           "", x_axis_type="log", y_range=FactorRange(*reversed(MEMORY_ROWS)),
                           x_range=Range1d(MEMORY_START, 1e13), height=380)
        fig.xaxis.ticker.desired_num_ticks = 5
        fig.hbar(y="row", left=MEMORY_START, right="bytes", height=0.7, source=self.memory_source,
                 color="colour")
        fig.add_layout(LabelSet(x="bytes", y="row", text="label", source=self.memory_source, x_offset=5,
                                y_offset=-7, text_font_size=SMALL_SIZE, text_color=INK))
        for device in scale.DEVICES.values():
            fig.add_layout(Span(location=device.memory_bytes, dimension="height", line_color=MUTED,
                                line_dash="dashed", line_width=1))
        return fig

    def _compute_figure(self) -> Any:
        fig = plain_figure(words.COMPUTE_TITLE, "FLOPs", "",
                           x_axis_type="log", y_range=FactorRange(*reversed(words.COMPUTE_ROWS)),
                           x_range=Range1d(1, 1e25), height=300,
                           title_room=COMPUTE_TITLE_ROOM)
        fig.xaxis.ticker.desired_num_ticks = 5
        fig.hbar(y="row", left=1, right="flops", height=0.7, source=self.compute_source, color="colour")
        fig.add_layout(LabelSet(x="flops", y="row", text="label", source=self.compute_source, x_offset=5,
                                y_offset=-7, text_font_size=SMALL_SIZE, text_color=INK))
        return fig

    # ---- redrawing -----------------------------------------------------------------------

    def _redraw(self, *_: Any) -> None:
        results = self.lesson.results()
        self.refusal.object = results["refusal"]
        self.refusal.styles = {**SHRINKS, **REFUSAL_STYLE} if results["refusal"] else dict(SHRINKS)
        self.count.object = words.count_text(results)
        self.memory.object = words.memory_text(results)
        self.compute.object = words.compute_text(results)
        self.comparison.object = words.comparison_text(results)
        self._draw_parts(results)
        self._draw_memory(results)
        self._draw_compute(results)

    def _draw_parts(self, results: dict[str, Any]) -> None:
        parts, shares = results["breakdown"], results["shares"]
        self.parts_source.data = {
            "part": [PART_NAMES[name] for name in parts], "count": list(parts.values()),
            "label": [f"{readable.short_count(count)} ({readable.percent(shares[name])})"
                      for name, count in parts.items()]}
        # Room to the right of the longest bar for its label.
        self.parts_figure.x_range.update(start=0, end=max(parts.values()) * 1.8)

    def _draw_memory(self, results: dict[str, Any]) -> None:
        rows, sizes, colours = [], [], []
        for key, device in results["devices"].items():
            rows.append(("devices", DEVICE_NAMES[key]))
            sizes.append(device["memory_bytes"])
            colours.append(MUTED)
        for p in PRECISIONS:
            rows.append((THIS_MODEL, p))
            sizes.append(results["memory_bytes"][p])
            colours.append(fit_colour(results["fits"][p]))
        for p in PRECISIONS:
            rows.append((LINE, p))
            sizes.append(results["line"]["memory_bytes"][p])
            colours.append(ACCENT)
        self.memory_source.data = {"row": rows, "bytes": sizes, "colour": colours,
                                   "label": [readable.size_in_bytes(size) for size in sizes]}
        self.memory_figure.x_range.update(start=MEMORY_START, end=log_axis_end(max(sizes), MEMORY_START, 0.2))

    def _draw_compute(self, results: dict[str, Any]) -> None:
        line = results["line"]
        flops = [results["training_flops"], results["inference_flops_per_million_tokens"],
                 results["inference_flops_per_token"], line["training_flops"], line["inference_flops"]]
        self.compute_source.data = {
            "row": words.COMPUTE_ROWS, "flops": [float(f) for f in flops],
            "colour": [MODEL, MODEL, MODEL, ACCENT, ACCENT],
            "label": [readable.power_of_ten(f) for f in flops]}
        self.compute_figure.x_range.update(start=1, end=log_axis_end(max(flops), 1, 0.3))

    # ---- layout --------------------------------------------------------------------------

    def _layout(self, with_prose: bool) -> pn.viewable.Viewable:
        # The wrapping row sits in a plain column: its inline `display: flex` would defeat collapsing.
        more = pn.Card(pn.Column(pn.Row(*self._widgets(MORE_SHAPE), styles=WRAP, sizing_mode="stretch_width"),
                                 sizing_mode="stretch_width", styles=SHRINKS),
                       title=words.MORE_SHAPE, collapsed=True, sizing_mode="stretch_width", styles=SHRINKS)
        shape = pn.Column(
            words.SHAPE_HEADING, self.knobs["preset"],
            pn.Row(*self._widgets(SHAPE), styles=WRAP, sizing_mode="stretch_width"), more, self.refusal,
            pn.Row(pn.Column(self.count, styles=WRAPPED), pn.Column(self.parts_figure, styles=WRAPPED),
                   styles=WRAP, sizing_mode="stretch_width"),
            sizing_mode="stretch_width", styles=SHRINKS)
        memory = pn.Column(words.MEMORY_HEADING,
                           pn.Row(pn.Column(self.memory, styles=WRAPPED),
                                  pn.Column(self.memory_figure, styles=WRAPPED), styles=WRAP,
                                  sizing_mode="stretch_width"),
                           sizing_mode="stretch_width", styles=SHRINKS)
        compute = pn.Column(words.COMPUTE_HEADING,
                            pn.Row(*self._widgets(COMPUTE), styles=WRAP, sizing_mode="stretch_width"),
                            pn.Row(pn.Column(self.compute, styles=WRAPPED),
                                   pn.Column(self.compute_figure, styles=WRAPPED), styles=WRAP,
                                   sizing_mode="stretch_width"),
                            sizing_mode="stretch_width", styles=SHRINKS)
        line = pn.Column(words.LINE_HEADING, self.comparison,
                         sizing_mode="stretch_width", styles=SHRINKS)
        parts = [pn.pane.Markdown(self.lesson.prose)] if with_prose else []
        parts += [place("shape", shape), place("memory", memory), place("compute", compute),
                  place("line", line)]
        return pn.Column(*parts, sizing_mode="stretch_width", styles=SHRINKS)

    def _widgets(self, names: tuple[str, ...]) -> list[pn.widgets.Widget]:
        return [self.knobs[name] for name in names]


def layout(lesson: ScaleLesson, with_prose: bool = False) -> pn.viewable.Viewable:
    """The lesson's page (what ScaleLesson.view() shows)."""
    return ScaleView(lesson, with_prose=with_prose).layout
