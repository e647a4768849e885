"""How numbers appear to a reader: short, and never NaN or inf."""

from __future__ import annotations

import math


def format_number(value: float) -> str:
    """A number for the reader: four significant digits, never NaN."""
    if not math.isfinite(value):
        return "too large to show"
    return f"{value:.4g}"


def format_probability(p: float) -> str:
    """A probability or a share: four decimals (0.8877); a tiny one in powers of ten, never 0.0000."""
    if not math.isfinite(p):
        return "too large to show"
    if p == 0 or p >= 1e-4:
        return f"{p:.4f}" if p else "0"
    return f"{p:.2g}"


def format_count(count: int) -> str:
    """A whole number with thousands separated: 1,000."""
    return f"{count:,}"


def run_message(status: str, epoch: int, numbers: str, learning_rate: float, idle: str) -> str:
    """The status line of a training run (idle, training, stopped, done or diverged), in words.

    `numbers` says how the run stands, e.g. "train loss 0.1, test loss 0.2"; `idle` is the line before
    any training.
    """
    if status == "diverged":
        return (f"Training diverged at epoch {epoch}: the loss grew beyond what can be shown. A learning "
                f"rate of {learning_rate:g} is too large for this network; press Reset and try a "
                "smaller one.")
    if status == "done":
        return f"Stopped at epoch {epoch}, as asked: {numbers}."
    if status == "training":
        return f"Training: epoch {epoch}, {numbers}."
    if status == "stopped":
        return f"Stopped at epoch {epoch}: {numbers}. Train continues from here."
    return idle
