"""Still pictures of the lessons, drawn at build time so a page shows something at once."""

from __future__ import annotations

import numpy as np

from faders.core import playground
from faders.core.datasets import HALF_WIDTH
from faders.lessons.function import preview as function_preview
from faders.lessons.gpus import preview as gpus_preview
from faders.lessons.kit.still import PANEL_HEIGHT, PANEL_WIDTH, Still
from faders.lessons.knn import preview as knn_preview
from faders.lessons.logits import preview as logits_preview
from faders.lessons.network import NetworkLesson
from faders.lessons.network_view import BLUE, ORANGE, PALETTE
from faders.lessons.scale import preview as scale_preview


def network_preview() -> str:
    """The `network` lesson at its defaults, before training: the untrained network's map under the
    circle's training points, and the empty loss chart."""
    run = NetworkLesson().current_run
    setup = run.setup
    # A coarse map keeps the picture small (it travels in the page); the live one is finer.
    output = playground.decision_maps(run.model, setup.features, setup.loss, setup.problem, 12).output
    square = Still(0, (-HALF_WIDTH, HALF_WIDTH), (-HALF_WIDTH, HALF_WIDTH))
    parts = [square.frame("The network's answer over the square", "x", "y")]
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
    parts += [losses.frame("Loss while training", "epoch", "loss"),
              losses.note("Train draws the train and test loss here")]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {2 * PANEL_WIDTH} {PANEL_HEIGHT}" '
            f'role="img" aria-label="The circle dataset, blue points inside orange ones, over the '
            f'untrained network\'s answer, and an empty chart of the loss">{"".join(parts)}</svg>')


PREVIEWS = {"function": function_preview.picture, "logits": logits_preview.picture,
            "scale": scale_preview.picture, "gpus": gpus_preview.picture, "network": network_preview,
            "knn": knn_preview.picture}
