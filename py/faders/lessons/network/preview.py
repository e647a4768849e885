"""The still picture of lesson `network` at its defaults, before training: the untrained network's map
under the circle's training points, and the empty loss chart."""

from __future__ import annotations

import numpy as np

from faders.core import playground
from faders.core.datasets import HALF_WIDTH
from faders.lessons.kit.still import PANEL_WIDTH, Still, svg
from faders.lessons.network import words
from faders.lessons.network.colours import BLUE, ORANGE, PALETTE
from faders.lessons.network.state import NetworkLesson


def picture() -> str:
    """The playground at its defaults, as SVG."""
    run = NetworkLesson().current_run
    setup = run.setup
    # A coarse map keeps the picture small (it travels in the page); the live one is finer.
    output = playground.decision_maps(run.model, setup.features, setup.loss, setup.problem, 12).output
    square = Still(0, (-HALF_WIDTH, HALF_WIDTH), (-HALF_WIDTH, HALF_WIDTH))
    parts = [square.frame(words.PREVIEW_MAP_TITLE, "x", "y")]
    cells = output.shape[0]
    side = 2 * HALF_WIDTH / cells
    for row in range(cells):
        for column in range(cells):
            x, y = -HALF_WIDTH + column * side, -HALF_WIDTH + (row + 1) * side
            shade = PALETTE[int(np.clip(output[row, column], 0, 1) * (len(PALETTE) - 1))]
            parts.append(f'<rect x="{square.x(x):.0f}" y="{square.y(y):.0f}" '
                         f'width="{square.x(x + side) - square.x(x) + 1:.0f}" '
                         f'height="{square.y(y - side) - square.y(y) + 1:.0f}" fill="{shade}" '
                         f'opacity=".75"/>')
    parts += [f'<circle cx="{square.x(a):.0f}" cy="{square.y(b):.0f}" r="2.5" '
              f'fill="{BLUE if label == 1 else ORANGE}"/>'
              for (a, b), label in zip(run.train.x.tolist(), run.train.y.tolist(), strict=True)]
    losses = Still(PANEL_WIDTH, (0, 1), (0, 1))
    parts += [losses.frame(words.PREVIEW_LOSS_TITLE, "epoch", "loss"), losses.note(words.PREVIEW_LOSS_NOTE)]
    return svg(parts, words.PREVIEW_LABEL)
