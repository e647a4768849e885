"""Numbers written for people: 124,439,808 ≈ 124.4 M; 3.14 × 10²³ FLOPs; 16.06 GB; $2,345.

Every function returns words, never NaN or inf: a value that cannot be shown says so.
"""

from __future__ import annotations

import math

TOO_LARGE = "too large to show"
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
# Short scales for counts (parameters, tokens): thousand, million, billion, trillion.
COUNT_UNITS = [(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k")]
# Decimal units, as spec sheets (and faders.core.scale) count bytes.
BYTE_UNITS = [(1e15, "PB"), (1e12, "TB"), (1e9, "GB"), (1e6, "MB"), (1e3, "kB")]
MONEY_WORDS = [(1e12, "trillion"), (1e9, "billion"), (1e6, "million")]


def _finite(value: float) -> bool:
    return isinstance(value, int) or math.isfinite(value)


def significant(value: float, digits: int = 4) -> str:
    """Rounded to `digits` significant digits, written out in full: 124.4, 0.63, 120,000."""
    if not _finite(value):
        return TOO_LARGE
    if value == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(value))))
    text = f"{round(value, decimals):,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if decimals else text


def whole(value: float) -> str:
    """With thousands separators: 124,439,808."""
    return f"{round(value):,}" if _finite(value) else TOO_LARGE


def power_of_ten(value: float, digits: int = 3) -> str:
    """Scientific notation as printed in a book: 3.14 × 10²³ (plain digits below a million)."""
    if not _finite(value):
        return TOO_LARGE
    if value == 0 or 1e-3 <= abs(value) < 1e6:
        return significant(value, digits) if value != round(value) else whole(value)
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return f"{mantissa.rstrip('0').rstrip('.')} × 10{str(int(exponent)).translate(SUPERSCRIPT)}"


def _in_units(value: float, units: list[tuple[float, str]], single: str = "", plural: str = "") -> str:
    """Four significant digits in the largest unit the value reaches; below them all, plain."""
    if not _finite(value):
        return TOO_LARGE
    for size, unit in units:
        if abs(value) >= size:
            return f"{significant(value / size)} {unit}"
    return significant(value) + (single if value == 1 else plural)


def short_count(value: float) -> str:
    """A count rounded to four significant digits with its scale: 124.4 M, 8.03 B, 2."""
    return _in_units(value, COUNT_UNITS)


def count(value: float) -> str:
    """Exact and rounded side by side: 124,439,808 (≈ 124.4 M); small counts once: 2."""
    exact, rounded = whole(value), short_count(value)
    return exact if abs(value) < 1e3 or exact == TOO_LARGE else f"{exact} (≈ {rounded})"


def size_in_bytes(value: float) -> str:
    """Memory in decimal units: 8 bytes, 497.8 MB, 16.06 GB."""
    return _in_units(value, BYTE_UNITS, " byte", " bytes")


def gpu_time(hours: float) -> str:
    """GPU time in hours, or in seconds below one hour: 157.4 GPU-hours, 0.63 GPU-seconds."""
    if not _finite(hours):
        return TOO_LARGE
    if hours >= 1:
        amount = (power_of_ten(hours) if hours >= 1e9 else whole(hours) if hours >= 1000
                  else significant(hours))
        return f"{amount} GPU-hour" + ("" if amount == "1" else "s")
    return f"{power_of_ten(hours * 3600)} GPU-seconds"


def money(value: float) -> str:
    """Dollars: $0.00035, $2.50, $314, $441,366, $1.23 million."""
    if not _finite(value):
        return TOO_LARGE
    if value == 0:
        return "$0"
    if value >= 1e15:
        return f"${power_of_ten(value)}"
    for size, word in MONEY_WORDS:
        if value >= size:
            return f"${significant(value / size, 3)} {word}"
    if value >= 100:
        return f"${value:,.0f}"
    if value >= 0.01:
        return f"${value:.2f}"
    return f"${significant(value, 2)}" if value >= 1e-6 else f"${power_of_ten(value, 2)}"


def percent(fraction: float) -> str:
    """A fraction as a percentage: 0.4 -> 40%, 0.0003 -> 0.03%."""
    if not _finite(fraction):
        return TOO_LARGE
    return f"{significant(fraction * 100, 3)}%"
