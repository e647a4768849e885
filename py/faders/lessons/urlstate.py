"""A lesson's knobs as URL query parameters: one table, read and written in one place.

Each lesson lists `url_names` (query key -> parameter name). Values from outside (the URL, the
automation API) are checked against the parameter's type and bounds; anything that does not fit
is reported in a notice and leaves the knob as it was.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import param

# Keys the page itself reads; they are not lesson knobs and need no notice.
PAGE_KEYS = frozenset({"embed"})


@dataclass
class Applied:
    """What came of a set of outside values: the knobs that changed and what was refused."""

    values: dict[str, object] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)


def format_value(value: object) -> str:
    """A knob's value as it appears in a URL: short, exact enough to reproduce the setting."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, int) and abs(value) >= 10**6:
        # Large round counts, exactly and briefly: 300000000000 -> 3e11.
        digits = str(abs(value)).rstrip("0")
        compact = f"{'-' if value < 0 else ''}{digits}e{len(str(abs(value))) - len(digits)}"
        return compact if len(compact) < len(str(value)) else str(value)
    return str(value)


def to_query(state: param.Parameterized, url_names: Mapping[str, str]) -> dict[str, str]:
    """The query parameters that reproduce the current knobs."""
    return {key: format_value(getattr(state, name)) for key, name in url_names.items()}


def parse_value(parameter: param.Parameter, raw: object) -> object:
    """Convert one outside value to the parameter's type, or raise ValueError saying why."""
    text = str(raw).strip()
    if isinstance(parameter, param.Boolean):
        if text.lower() in ("1", "true", "yes", "on"):
            return True
        if text.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError("is not on/off (use 1 or 0)")
    if isinstance(parameter, param.Selector):
        if text not in [str(o) for o in parameter.objects]:
            choices = ", ".join(str(o) for o in parameter.objects)
            raise ValueError(f"is not one of {choices}")
        return next(o for o in parameter.objects if str(o) == text)
    if isinstance(parameter, param.Number):
        try:
            # Whole numbers as written are exact at any size; a float would round past 2**53.
            number = int(text) if isinstance(parameter, param.Integer) and text.lstrip("+-").isdigit() \
                else float(text)
        except ValueError:
            raise ValueError("is not a number") from None
        if not math.isfinite(number):
            raise ValueError("is not a finite number")
        if isinstance(parameter, param.Integer):
            if number != int(number):
                raise ValueError("is not a whole number")
            number = int(number)
        low, high = parameter.bounds or (None, None)
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValueError(f"is outside the range {format_value(low)} to {format_value(high)}")
        return number
    raise ValueError("cannot be set from outside")


def parse_query(state: param.Parameterized, url_names: Mapping[str, str],
                query: Mapping[str, object]) -> Applied:
    """Check outside values against the table; return the good ones and a notice per bad one."""
    applied = Applied()
    for key, raw in query.items():
        if key in PAGE_KEYS:
            continue
        name = url_names.get(key)
        if name is None:
            applied.notices.append(f"Ignored unknown setting '{key}'.")
            continue
        parameter = state.param[name]
        try:
            applied.values[name] = parse_value(parameter, raw)
        except ValueError as reason:
            shown = str(raw) if len(str(raw)) <= 40 else str(raw)[:40] + "…"
            applied.notices.append(
                f"Ignored {key}='{shown}': it {reason}; kept {format_value(getattr(state, name))}.")
    return applied
