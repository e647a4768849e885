"""Settings from the URL or the API: typed, bounded, refused with a notice, never executed."""

from __future__ import annotations

import param
import pytest

from faders.lessons.kit.urlstate import (
    ChoiceList,
    IntList,
    LabelList,
    NumberList,
    PointList,
    format_value,
    parse_item,
    parse_query,
    to_query,
)


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


# ---- list knobs: comma-separated in a URL, arrays through the API ----------------------------------


class Rows(param.Parameterized):
    labels = LabelList(["cat", "dog"], bounds=(2, 4), max_length=10)
    logits = NumberList([1.0, 2.0], bounds=(2, 4), item_bounds=(-1000, 1000), bounds_reason="why not")


ROW_NAMES = {"labels": "labels", "logits": "logits"}


def test_lists_round_trip_as_comma_separated_items() -> None:
    rows = Rows(labels=["ice cream", "t-shirt", "don't"], logits=[4.2, -1.3, 0.0])
    query = to_query(rows, ROW_NAMES)
    assert query == {"labels": "ice cream,t-shirt,don't", "logits": "4.2,-1.3,0"}
    applied = parse_query(Rows(), ROW_NAMES, query)
    assert applied.notices == []
    assert applied.values == {"labels": ["ice cream", "t-shirt", "don't"], "logits": [4.2, -1.3, 0.0]}


def test_list_items_are_trimmed_and_arrays_from_the_api_are_taken_as_they_are() -> None:
    applied = parse_query(Rows(), ROW_NAMES, {"labels": " café , 猫 ", "logits": [3, "-2.5"]})
    assert applied.values == {"labels": ["café", "猫"], "logits": [3.0, -2.5]}
    assert all(isinstance(z, float) for z in applied.values["logits"])


@pytest.mark.parametrize(("query", "fragment"), [
    ({"logits": "1,abc"}, "has item 2, 'abc', which is not a number"),
    ({"logits": "1,1e400"}, "has item 2, '1e400', which is not a finite number"),
    ({"logits": "1,nan"}, "which is not a finite number"),
    ({"logits": "1,5000"}, "which is outside the range -1000 to 1000 (why not)"),
    ({"logits": "1"}, "has 1 items, and 2 to 4 are allowed"),
    ({"logits": "1,2,3,4,5"}, "has 5 items, and 2 to 4 are allowed"),
    ({"logits": "1,,2"}, "has item 2, '', which is not a number"),
    ({"labels": "cat,cat"}, "names 'cat' twice, and each label must differ"),
    ({"labels": "cat,"}, "has item 2, '', which is empty"),
    ({"labels": "cat,<b>dog</b>"}, "may hold only letters and digits"),
    ({"labels": "cat,a  b"}, "may hold only letters and digits"),
    ({"labels": "cat,a_b"}, "may hold only letters and digits"),
    ({"labels": "cat,averyverylongname"}, "is longer than 10 characters"),
    ({"labels": ["cat", "a,b"]}, "holds a comma, and links use commas to separate labels"),
])
def test_bad_lists_are_refused_whole_with_a_notice(query: dict, fragment: str) -> None:
    rows = Rows()
    applied = parse_query(rows, ROW_NAMES, query)
    assert applied.values == {}
    assert len(applied.notices) == 1 and fragment in applied.notices[0], applied.notices
    key = next(iter(query))
    assert applied.notices[0].endswith(f"kept {format_value(getattr(rows, key))}.")


def test_one_item_is_checked_alone_for_the_page_rows() -> None:
    assert parse_item(Rows.param.logits, " -2.5 ") == -2.5
    assert parse_item(Rows.param.labels, " bird ") == "bird"
    with pytest.raises(ValueError, match="outside the range -1000 to 1000 \\(why not\\)"):
        parse_item(Rows.param.logits, "-1001")
    with pytest.raises(ValueError, match="holds a comma"):
        parse_item(Rows.param.labels, "a,b")


class Layers(param.Parameterized):
    units = IntList([4, 2], bounds=(0, 3), item_bounds=(1, 8), bounds_reason="a small screen")
    kinds = ChoiceList(["tanh", "tanh"], bounds=(0, 3), choices=("tanh", "relu"))
    names = ChoiceList(["x"], bounds=(1, 3), choices=("x", "y", "sin_x"), distinct=True)


LAYER_NAMES = {"units": "units", "kinds": "kinds", "names": "names"}


def test_whole_number_and_choice_lists_round_trip() -> None:
    layers = Layers(units=[3, 1, 8], kinds=["relu", "tanh", "relu"], names=["sin_x", "y"])
    query = to_query(layers, LAYER_NAMES)
    assert query == {"units": "3,1,8", "kinds": "relu,tanh,relu", "names": "sin_x,y"}
    applied = parse_query(Layers(), LAYER_NAMES, query)
    assert applied.notices == [] and applied.values == {
        "units": [3, 1, 8], "kinds": ["relu", "tanh", "relu"], "names": ["sin_x", "y"]}
    assert all(type(n) is int for n in applied.values["units"])
    empty = parse_query(Layers(), LAYER_NAMES, {"units": "", "kinds": " "})
    assert empty.values == {"units": [], "kinds": []}


@pytest.mark.parametrize(("query", "fragment"), [
    ({"units": "4,2.5"}, "has item 2, '2.5', which is not a whole number"),
    ({"units": "4,9"}, "which is outside the range 1 to 8 (a small screen)"),
    ({"units": "1,1,1,1"}, "has 4 items, and 0 to 3 are allowed"),
    ({"kinds": "tanh,softplus"}, "has item 2, 'softplus', which is not one of tanh, relu"),
    ({"names": "x,x"}, "names 'x' twice, and each item must differ"),
    ({"names": ""}, "has 0 items, and 1 to 3 are allowed"),
])
def test_bad_whole_number_and_choice_lists_are_refused(query: dict, fragment: str) -> None:
    applied = parse_query(Layers(), LAYER_NAMES, query)
    assert applied.values == {}
    assert len(applied.notices) == 1 and fragment in applied.notices[0], applied.notices


def test_list_values_are_written_short() -> None:
    assert format_value([4.2, 2.1, -1.3]) == "4.2,2.1,-1.3"
    assert format_value(["cat", "dog"]) == "cat,dog"
    assert format_value([1 / 3, 2.0]) == "0.333333,2"


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


class Points(param.Parameterized):
    points = PointList([], bounds=(0, 3), x_bounds=(-1, 1), y_bounds=(-2, 2))


def test_points_round_trip_as_x_colon_y_pairs() -> None:
    knobs = Points(points=[(-0.5, 0.25), (0.0, 1.0)])
    assert to_query(knobs, {"pts": "points"}) == {"pts": "-0.5:0.25,0:1"}
    assert parse_query(knobs, {"pts": "points"}, {"pts": " -0.5 : 0.25, 0:1"}).values == {
        "points": [(-0.5, 0.25), (0.0, 1.0)]}
    assert parse_query(knobs, {"pts": "points"}, {"pts": [[0.5, -1]]}).values == {"points": [(0.5, -1.0)]}
    assert to_query(Points(), {"pts": "points"}) == {"pts": ""}


@pytest.mark.parametrize(("raw", "fragment"), [
    ("0.5", "item 1, '0.5', which is not a point x:y"),
    ("0:0,2:1", "item 2, '2:1', which has an x that is outside the range -1 to 1"),
    ("0:abc", "item 1, '0:abc', which has a y that is not a number"),
    ("0:nan", "has a y that is not a finite number"),
    ("0:0,0:1,0:2,0:-1", "has 4 items, and 0 to 3 are allowed"),
])
def test_bad_points_are_refused_whole_with_a_notice(raw: str, fragment: str) -> None:
    applied = parse_query(Points(), {"pts": "points"}, {"pts": raw})
    assert applied.values == {}
    assert len(applied.notices) == 1 and fragment in applied.notices[0]


def test_a_text_knob_takes_the_text_as_given_and_gets_a_text_box() -> None:
    import panel as pn

    from faders.lessons.kit.knobs import knob
    from faders.lessons.kit.widgets import knob_widgets

    class Prompted(param.Parameterized):
        prompt = knob(param.String(default="", doc="The start."), key="p", label="Prompt")

    state = Prompted()
    applied = parse_query(state, {"p": "prompt"}, {"p": " an "})
    assert applied.values == {"prompt": " an "} and applied.notices == []
    state.prompt = "ab"
    assert to_query(state, {"p": "prompt"}) == {"p": "ab"}
    widget = knob_widgets(state)["prompt"]
    assert isinstance(widget, pn.widgets.TextInput) and widget.name == "Prompt"
