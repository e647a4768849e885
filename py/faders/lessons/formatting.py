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
