"""The still picture of lesson `knn` at its defaults: both models' maps over the same points."""

from __future__ import annotations

import numpy as np

from faders.core import knn, logistic
from faders.core.datasets import HALF_WIDTH
from faders.core.playground import grid_points
from faders.lessons.kit.still import PANEL_WIDTH, Still, svg
from faders.lessons.knn import words
from faders.lessons.knn.state import BLUE, ORANGE, PALE, KnnLesson

# A coarse map keeps the picture small (it travels in the page); the live one is finer.
CELLS = 20


def blend(share: float) -> str:
    """The map's colour for a share of class 1: orange at 0, pale at 0.5, blue at 1."""
    low, high = (ORANGE, PALE) if share < 0.5 else (PALE, BLUE)
    t = 2 * share if share < 0.5 else 2 * share - 1
    a, b = (np.array([int(c[i:i + 2], 16) for i in (1, 3, 5)]) for c in (low, high))
    red, green, blue = np.round(a + (b - a) * t).astype(int)
    return f"#{red:02x}{green:02x}{blue:02x}"


def square_map(left: float, title: str, shares: np.ndarray, points: np.ndarray,
               labels: np.ndarray) -> list[str]:
    """One map: a cell per grid point coloured by its share of class 1, and the points over it."""
    square = Still(left, (-HALF_WIDTH, HALF_WIDTH), (-HALF_WIDTH, HALF_WIDTH))
    parts = [square.frame(title, "x", "y")]
    side = 2 * HALF_WIDTH / CELLS
    for cell, share in enumerate(shares):
        x, y = -HALF_WIDTH + (cell % CELLS) * side, -HALF_WIDTH + (cell // CELLS + 1) * side
        parts.append(f'<rect x="{square.x(x):.0f}" y="{square.y(y):.0f}" '
                     f'width="{square.x(x + side) - square.x(x) + 1:.0f}" '
                     f'height="{square.y(y - side) - square.y(y) + 1:.0f}" fill="{blend(share)}" '
                     'opacity=".75"/>')
    parts += [f'<circle cx="{square.x(a):.0f}" cy="{square.y(b):.0f}" r="2.5" '
              f'fill="{BLUE if label == 1 else ORANGE}"/>'
              for (a, b), label in zip(points.tolist(), labels.tolist(), strict=True)]
    return parts


def picture() -> str:
    """The lesson at its defaults, as SVG: logistic regression's map and kNN's, with the training points."""
    lesson = KnnLesson()
    train, grid = lesson.train, grid_points(CELLS)
    parametric = logistic.probability(lesson.model, grid)
    shares = knn.knn_predict(train.x, train.y, grid, lesson.k, task="regression")
    parts = square_map(0, words.LOGISTIC_TITLE, parametric, train.x, train.y)
    parts += square_map(PANEL_WIDTH, words.KNN_TITLE, shares, train.x, train.y)
    return svg(parts, words.PREVIEW_LABEL)
