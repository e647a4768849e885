"""Charts: one look for every lesson's figures, and every chart in words.

`plain_figure` makes a figure in the house style (colours below); `describe_charts` gives each
figure a text alternative that says what it shows and its key numbers.

The words are made here, from the figure's own title, axis labels, legend and data, and kept on the
figure as a tag (ALT_TAG + text); the page gives the chart `role="img"` with that text as its name
(web/assets/access.js). They are made again once a chart's data have settled (not every frame of a
run). Category names (a reader's labels) go through safe_text.quote; numbers are written by
formatting.format_number.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterator
from typing import Any

import numpy as np
from bokeh.models import ColumnDataSource, GlyphRenderer, Legend, Model, Plot
from bokeh.plotting import figure

from faders.lessons.kit.formatting import format_number
from faders.lessons.kit.safe_text import quote
from faders.lessons.kit.settle import Settled

INK = "#1f2933"
ACCENT = "#d9480f"
MODEL = "#1c7ed6"
MUTED = "#868e96"
WARNING = "#c92a2a"
# The type scale (web/assets/faders.css names the same sizes --faders-small, --faders-text): titles,
# axis labels and legends in the text size, tick labels and notes on the chart in the small size.
TEXT_SIZE = "13px"
SMALL_SIZE = "12px"
# The width (px) a title line may take: a chart's plotting area on a 390 px phone is 286 px at least
# (tests/e2e/test_page_shell.py measures every chart there). A longer title is set on two lines.
TITLE_ROOM = 280
# Widths of a bold sans-serif's letters, in ems, a little over Helvetica's and Arial's own.
NARROW, WIDE = set("fijlrtI.,:;'|!()[]- "), set("mwMW●■—−+=")
# One colour per label (row) of lesson `logits`, the same in every chart.
LABEL_COLOURS = ["#1c7ed6", "#d9480f", "#2f9e44", "#ae3ec9", "#f59f00", "#0c8599", "#e64980",
                 "#5c940d", "#7048e8", "#868e96", "#c2255c", "#364fc7"]


def title_width(text: str, size: str = TEXT_SIZE) -> float:
    """About how wide (px) a line of bold text is drawn: a little wider than it is, never narrower."""
    ems = sum(0.33 if char in NARROW else 0.9 if char in WIDE else 0.72 if char.isupper()
              else 0.56 if char.isdigit() else 0.61 for char in text)
    return ems * float(size.removesuffix("px"))


def fitted_title(title: str, room: float = TITLE_ROOM) -> str:
    """`title` as it fits a phone's chart: itself if it does, else on as few lines as fit, each about
    as long as the others (a canvas cuts a line too long; it does not wrap it)."""
    title = " ".join(title.split())
    if title_width(title) <= room:
        return title
    for lines in range(2, len(title.split()) + 1):
        width = len(title) // lines + 1
        while width <= len(title):
            wrapped = textwrap.wrap(title, width)
            if len(wrapped) > lines:
                width += 1
                continue
            if all(title_width(line) <= room for line in wrapped):
                return "\n".join(wrapped)
            break
    return "\n".join(title.split())


def title_of(fig: Plot) -> str:
    """A figure's title on one line, as written (fitted_title may have set it on several)."""
    return " ".join(fig.title.text.split()) if fig.title is not None and fig.title.text else ""


def house_style(fig: Plot, title_room: float = TITLE_ROOM) -> Any:
    """A figure in the house style: its title fitted to a phone, and its words in the type scale."""
    fig.title.text = fitted_title(fig.title.text, title_room)
    fig.title.text_font_size = TEXT_SIZE
    fig.title.text_color = INK
    fig.axis.axis_label_text_font_size = TEXT_SIZE
    fig.axis.major_label_text_font_size = SMALL_SIZE
    fig.outline_line_color = None
    return fig


def plain_figure(title: str, x_label: str, y_label: str, title_room: float = TITLE_ROOM,
                 **options: Any) -> Any:
    """A figure without toolbar clutter that stretches to its column's width. A long title is set
    on lines that fit `title_room` px (less than TITLE_ROOM for a chart with wide labels on its side)."""
    # A small natural width, so the figure stretches on a laptop and still fits a phone.
    fig = figure(title=title, height=options.pop("height", 280), width=300, sizing_mode="stretch_width",
                 toolbar_location=None, tools="", **options)
    fig.xaxis.axis_label = x_label
    fig.yaxis.axis_label = y_label
    fig.grid.grid_line_alpha = 0.4
    return house_style(fig, title_room)


def nice_ceiling(value: float) -> float:
    """A round number a little above `value` (1, 2, 2.5 or 5 times a power of ten): an axis's end
    that changes only now and then as data arrive, so the chart is not laid out again each time."""
    if not (math.isfinite(value) and value > 0):
        return 1.0
    target = value * 1.1
    power = 10.0 ** math.floor(math.log10(target))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= target)


ALT_TAG = "faders-alt:"
SETTLE_SECONDS = 1.5
MOST_BARS = 12


def _numbers(values: Any) -> np.ndarray:
    try:
        array = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        return np.array([])
    return array[np.isfinite(array)]


def _column(renderer: GlyphRenderer, field: str) -> Any:
    source = renderer.data_source
    spec = getattr(renderer.glyph, field, None)
    name = spec if isinstance(spec, str) else getattr(spec, "field", None) if spec is not None else None
    if isinstance(spec, dict):
        name = spec.get("field")
    if isinstance(source, ColumnDataSource) and name in source.data:
        return source.data[name]
    return None


def _legend_names(fig: Plot) -> dict[str, str]:
    names: dict[str, str] = {}
    for legend in fig.select({"type": Legend}):
        for item in legend.items:
            label = item.label
            text = label.get("value") if isinstance(label, dict) else getattr(label, "value", None)
            for renderer in item.renderers:
                if text:
                    names[renderer.id] = quote(text)
    return names


def _factor(name: Any) -> str:
    # Nested categories arrive as tuples: ("this model", "fp32") reads "this model, fp32".
    return ", ".join(quote(part) for part in name) if isinstance(name, (tuple, list)) else quote(name)


def _bars(renderer: GlyphRenderer, category: str, value: str) -> str:
    names, heights = _column(renderer, category), _column(renderer, value)
    if names is None or heights is None:
        return ""
    pairs = [f"{_factor(n)} {format_number(float(h))}" for n, h in zip(names, heights, strict=False)
             if np.isfinite(float(h))]
    more = f" and {len(pairs) - MOST_BARS} more" if len(pairs) > MOST_BARS else ""
    return "bars: " + "; ".join(pairs[:MOST_BARS]) + more if pairs else ""


def _colour_map(renderer: GlyphRenderer, kind: str) -> str:
    """A map's size in cells, and for a map of numbers (not of colours) the range of its values."""
    images = _column(renderer, "image")
    first = np.asarray(images[0]) if images is not None and len(images) else None
    if first is None or first.ndim != 2:
        return "a colour map"
    rows, columns = first.shape
    if kind == "ImageRGBA":
        return f"a colour map of {rows} × {columns} cells"
    values = np.concatenate([np.asarray(image, dtype=float).ravel() for image in images])
    values = values[np.isfinite(values)]
    if values.size == 0:
        return f"a colour map of {rows} × {columns} cells"
    return (f"a colour map of {rows} × {columns} cells, values from {format_number(values.min())} "
            f"to {format_number(values.max())}")


def _series(renderer: GlyphRenderer) -> str:
    kind = type(renderer.glyph).__name__
    if kind in ("VBar", "HBar"):
        category, value = ("x", "top") if kind == "VBar" else ("y", "right")
        bars = _bars(renderer, category, value)
        if bars:
            return bars
    if kind in ("Image", "ImageRGBA"):
        return _colour_map(renderer, kind)
    xs, ys = _numbers(_column(renderer, "x")), _numbers(_column(renderer, "y"))
    if kind in ("MultiLine", "Segment", "Patches"):
        count = len(next(iter(renderer.data_source.data.values()), []))
        return f"{count} {'lines' if count != 1 else 'line'}"
    if len(ys) == 0:
        return ""
    if len(ys) == 1 and len(xs) == 1:
        return f"a point at ({format_number(xs[0])}, {format_number(ys[0])})"
    shown = "a line through" if kind == "Line" else "points:"
    words = f"{shown} {len(ys)} {'points' if len(ys) != 1 else 'point'}"
    if len(xs) == len(ys) and len(xs):
        words += f", x from {format_number(xs.min())} to {format_number(xs.max())}"
    words += f", y from {format_number(ys.min())} to {format_number(ys.max())}"
    if kind == "Line":
        words += f", ending at y = {format_number(ys[-1])}"
    return words


def describe(fig: Plot) -> str:
    """The chart in words: its title, its axes and, for each drawn series, its key numbers."""
    title = title_of(fig)
    parts = [f"Chart: {title or 'untitled'}."]
    axes = [axis.axis_label for axis in (*fig.below, *fig.left) if getattr(axis, "axis_label", None)]
    if len(axes) == 2:
        parts.append(f"Across: {axes[0]}; up: {axes[1]}.")
    names, drawn = _legend_names(fig), []
    for renderer in fig.renderers:
        series = _series(renderer) if isinstance(renderer, GlyphRenderer) and renderer.visible else ""
        if series:
            label = names.get(renderer.id)
            drawn.append(f"{label}: {series}." if label else f"{series[:1].upper()}{series[1:]}.")
    return " ".join(parts + (drawn or ["No data yet."]))


def figures(root: Any) -> Iterator[Plot]:
    """Every Bokeh figure inside a Panel layout (or a Bokeh layout)."""
    if isinstance(root, Plot):
        yield root
        return
    if isinstance(root, Model):
        for child in getattr(root, "children", []) or []:
            yield from figures(child[0] if isinstance(child, tuple) else child)
        return
    inner = getattr(root, "object", None)
    if isinstance(inner, Model):
        yield from figures(inner)
    for child in getattr(root, "objects", []) or []:
        yield from figures(child)


class Described:
    """Keeps one figure's text alternative current: written now, and again once its data settle."""

    def __init__(self, fig: Plot) -> None:
        self.fig = fig
        self.settled = Settled(SETTLE_SECONDS, self.refresh)
        self.refresh()
        sources = {id(r.data_source): r.data_source for r in fig.renderers if isinstance(r, GlyphRenderer)}
        for source in sources.values():
            source.on_change("data", self._changed)
        fig.title.on_change("text", self._changed)

    def _changed(self, attr: str, old: Any, new: Any) -> None:
        self.settled.poke()

    def refresh(self) -> None:
        alt = ALT_TAG + describe(self.fig)
        if self.fig.tags != [alt]:
            self.fig.tags = [alt]


def describe_charts(layout: Any) -> list[Described]:
    """Give every figure in `layout` a text alternative that follows its data."""
    return [Described(fig) for fig in figures(layout)]
