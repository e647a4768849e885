"""A lesson's knobs as URL query parameters: one table, read and written in one place.

Each lesson has `url_names` (query key -> parameter name), derived from its knob declarations
(kit.knobs). Values from outside (the URL, the automation API) are checked against the parameter's
type and bounds; anything that does not fit is reported in a notice and leaves the knob as it was.
List knobs (`NumberList`, `LabelList`) travel as comma-separated items, e.g.
`labels=cat,dog,car&logits=4.2,2.1,-1.3`; a `PointList`'s items are x:y pairs, e.g.
`fpoints=-0.5:0.2,0:1`.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

import param
from param.parameterized import Undefined

from faders.lessons.kit.knobs import knob_of, owner_of
from faders.lessons.kit.safe_text import quote

# Keys the page itself reads; they are not lesson knobs and need no notice.
PAGE_KEYS = frozenset({"embed", "backend"})
# Labels name bars, rows and draws all over a lesson, so they are kept to plain words (and, like
# every outside text, shown only through faders.lessons.kit.safe_text).
SAFE_TEXT = re.compile(r"[^\W_]+(?:[ '\-][^\W_]+)*")
SAFE_TEXT_RULE = "may hold only letters and digits, with single spaces, hyphens or apostrophes between them"


class NumberList(param.List):
    """A list of numbers, each within `item_bounds`; `bounds` limits how many there are."""

    __slots__ = ["bounds_reason", "item_bounds"]
    _slot_defaults: ClassVar[dict] = dict(param.List._slot_defaults, item_bounds=(None, None),
                                          bounds_reason="")

    def __init__(self, default: Any = Undefined, *, item_bounds: Any = Undefined,
                 bounds_reason: Any = Undefined, **params: Any) -> None:
        super().__init__(default, item_type=numbers.Real, **params)
        self.item_bounds = item_bounds
        self.bounds_reason = bounds_reason


class IntList(NumberList):
    """A list of whole numbers (e.g. the units in each hidden layer), each within `item_bounds`."""

    __slots__: ClassVar[list[str]] = []


class ChoiceList(param.List):
    """A list of names each taken from `choices` (e.g. per-layer activations); `distinct` forbids repeats."""

    __slots__ = ["choices", "distinct"]
    _slot_defaults: ClassVar[dict] = dict(param.List._slot_defaults, choices=(), distinct=False)

    def __init__(self, default: Any = Undefined, *, choices: Any = Undefined, distinct: Any = Undefined,
                 **params: Any) -> None:
        super().__init__(default, item_type=str, **params)
        self.choices = choices
        self.distinct = distinct


class PointList(param.List):
    """A list of (x, y) points, each coordinate within its bounds; `bounds` limits how many there are.

    With `labelled`, each point carries a third number, its label or value (x:y:label in a link).
    """

    __slots__ = ["labelled", "x_bounds", "y_bounds"]
    _slot_defaults: ClassVar[dict] = dict(param.List._slot_defaults, x_bounds=(None, None),
                                          y_bounds=(None, None), labelled=False)

    def __init__(self, default: Any = Undefined, *, x_bounds: Any = Undefined, y_bounds: Any = Undefined,
                 labelled: Any = Undefined, **params: Any) -> None:
        super().__init__(default, item_type=tuple, **params)
        self.x_bounds = x_bounds
        self.y_bounds = y_bounds
        self.labelled = labelled


class LabelList(param.List):
    """A list of distinct short names. In a URL they are separated by commas, so none holds one."""

    __slots__ = ["max_length"]
    _slot_defaults: ClassVar[dict] = dict(param.List._slot_defaults, max_length=20)

    def __init__(self, default: Any = Undefined, *, max_length: Any = Undefined, **params: Any) -> None:
        super().__init__(default, item_type=str, **params)
        self.max_length = max_length


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
    if isinstance(value, list) and value and all(isinstance(item, tuple) for item in value):
        return ",".join(":".join(format_value(part) for part in item) for item in value)  # points x:y
    if isinstance(value, list | tuple):
        return ",".join(format_value(item) for item in value)
    if isinstance(value, int) and abs(value) >= 10**6:
        # Large round counts, exactly and briefly: 300000000000 -> 3e11.
        digits = str(abs(value)).rstrip("0")
        compact = f"{'-' if value < 0 else ''}{digits}e{len(str(abs(value))) - len(digits)}"
        return compact if len(compact) < len(str(value)) else str(value)
    return str(value)


def to_query(state: param.Parameterized, url_names: Mapping[str, str]) -> dict[str, str]:
    """The query parameters that reproduce the current knobs (a part's knob named "part.knob")."""
    return {key: format_value(getattr(*owner_of(state, name))) for key, name in url_names.items()}


def parse_number(text: str, bounds: tuple[float | None, float | None] | None, whole: bool = False,
                 reason: str = "") -> float | int:
    """A finite number within bounds (whole if asked), or ValueError saying why."""
    try:
        # Whole numbers as written are exact at any size; a float would round past 2**53.
        number = int(text) if whole and text.lstrip("+-").isdigit() else float(text)
    except ValueError:
        raise ValueError("is not a number") from None
    if not math.isfinite(number):
        raise ValueError("is not a finite number")
    if whole:
        if number != int(number):
            raise ValueError("is not a whole number")
        number = int(number)
    low, high = bounds or (None, None)
    if (low is not None and number < low) or (high is not None and number > high):
        because = f" ({reason})" if reason else ""
        raise ValueError(f"is outside the range {format_value(low)} to {format_value(high)}{because}")
    return number


def parse_item(parameter: param.List, raw: object) -> object:
    """One item of a list knob (one label, one logit), or ValueError saying why."""
    text = str(raw).strip()
    if isinstance(parameter, IntList):
        return int(parse_number(text, parameter.item_bounds, whole=True, reason=parameter.bounds_reason))
    if isinstance(parameter, NumberList):
        return float(parse_number(text, parameter.item_bounds, reason=parameter.bounds_reason))
    if isinstance(parameter, ChoiceList):
        if text not in parameter.choices:
            raise ValueError(f"is not one of {', '.join(parameter.choices)}")
        return text
    if isinstance(parameter, PointList):
        parts = raw if isinstance(raw, list | tuple) else text.split(":")
        axes = [("an x", parameter.x_bounds), ("a y", parameter.y_bounds)]
        if parameter.labelled:
            axes.append(("a label", None))
        if len(parts) != len(axes):
            raise ValueError("is not a point x:y:label" if parameter.labelled else "is not a point x:y")
        point = []
        for (axis, bounds), part in zip(axes, parts, strict=True):
            try:
                point.append(float(parse_number(str(part).strip(), bounds)))
            except ValueError as reason:
                raise ValueError(f"has {axis} that {reason}") from None
        return tuple(point)
    if isinstance(parameter, LabelList):
        if not text:
            raise ValueError("is empty")
        if "," in text:
            raise ValueError("holds a comma, and links use commas to separate labels")
        if len(text) > parameter.max_length:
            raise ValueError(f"is longer than {parameter.max_length} characters")
        if not SAFE_TEXT.fullmatch(text):
            raise ValueError(SAFE_TEXT_RULE)
        return text
    raise ValueError("cannot be set from outside")


def parse_list(parameter: param.List, raw: object) -> list[object]:
    """A whole list knob from comma-separated text (or a list, through the API), or ValueError."""
    # An empty text is an empty list (e.g. no hidden layers), where the knob allows one.
    items = list(raw) if isinstance(raw, list | tuple) else str(raw).split(",") if str(raw).strip() else []
    low, high = parameter.bounds or (0, None)
    if len(items) < low or (high is not None and len(items) > high):
        raise ValueError(f"has {len(items)} items, and {low} to {high} are allowed")
    values = []
    for position, item in enumerate(items, 1):
        try:
            values.append(parse_item(parameter, item))
        except ValueError as reason:
            raise ValueError(f"has item {position}, '{quote(item)}', which {reason}") from None
    if isinstance(parameter, LabelList) or (isinstance(parameter, ChoiceList) and parameter.distinct):
        repeated = next((value for i, value in enumerate(values) if value in values[:i]), None)
        if repeated is not None:
            noun = "label" if isinstance(parameter, LabelList) else "item"
            raise ValueError(f"names '{repeated}' twice, and each {noun} must differ")
    return values


def parse_value(parameter: param.Parameter, raw: object) -> object:
    """Convert one outside value to the parameter's type, or raise ValueError saying why."""
    if isinstance(parameter, NumberList | LabelList | ChoiceList | PointList):
        return parse_list(parameter, raw)
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
    if isinstance(parameter, param.String):
        return str(raw)  # as typed, spaces too: the lesson checks its characters (check_together)
    if isinstance(parameter, param.Number):
        spec = knob_of(parameter)
        return parse_number(text, parameter.bounds, whole=isinstance(parameter, param.Integer),
                            reason=spec.bounds_reason if spec is not None else "")
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
            applied.notices.append(f"Ignored unknown setting '{quote(key)}'.")
            continue
        owner, own = owner_of(state, name)
        try:
            applied.values[name] = parse_value(owner.param[own], raw)
        except ValueError as reason:
            applied.notices.append(
                f"Ignored {key}='{quote(format_value(raw) if isinstance(raw, list | tuple) else raw)}': "
                f"it {reason}; "
                f"kept {format_value(getattr(owner, own)) or 'none'}.")
    return applied
