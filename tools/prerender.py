"""Still pictures of the lessons, drawn at build time so a page shows something at once."""

from __future__ import annotations

import math
from xml.sax.saxutils import escape

import numpy as np

from faders.core import playground
from faders.core import softmax as sm
from faders.core.datasets import HALF_WIDTH
from faders.lessons import readable
from faders.lessons.bias_variance import preview as bias_variance_preview
from faders.lessons.function import preview as function_preview
from faders.lessons.gpus import GpusLesson, benchmark_sizes
from faders.lessons.kit.formatting import format_number, format_probability
from faders.lessons.kit.still import MARGIN, PANEL_HEIGHT, PANEL_WIDTH, Still
from faders.lessons.logits import DEFAULT_LABELS, DEFAULT_LOGITS
from faders.lessons.network import NetworkLesson
from faders.lessons.network_view import BLUE, ORANGE, PALETTE
from faders.lessons.scale import PRECISIONS, ScaleLesson
from faders.lessons.scale_view import DEVICE_NAMES, fit_colour


def logits_preview() -> str:
    """The `logits` lesson at its defaults: the logits as bars beside the probabilities."""
    labels, logits = DEFAULT_LABELS, DEFAULT_LOGITS
    probabilities = sm.softmax(logits)
    raw = Still(0, (0, len(labels)), (-2, 5))
    parts = [raw.frame("Logits: the model's raw scores", "", "logit z"),
             raw.polyline([0, len(labels)], [0, 0], stroke="#868e96"),
             raw.bars(labels, logits, [format_number(z) for z in logits])]
    shares = Still(PANEL_WIDTH, (0, len(labels)), (0, 1.1))
    parts += [shares.frame("Probabilities: softmax of the logits", "", "probability p"),
              shares.bars(labels, probabilities, [format_probability(p) for p in probabilities])]
    width = 2 * PANEL_WIDTH
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {PANEL_HEIGHT}" '
            f'role="img" aria-label="Bars of the logits of cat, dog and car beside the probabilities '
            f'softmax makes of them">{"".join(parts)}</svg>')




def log_bars(panel: Still, rows: list[tuple[str, float, str]], unit: str) -> list[str]:
    """Horizontal bars on a log scale (panel's x range in decades), each named above its bar."""
    step = (PANEL_HEIGHT - 2 * MARGIN) / len(rows)
    parts = []
    for index, (name, value, colour) in enumerate(rows):
        top = MARGIN + index * step
        left, right = panel.x(panel.x_range[0]), panel.x(math.log10(value))
        parts.append(f'<text x="{left + 2}" y="{top + step * 0.42:.1f}" font-size="10" fill="#5f6b76">'
                     f'{escape(name)}: {escape(unit(value))}</text>'
                     f'<rect x="{left}" y="{top + step * 0.5:.1f}" width="{max(right - left, 1):.1f}" '
                     f'height="{step * 0.4:.1f}" fill="{colour}"/>')
    return parts


def scale_preview() -> str:
    """The `scale` lesson at its defaults (GPT-2 small): memory against the devices, and compute."""
    results = ScaleLesson().results()
    memory = Still(0, (0, 13), (0, 1))
    parts = [memory.frame("Memory of the weights (log scale)", "bytes", "")]
    rows = [(DEVICE_NAMES[key], device["memory_bytes"], "#868e96")
            for key, device in results["devices"].items()]
    rows += [(f"GPT-2 small, {p}", results["memory_bytes"][p], fit_colour(results["fits"][p]))
             for p in PRECISIONS]
    parts += log_bars(memory, rows, readable.size_in_bytes)
    compute = Still(PANEL_WIDTH, (0, 25), (0, 1))
    parts.append(compute.frame("Training vs inference (log scale)", "FLOPs", ""))
    line = results["line"]
    rows = [("training: 6·N·D", results["training_flops"], "#1c7ed6"),
            ("10⁶ tokens of inference", results["inference_flops_per_million_tokens"], "#1c7ed6"),
            ("1 token of inference: 2·N", results["inference_flops_per_token"], "#1c7ed6"),
            ("lesson 1's line, training", line["training_flops"], "#d9480f"),
            ("lesson 1's line, 1 prediction", line["inference_flops"], "#d9480f")]
    parts += log_bars(compute, rows, readable.power_of_ten)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {2 * PANEL_WIDTH} {PANEL_HEIGHT}" '
            f'role="img" aria-label="GPT-2 small: the memory its weights take at four precisions against '
            f'a laptop and two GPUs, and the compute of training against inference">{"".join(parts)}</svg>')


def gpus_preview() -> str:
    """The `gpus` lesson at its defaults, before anything is measured: the two empty charts."""
    largest = GpusLesson.param.max_size.default
    speed = Still(0, (0, largest * 1.05), (0, 1))
    parts = [speed.frame("Matrix products per second, measured here", "matrix size n",
                         "GFLOP/s"),
             speed.x_ticks(benchmark_sizes(largest)),
             speed.note("Benchmark draws numpy and WebGPU here, size by size")]
    epochs = Still(PANEL_WIDTH, (0, 1), (0, 1))
    parts += [epochs.frame("Seconds per epoch, engine by engine", "epoch", "seconds"),
              epochs.note("Train races the same network on each engine")]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {2 * PANEL_WIDTH} {PANEL_HEIGHT}" '
            f'role="img" aria-label="Two empty charts waiting for measurements: matrix products per '
            f'second against matrix size, and seconds per training epoch on each engine">'
            f'{"".join(parts)}</svg>')


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


PREVIEWS = {"function": function_preview.picture, "logits": logits_preview, "scale": scale_preview,
            "gpus": gpus_preview, "network": network_preview,
            "bias-variance": bias_variance_preview.picture}
