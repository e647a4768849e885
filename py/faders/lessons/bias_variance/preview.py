"""The still picture of lesson `bias-variance` at its defaults: the fit over the points and the truth,
and the training and test errors against the degree."""

from __future__ import annotations

import math

import numpy as np

from faders.core.datasets import TARGETS_1D
from faders.lessons.bias_variance import words
from faders.lessons.bias_variance.state import DEGREES, GRID, BiasVarianceLesson
from faders.lessons.kit.charts import ACCENT, INK, MODEL, MUTED
from faders.lessons.kit.still import PANEL_WIDTH, Still, svg

Y_RANGE = (-2.5, 2.5)
LOG_ERRORS = (-4.0, 4.0)  # the error panel's vertical range, in powers of ten


def picture() -> str:
    """The lesson at its defaults, as SVG."""
    lesson = BiasVarianceLesson()
    train, _ = lesson.data()
    fit = Still(0, (-1.05, 1.05), Y_RANGE)
    parts = [fit.frame(words.FIT_TITLE, "x", "y"),
             fit.polyline(GRID, TARGETS_1D[lesson.truth](GRID), stroke=MUTED, stroke_dasharray="5 4"),
             fit.polyline(GRID, np.clip(lesson.fit_curve(), *Y_RANGE), stroke=MODEL, stroke_width="3")]
    parts += [f'<circle cx="{fit.x(x):.1f}" cy="{fit.y(y):.1f}" r="4" fill="{INK}"/>'
              for x, y in zip(train.x[:, 0], train.y, strict=True)]

    curve = Still(PANEL_WIDTH, (DEGREES.start - 0.5, DEGREES.stop - 0.5), LOG_ERRORS)
    parts += [curve.frame(words.CURVE_TITLE, "degree", "log₁₀ mean squared error"),
              curve.x_ticks([0, 5, 10, 15, 20])]
    for errors, colour in zip(lesson.error_curve(), (MODEL, ACCENT), strict=True):
        logs = np.clip([math.log10(max(e, 1e-300)) for e in errors], *LOG_ERRORS)
        parts.append(curve.polyline(list(DEGREES), logs, stroke=colour, stroke_width="2"))
    return svg(parts, words.PREVIEW_LABEL)
