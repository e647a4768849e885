"""Settings from the URL or the API: typed, bounded, refused with a notice, never executed."""

from __future__ import annotations

import param
import pytest

from faders.lessons.urlstate import format_value, parse_query, to_query


class Knobs(param.Parameterized):
    rate = param.Number(0.05, bounds=(0.001, 0.5))
    steps = param.Integer(1000, bounds=(1, 10000))
    loss = param.Selector(default="mse", objects=["mse", "cross-entropy"])
    noise = param.Boolean(False)


NAMES = {"lr": "rate", "steps": "steps", "loss": "loss", "noise": "noise"}


def test_round_trip_reproduces_the_setting() -> None:
    knobs = Knobs(rate=0.125, steps=300, loss="cross-entropy", noise=True)
    query = to_query(knobs, NAMES)
    assert query == {"lr": "0.125", "steps": "300", "loss": "cross-entropy", "noise": "1"}
    fresh = Knobs()
    fresh.param.update(parse_query(fresh, NAMES, query).values)
    assert fresh.param.values() | {"name": None} == knobs.param.values() | {"name": None}


@pytest.mark.parametrize(("query", "fragment"), [
    ({"lr": "abc"}, "is not a number"),
    ({"lr": "nan"}, "is not a finite number"),
    ({"lr": "1e308"}, "outside the range"),
    ({"steps": "2.5"}, "not a whole number"),
    ({"steps": "0"}, "outside the range"),
    ({"loss": "<script>"}, "is not one of mse, cross-entropy"),
    ({"noise": "maybe"}, "is not on/off"),
    ({"bogus": "1"}, "unknown setting 'bogus'"),
])
def test_bad_values_are_refused_with_a_notice(query: dict, fragment: str) -> None:
    knobs = Knobs()
    applied = parse_query(knobs, NAMES, query)
    assert applied.values == {}
    assert len(applied.notices) == 1 and fragment in applied.notices[0]


def test_good_values_pass_beside_bad_ones_and_page_keys_are_quiet() -> None:
    applied = parse_query(Knobs(), NAMES, {"lr": "0.1", "steps": "x", "embed": "1"})
    assert applied.values == {"rate": 0.1}
    assert len(applied.notices) == 1


def test_long_values_are_shortened_in_notices() -> None:
    applied = parse_query(Knobs(), NAMES, {"lr": "9" * 500})
    assert len(applied.notices[0]) < 200


def test_format_value_is_short_and_exact_enough() -> None:
    assert format_value(0.05) == "0.05"
    assert format_value(2.0000000245) == "2"
    assert format_value(True) == "1"
