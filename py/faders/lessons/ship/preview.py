"""The still picture of lesson `ship` at its defaults: accuracy as the inputs drift, and the four
scores of question 2 against the threshold."""

from __future__ import annotations

from faders.lessons.kit.still import PANEL_WIDTH, Still, svg
from faders.lessons.ship import words
from faders.lessons.ship.state import DRIFT_FRACTIONS, SCORE_COLOURS, ShipLesson


def picture() -> str:
    """The lesson at its defaults, as SVG: two line charts from the lesson's own numbers."""
    lesson = ShipLesson()
    drift = lesson.drift()
    sweep = lesson.metric_numbers()["sweep"]
    left = Still(0, (0, DRIFT_FRACTIONS[-1]), (0, 1))
    parts = [left.frame(words.DRIFT_TITLE, words.DRIFT_X, "test accuracy"), left.x_ticks([0, 0.5, 1, 1.5, 2]),
             left.polyline([row[0] for row in drift], [row[1] for row in drift], stroke="#1c7ed6",
                           stroke_width="2.5")]
    right = Still(PANEL_WIDTH, (0, 1), (0, 1))
    parts += [right.frame(words.SWEEP_TITLE, "threshold", "score"), right.x_ticks([0, 0.25, 0.5, 0.75, 1])]
    for column, colour in enumerate(SCORE_COLOURS.values(), start=1):
        rows = [row for row in sweep if row[column] is not None]
        parts.append(right.polyline([row[0] for row in rows], [row[column] for row in rows], stroke=colour,
                                    stroke_width="2"))
    return svg(parts, words.PREVIEW_LABEL)
