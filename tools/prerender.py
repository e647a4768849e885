"""Still pictures of the lessons, drawn at build time so a page shows something at once."""

from __future__ import annotations

import math
from collections.abc import Sequence
from xml.sax.saxutils import escape

import numpy as np

from faders.core import linear, playground
from faders.core import softmax as sm
from faders.core.datasets import HALF_WIDTH
from faders.lessons import readable
from faders.lessons.function import B_RANGE, CONTOUR_LEVELS, W_RANGE
from faders.lessons.gpus import GpusLesson, benchmark_sizes
from faders.lessons.kit.charts import LABEL_COLOURS
from faders.lessons.kit.formatting import format_number, format_probability
from faders.lessons.logits import DEFAULT_LABELS, DEFAULT_LOGITS
from faders.lessons.network import NetworkLesson
from faders.lessons.network_view import BLUE, ORANGE, PALETTE
from faders.lessons.scale import PRECISIONS, ScaleLesson
from faders.lessons.scale_view import DEVICE_NAMES, fit_colour

PANEL_WIDTH, PANEL_HEIGHT, MARGIN = 480, 300, 40


class Panel:
    """Maps data coordinates to one panel of the picture."""

    def __init__(self, left: float, x_range: Sequence[float], y_range: Sequence[float]) -> None:
        self.left, self.x_range, self.y_range = left, x_range, y_range

    def x(self, value: float) -> float:
        low, high = self.x_range
        return self.left + MARGIN + (value - low) / (high - low) * (PANEL_WIDTH - 2 * MARGIN)

    def y(self, value: float) -> float:
        low, high = self.y_range
        return PANEL_HEIGHT - MARGIN - (value - low) / (high - low) * (PANEL_HEIGHT - 2 * MARGIN)

    def frame(self, title: str, x_label: str, y_label: str) -> str:
        left, top = self.left + MARGIN, MARGIN
        width, height = PANEL_WIDTH - 2 * MARGIN, PANEL_HEIGHT - 2 * MARGIN
        return (f'<rect x="{left}" y="{top}" width="{width}" height="{height}" fill="#f4f6f8"/>'
                f'<text x="{left}" y="{top - 12}" font-size="14" fill="#1f2933">{escape(title)}</text>'
                f'<text x="{left + width / 2}" y="{PANEL_HEIGHT - 8}" font-size="12" fill="#5f6b76" '
                f'text-anchor="middle">{escape(x_label)}</text>'
                f'<text x="{self.left + 14}" y="{top + height / 2}" font-size="12" fill="#5f6b76" '
                f'text-anchor="middle" transform="rotate(-90 {self.left + 14} {top + height / 2})">'
                f'{escape(y_label)}</text>')

    def note(self, text: str) -> str:
        """A line of text in the middle of the panel (what appears there once the lesson runs)."""
        return (f'<text x="{self.left + PANEL_WIDTH / 2}" y="{PANEL_HEIGHT / 2}" font-size="13" '
                f'fill="#5f6b76" text-anchor="middle">{escape(text)}</text>')

    def x_ticks(self, values: Sequence[float]) -> str:
        bottom = PANEL_HEIGHT - MARGIN
        return "".join(f'<text x="{self.x(v):.1f}" y="{bottom + 14}" font-size="10" fill="#5f6b76" '
                       f'text-anchor="middle">{v:g}</text>' for v in values)

    def polyline(self, xs: Sequence[float], ys: Sequence[float], **style: str) -> str:
        points = " ".join(f"{self.x(a):.1f},{self.y(b):.1f}" for a, b in zip(xs, ys, strict=True))
        attributes = " ".join(f'{k.replace("_", "-")}="{v}"' for k, v in style.items())
        return f'<polyline points="{points}" fill="none" {attributes}/>'

    def bars(self, labels: Sequence[str], values: Sequence[float], texts: Sequence[str]) -> str:
        """One bar per label from 0 to its value, coloured as on the live page, the value above
        it and the label below the frame."""
        parts = []
        for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
            left, right = self.x(i + 0.15), self.x(i + 0.85)
            top, bottom = sorted((self.y(value), self.y(0)))
            parts.append(f'<rect x="{left:.1f}" y="{top:.1f}" width="{right - left:.1f}" '
                         f'height="{bottom - top:.1f}" fill="{LABEL_COLOURS[i]}"/>')
            middle = (left + right) / 2
            parts.append(f'<text x="{middle:.1f}" y="{min(top, self.y(value)) - 4:.1f}" font-size="12" '
                         f'fill="#1f2933" text-anchor="middle">{escape(text)}</text>')
            parts.append(f'<text x="{middle:.1f}" y="{PANEL_HEIGHT - MARGIN + 16}" font-size="12" '
                         f'fill="#5f6b76" text-anchor="middle">{escape(label)}</text>')
        return "".join(parts)


def function_preview(w: float = 0.0, b: float = 0.0) -> str:
    """The `function` lesson at its defaults: the data and the line, and the loss valley."""
    fit = Panel(0, (-0.5, 4.5), (-2, 11))
    parts = [fit.frame("The model's line and the data", "x", "y = w·x + b")]
    preds = linear.predict(w, b, linear.X)
    for x, y, pred in zip(linear.X, linear.Y, preds, strict=True):
        parts.append(fit.polyline([x, x], [y, pred], stroke="#d9480f", stroke_dasharray="4 3"))
    line_x = np.array([-0.5, 4.5])
    parts.append(fit.polyline(line_x, linear.predict(w, b, line_x), stroke="#1c7ed6", stroke_width="3"))
    parts += [f'<circle cx="{fit.x(x):.1f}" cy="{fit.y(y):.1f}" r="5" fill="#1f2933"/>'
              for x, y in zip(linear.X, linear.Y, strict=True)]

    surface = Panel(PANEL_WIDTH, W_RANGE, B_RANGE)
    parts.append(surface.frame("Loss for every (w, b): the valley training walks down", "w", "b"))
    for w_points, b_points in linear.loss_contours(linear.X, linear.Y, CONTOUR_LEVELS):
        inside = (w_points >= W_RANGE[0]) & (w_points <= W_RANGE[1]) & \
                 (b_points >= B_RANGE[0]) & (b_points <= B_RANGE[1])
        if inside.all():
            parts.append(surface.polyline(w_points, b_points, stroke="#868e96"))
    parts.append(f'<circle cx="{surface.x(w):.1f}" cy="{surface.y(b):.1f}" r="6" fill="#d9480f"/>')
    width = 2 * PANEL_WIDTH
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {PANEL_HEIGHT}" '
            f'role="img" aria-label="The five data points with the line at w = 0, b = 0, and the '
            f'loss surface as rings around the best fit">{"".join(parts)}</svg>')


def logits_preview() -> str:
    """The `logits` lesson at its defaults: the logits as bars beside the probabilities."""
    labels, logits = DEFAULT_LABELS, DEFAULT_LOGITS
    probabilities = sm.softmax(logits)
    raw = Panel(0, (0, len(labels)), (-2, 5))
    parts = [raw.frame("Logits: the model's raw scores", "", "logit z"),
             raw.polyline([0, len(labels)], [0, 0], stroke="#868e96"),
             raw.bars(labels, logits, [format_number(z) for z in logits])]
    shares = Panel(PANEL_WIDTH, (0, len(labels)), (0, 1.1))
    parts += [shares.frame("Probabilities: softmax of the logits", "", "probability p"),
              shares.bars(labels, probabilities, [format_probability(p) for p in probabilities])]
    width = 2 * PANEL_WIDTH
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {PANEL_HEIGHT}" '
            f'role="img" aria-label="Bars of the logits of cat, dog and car beside the probabilities '
            f'softmax makes of them">{"".join(parts)}</svg>')




def log_bars(panel: Panel, rows: list[tuple[str, float, str]], unit: str) -> list[str]:
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
    memory = Panel(0, (0, 13), (0, 1))
    parts = [memory.frame("Memory of the weights (log scale)", "bytes", "")]
    rows = [(DEVICE_NAMES[key], device["memory_bytes"], "#868e96")
            for key, device in results["devices"].items()]
    rows += [(f"GPT-2 small, {p}", results["memory_bytes"][p], fit_colour(results["fits"][p]))
             for p in PRECISIONS]
    parts += log_bars(memory, rows, readable.size_in_bytes)
    compute = Panel(PANEL_WIDTH, (0, 25), (0, 1))
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
    speed = Panel(0, (0, largest * 1.05), (0, 1))
    parts = [speed.frame("Matrix products per second, measured here", "matrix size n",
                         "GFLOP/s"),
             speed.x_ticks(benchmark_sizes(largest)),
             speed.note("Benchmark draws numpy and WebGPU here, size by size")]
    epochs = Panel(PANEL_WIDTH, (0, 1), (0, 1))
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
    square = Panel(0, (-HALF_WIDTH, HALF_WIDTH), (-HALF_WIDTH, HALF_WIDTH))
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
    losses = Panel(PANEL_WIDTH, (0, 1), (0, 1))
    parts += [losses.frame("Loss while training", "epoch", "loss"),
              losses.note("Train draws the train and test loss here")]
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {2 * PANEL_WIDTH} {PANEL_HEIGHT}" '
            f'role="img" aria-label="The circle dataset, blue points inside orange ones, over the '
            f'untrained network\'s answer, and an empty chart of the loss">{"".join(parts)}</svg>')


PREVIEWS = {"function": function_preview, "logits": logits_preview, "scale": scale_preview,
            "gpus": gpus_preview, "network": network_preview}
