"""The still picture of lesson `gpus` at its defaults, before anything is measured: the two empty charts."""

from __future__ import annotations

from faders.lessons.gpus import words
from faders.lessons.gpus.state import GpusLesson, benchmark_sizes
from faders.lessons.kit.still import PANEL_WIDTH, Still, svg


def picture() -> str:
    """The benchmark's chart with the sizes it will measure, beside the chart of seconds per epoch, as SVG."""
    largest = GpusLesson.param.max_size.default
    speed = Still(0, (0, largest * 1.05), (0, 1))
    parts = [speed.frame(words.SPEED_TITLE, words.PREVIEW_SPEED_X_LABEL, "GFLOP/s"),
             speed.x_ticks(benchmark_sizes(largest)),
             speed.note(words.PREVIEW_SPEED_NOTE)]
    epochs = Still(PANEL_WIDTH, (0, 1), (0, 1))
    parts += [epochs.frame(words.EPOCH_TITLE, "epoch", "seconds"),
              epochs.note(words.PREVIEW_EPOCH_NOTE)]
    return svg(parts, words.PREVIEW_LABEL)
