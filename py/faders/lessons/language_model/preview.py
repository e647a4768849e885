"""The still picture of lesson `language-model`: the bigram's table as a colour map, and the
probabilities of a name's first letter."""

from __future__ import annotations

import numpy as np

from faders.lessons.kit.charts import MODEL
from faders.lessons.kit.still import MARGIN, PANEL_HEIGHT, PANEL_WIDTH, Still, svg
from faders.lessons.language_model import words
from faders.lessons.language_model.state import BIGRAM, VOCABULARY


def picture() -> str:
    """The table of counts (darker: more often) and the row after a space, as SVG."""
    size = VOCABULARY.size
    table = Still(0, (-0.5, size - 0.5), (size - 0.5, -0.5))
    parts = [table.frame(words.HEATMAP_TITLE, words.HEATMAP_X, words.HEATMAP_Y)]
    shade = np.log1p(BIGRAM.counts) / np.log1p(BIGRAM.counts.max())
    cell_w = (PANEL_WIDTH - 2 * MARGIN) / size
    cell_h = (PANEL_HEIGHT - 2 * MARGIN) / size
    for a in range(size):
        for b in range(size):
            if shade[a, b] > 0:
                parts.append(f'<rect x="{table.x(b - 0.5):.1f}" y="{table.y(a - 0.5):.1f}" '
                             f'width="{cell_w:.2f}" height="{cell_h:.2f}" fill="{MODEL}" '
                             f'fill-opacity="{shade[a, b]:.2f}"/>')
    start = BIGRAM.probabilities[VOCABULARY.padding_id]
    bars = Still(PANEL_WIDTH, (-0.5, size - 0.5), (0, float(start.max()) * 1.1))
    parts.append(bars.frame(words.NEXT_TITLE, words.HEATMAP_X, "probability"))
    for b, p in enumerate(start):
        top, bottom = bars.y(p), bars.y(0)
        parts.append(f'<rect x="{bars.x(b - 0.4):.1f}" y="{top:.1f}" width="{cell_w * 0.8:.2f}" '
                     f'height="{bottom - top:.1f}" fill="{MODEL}"/>')
    return svg(parts, words.PREVIEW_LABEL)
