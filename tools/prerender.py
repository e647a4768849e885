"""Still pictures of the lessons, drawn at build time so a page shows something at once."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

import numpy as np

from faders.core import linear
from faders.lessons.function import B_RANGE, CONTOUR_LEVELS, W_RANGE
from faders.lessons.gpus import GpusLesson, benchmark_sizes

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


PREVIEWS = {"function": function_preview, "gpus": gpus_preview}
