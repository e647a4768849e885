"""The still picture of lesson `function` at its defaults: the data and the line, and the loss valley."""

from __future__ import annotations

import numpy as np

from faders.core import linear
from faders.lessons.function import words
from faders.lessons.function.state import B_RANGE, CONTOUR_LEVELS, W_RANGE
from faders.lessons.kit.charts import ACCENT, INK, MODEL, MUTED
from faders.lessons.kit.still import PANEL_WIDTH, Still, svg


def picture(w: float = 0.0, b: float = 0.0) -> str:
    """The lesson with its knobs at w, b, as SVG: the line through the data, the loss surface's rings."""
    fit = Still(0, (-0.5, 4.5), (-2, 11))
    parts = [fit.frame(words.FIT_TITLE, "x", words.FIT_Y_LABEL)]
    preds = linear.predict(w, b, linear.X)
    for x, y, pred in zip(linear.X, linear.Y, preds, strict=True):
        parts.append(fit.polyline([x, x], [y, pred], stroke=ACCENT, stroke_dasharray="4 3"))
    line_x = np.array([-0.5, 4.5])
    parts.append(fit.polyline(line_x, linear.predict(w, b, line_x), stroke=MODEL, stroke_width="3"))
    parts += [f'<circle cx="{fit.x(x):.1f}" cy="{fit.y(y):.1f}" r="5" fill="{INK}"/>'
              for x, y in zip(linear.X, linear.Y, strict=True)]

    surface = Still(PANEL_WIDTH, W_RANGE, B_RANGE)
    parts.append(surface.frame(words.SURFACE_TITLE, "w", "b"))
    for w_points, b_points in linear.loss_contours(linear.X, linear.Y, CONTOUR_LEVELS):
        inside = ((w_points >= W_RANGE[0]) & (w_points <= W_RANGE[1]) &
                  (b_points >= B_RANGE[0]) & (b_points <= B_RANGE[1]))
        if inside.all():
            parts.append(surface.polyline(w_points, b_points, stroke=MUTED))
    parts.append(f'<circle cx="{surface.x(w):.1f}" cy="{surface.y(b):.1f}" r="6" fill="{ACCENT}"/>')
    return svg(parts, words.PREVIEW_LABEL)
