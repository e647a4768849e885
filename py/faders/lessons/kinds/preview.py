"""The still picture of lesson `kinds` at its defaults: the labelled points and k-means' groups."""

from __future__ import annotations

from faders.core.datasets import HALF_WIDTH
from faders.lessons.kinds import words
from faders.lessons.kinds.state import BLUE, GROUP_COLOURS, ORANGE, KindsLesson
from faders.lessons.kit.still import PANEL_WIDTH, Still, svg

SQUARE = (-HALF_WIDTH, HALF_WIDTH)


def dots(panel: Still, points: list[list[float]], colours: list[str]) -> list[str]:
    """The points inside the square (a few of the blobs' stray beyond it, as on the live charts)."""
    low, high = SQUARE
    return [f'<circle cx="{panel.x(a):.0f}" cy="{panel.y(b):.0f}" r="2.5" fill="{colour}"/>'
            for (a, b), colour in zip(points, colours, strict=True) if low <= a <= high and low <= b <= high]


def boundary(panel: Still, numbers: list[float]) -> str:
    """The classifier's line w₁·x + w₂·y + b = 0 across the square (nothing if it misses it)."""
    w1, w2, b = numbers
    if abs(w2) >= abs(w1):
        ends = [(x, -(w1 * x + b) / w2) for x in SQUARE]
    else:
        ends = [(-(w2 * y + b) / w1, y) for y in SQUARE]
    (x0, y0), (x1, y1) = ends
    return (f'<line x1="{panel.x(x0):.0f}" y1="{panel.y(y0):.0f}" x2="{panel.x(x1):.0f}" '
            f'y2="{panel.y(y1):.0f}" stroke="#1f2933" stroke-width="2" stroke-dasharray="6 4"/>')


def cross(panel: Still, x: float, y: float, colour: str) -> str:
    cx, cy = panel.x(x), panel.y(y)
    return "".join(f'<line x1="{cx - 7:.0f}" y1="{cy + dy:.0f}" x2="{cx + 7:.0f}" y2="{cy - dy:.0f}" '
                   f'stroke="{colour}" stroke-width="4"/>' for dy in (7, -7))


def picture() -> str:
    """The lesson at its defaults, as SVG: the classifier on the labelled points, k-means settled on
    the same points with their labels hidden."""
    lesson = KindsLesson()
    learned, points = lesson.supervised(), lesson.points()
    labelled, grouped = Still(0, SQUARE, SQUARE), Still(PANEL_WIDTH, SQUARE, SQUARE)
    settled = lesson.kmeans_steps()[-1]
    parts = [labelled.frame(words.SUPERVISED_TITLE, "x", "y")]
    parts += dots(labelled, learned.train.x.tolist(),
                  [BLUE if label == 1 else ORANGE for label in learned.train.y.tolist()])
    parts.append(boundary(labelled, learned.model.numbers))
    parts.append(grouped.frame(words.GROUPS_TITLE, "x", "y"))
    parts += dots(grouped, points.x.tolist(), [GROUP_COLOURS[group] for group in settled.groups.tolist()])
    parts += [cross(grouped, x, y, "#1f2933") for x, y in settled.centres.tolist()]
    return svg(parts, words.PREVIEW_LABEL)
