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


def test_large_whole_numbers_are_written_briefly_and_read_exactly() -> None:
    assert format_value(300_000_000_000) == "3e11"
    assert format_value(15_000_000_000_000) == "15e12"
    assert format_value(124_439_808) == "124439808"
    assert format_value(10_000) == "10000"

    class Count(param.Parameterized):
        tokens = param.Integer(1, bounds=(1, 10**18))

    for text, value in [("3e11", 300_000_000_000), ("15e12", 15 * 10**12),
                        ("123456789012345678", 123_456_789_012_345_678)]:
        assert parse_query(Count(), {"t": "tokens"}, {"t": text}).values == {"tokens": value}
    assert format_value(123_456_789_012_345_678) == "123456789012345678"
