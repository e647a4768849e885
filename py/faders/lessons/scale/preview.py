"""The still picture of lesson `scale` at its defaults (GPT-2 small): memory against the devices,
and the compute of training against inference."""

from __future__ import annotations

import math
from collections.abc import Callable
from xml.sax.saxutils import escape

from faders.lessons.kit.charts import ACCENT, MODEL, MUTED
from faders.lessons.kit.still import MARGIN, PANEL_HEIGHT, PANEL_WIDTH, Still, svg
from faders.lessons.scale import readable, words
from faders.lessons.scale.state import PRECISIONS, ScaleLesson, fit_colour


def log_bars(panel: Still, rows: list[tuple[str, float, str]], unit: Callable[[float], str]) -> list[str]:
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


def picture() -> str:
    """The lesson at its defaults, as SVG: the weights' memory at each precision beside a laptop's
    and two GPUs', and the FLOPs of training and inference beside lesson 1's line."""
    results = ScaleLesson().results()
    memory = Still(0, (0, 13), (0, 1))
    parts = [memory.frame(words.MEMORY_TITLE, "bytes", "")]
    rows = [(words.DEVICE_NAMES[key], device["memory_bytes"], MUTED)
            for key, device in results["devices"].items()]
    rows += [(f"{results['model']}, {p}", results["memory_bytes"][p], fit_colour(results["fits"][p]))
             for p in PRECISIONS]
    parts += log_bars(memory, rows, readable.size_in_bytes)
    compute = Still(PANEL_WIDTH, (0, 25), (0, 1))
    parts.append(compute.frame(words.COMPUTE_TITLE, "FLOPs", ""))
    line = results["line"]
    line_training, line_prediction = words.PREVIEW_LINE_ROWS
    rows = [(words.TRAINING, results["training_flops"], MODEL),
            (words.MILLION_TOKENS, results["inference_flops_per_million_tokens"], MODEL),
            (words.ONE_TOKEN, results["inference_flops_per_token"], MODEL),
            (line_training, line["training_flops"], ACCENT),
            (line_prediction, line["inference_flops"], ACCENT)]
    parts += log_bars(compute, rows, readable.power_of_ten)
    return svg(parts, words.PREVIEW_LABEL)
