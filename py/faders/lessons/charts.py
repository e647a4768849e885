"""Small Bokeh figure factories shared by the lessons: one look, no maths."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial, wraps
from typing import Any

import panel as pn
import param
from bokeh.events import ButtonClick
from bokeh.models import Button
from bokeh.plotting import figure

INK = "#1f2933"
ACCENT = "#d9480f"
MODEL = "#1c7ed6"
MUTED = "#868e96"
WARNING = "#c92a2a"
# One colour per label (row) of lesson `logits`, the same in every chart.
LABEL_COLOURS = ["#1c7ed6", "#d9480f", "#2f9e44", "#ae3ec9", "#f59f00", "#0c8599", "#e64980",
                 "#5c940d", "#7048e8", "#868e96", "#c2255c", "#364fc7"]

# Side by side on a wide screen, one under the other on a phone (pn.FlexBox would need nh3).
# Panel gives a row the sum of its children's widths as its minimum, which would keep it from
# wrapping on a phone; these inline styles let rows wrap and containers shrink.
SHRINKS = {"min-width": "0"}
WRAP = {**SHRINKS, "display": "flex", "flex-wrap": "wrap", "align-items": "flex-end",
        "column-gap": "24px"}
WRAPPED = {**SHRINKS, "flex": "1 1 320px"}


def plain_figure(title: str, x_label: str, y_label: str, **options: Any) -> Any:
    """A figure without toolbar clutter that stretches to its column's width."""
    # A small natural width, so the figure stretches on a laptop and still fits a phone.
    fig = figure(title=title, height=options.pop("height", 280), width=300, sizing_mode="stretch_width",
                 toolbar_location=None, tools="", **options)
    fig.xaxis.axis_label = x_label
    fig.yaxis.axis_label = y_label
    fig.title.text_font_size = "13px"
    fig.title.text_color = INK
    fig.outline_line_color = None
    fig.grid.grid_line_alpha = 0.4
    return fig


def unlocked(update: Callable[..., None]) -> Callable[..., None]:
    """Let a chart update run from a training task: under a Panel server the document is locked
    outside callbacks; elsewhere (browser worker, notebook) this changes nothing."""

    @wraps(update)
    def run(*args: Any) -> None:
        with pn.io.unlocked():
            update(*args)

    return run


def nice_ceiling(value: float) -> float:
    """A round number a little above `value` (1, 2, 2.5 or 5 times a power of ten): an axis's end
    that changes only now and then as data arrive, so the chart is not laid out again each time."""
    if not (math.isfinite(value) and value > 0):
        return 1.0
    target = value * 1.1
    power = 10.0 ** math.floor(math.log10(target))
    return next(step * power for step in (1, 2, 2.5, 5, 10) if step * power >= target)


def button(label: str, on_press: Callable[[], Any], **options: Any) -> Button:
    """Bokeh's own button: toggling `disabled` on it is cheap in the page, where Panel's button
    re-renders (tens of milliseconds a time)."""
    widget = Button(label=label, **options)
    widget.on_event(ButtonClick, lambda _: on_press())
    return widget


def action_button(lesson: Any, label: str, action: str, **options: Any) -> Button:
    """A button that runs one of the lesson's (async) actions."""
    return button(label, lambda: param.parameterized.async_executor(partial(lesson.run, action)),
                  **options)


# A boxed line of text (a status or a notice), styled inline.
BOX = {"padding": "0 0.75em", "border-radius": "4px", "min-width": "0"}
# The status line's colours: (background, left border). Only inline styles change with the
# status; swapping an Alert's CSS classes re-renders it, which costs the page a long frame.
STATUS_COLOURS = {"idle": ("#f1f3f5", "#adb5bd"), "training": ("#e7f5ff", "#1c7ed6"),
                  "stopped": ("#fff9db", "#f59f00"), "done": ("#ebfbee", "#2f9e44"),
                  "trained": ("#ebfbee", "#2f9e44"), "diverged": ("#fff5f5", "#c92a2a")}


def status_styles(status: str) -> dict[str, str]:
    """The inline styles of a run's status line: a box coloured by the status."""
    background, border = STATUS_COLOURS[status]
    return {**BOX, "background": background, "border-left": f"4px solid {border}"}
