"""Small Bokeh figure factories shared by the lessons: one look, no maths."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

import panel as pn
from bokeh.plotting import figure

INK = "#1f2933"
ACCENT = "#d9480f"
MODEL = "#1c7ed6"
MUTED = "#868e96"


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
