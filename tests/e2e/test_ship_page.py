"""Lesson `ship` in a real Chromium, on the real Pyodide runtime: one page load, opened from a link.

The numbers on screen are CPython's for the link's settings (the timings are this browser's own:
their shape and order are checked, not their values); a knob moved redraws its panel; the weights
download and reload to the same predictions; the page fits a phone's width.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from faders.core.mlp import MLP
from faders.lessons.ship import ShipLesson, words
from faders.lessons.ship.state import WEIGHTS_FORMAT
from tests.e2e.conftest import Guarded, canvas_boxes, live, open_lesson, snapshot
from tools.waiting import settled

SETTINGS = {"data": "moons", "seed": "3", "dx": "1", "dy": "-0.5", "angle": "40", "spread": "1.2",
            "yes": "2", "t": "0.3", "price": "0.1", "far": "25", "dir": "120", "use": "screening"}


@pytest.fixture(scope="module")
def page(guarded: Guarded, base_url: str) -> Page:
    query = "&".join(f"{key}={value}" for key, value in SETTINGS.items())
    return open_lesson(guarded, base_url + f"lessons/ship.html?{query}")


def cpython(settings: dict[str, str]) -> ShipLesson:
    lesson = ShipLesson()
    assert lesson.apply(settings) == []
    return lesson


def without_timings(results: dict) -> dict:
    """The results with the machine's own timings (and what follows from them) left out."""
    timed = ("microseconds", "dollars_per_million")
    budget = [{k: v for k, v in row.items() if k not in timed} for row in results["budget"]]
    return {**results, "budget": budget,
            "model": {k: v for k, v in results["model"].items() if k != "training_seconds"}}


def assert_same_numbers(shown: dict, expected: dict) -> None:
    """Pyodide's numbers are CPython's: counts exactly, sums to rounding."""
    shown, expected = without_timings(shown), without_timings(expected)
    # The JSON writes each weight's shortest repr: a last bit rounded otherwise changes its length.
    assert shown["weights"].pop("bytes") == pytest.approx(expected["weights"].pop("bytes"), rel=0.02)
    assert shown["metric"]["confusion"] == expected["metric"]["confusion"]
    assert shown["fine_tuning"]["fine_tuned_epochs"] == expected["fine_tuning"]["fine_tuned_epochs"]
    assert shown["fine_tuning"]["from_scratch_epochs"] == expected["fine_tuning"]["from_scratch_epochs"]
    assert_close(json.loads(json.dumps(shown)), json.loads(json.dumps(expected)))


def assert_close(shown: object, expected: object, where: str = "results") -> None:
    """Equal structure and strings; numbers equal to 1e-9 (WebAssembly's sums may round otherwise)."""
    if isinstance(expected, dict):
        assert isinstance(shown, dict) and shown.keys() == expected.keys(), where
        for key in expected:
            assert_close(shown[key], expected[key], f"{where}.{key}")
    elif isinstance(expected, list):
        assert isinstance(shown, list) and len(shown) == len(expected), where
        for i, (a, b) in enumerate(zip(shown, expected, strict=True)):
            assert_close(a, b, f"{where}[{i}]")
    elif isinstance(expected, float):
        assert shown == pytest.approx(expected, rel=1e-9, abs=1e-12), where
    else:
        assert shown == expected, where


def test_the_link_s_settings_give_cpython_s_numbers_on_screen(page: Page) -> None:
    expect(page.locator("#faders-preview")).to_be_hidden()
    state = snapshot(page)
    assert state["settings"] == SETTINGS and state["notices"] == []
    expected = cpython(SETTINGS).results()
    results = state["results"]
    assert_same_numbers(results, expected)
    shown = live(page)
    expect(shown.get_by_text(f"{100 * expected['shift']['accuracy_after']:.1f}%").first).to_be_visible()
    (_, fp), (_, tp) = expected["metric"]["confusion"]
    expect(shown.get_by_text(f"{fp:,} false alarms")).to_be_visible()
    expect(shown.get_by_text(f"{tp:,} found")).to_be_visible()
    always_no = expected["metric"]["always_no"]["accuracy"]  # 98% at 2 yes in 100
    expect(shown.get_by_text(f"{100 * always_no:.1f}% accuracy")).to_be_visible()
    tuning = expected["fine_tuning"]
    expect(shown.get_by_text(f"recovered {words.epochs_said(tuning['fine_tuned_epochs'], 100)}"
                             .replace("**", ""))).to_be_visible()


def test_the_timings_are_this_browser_s_own_and_sane(page: Page) -> None:
    budget = snapshot(page)["results"]["budget"]
    assert [row["model"] for row in budget] == [words.THIS_MODEL, words.LARGER_MODEL, words.KNN_MODEL]
    assert all(0 < row["microseconds"] < 100_000 for row in budget)
    for row in budget:
        assert row["dollars_per_million"] == pytest.approx(row["microseconds"] * 0.1 / 3600)
    # kNN compares the point with all 200 training points and sorts: never quicker than the small network.
    assert budget[2]["microseconds"] > budget[0]["microseconds"]
    state = page.evaluate("faders.run('measure')")
    assert len(state["results"]["budget"]) == 3



def test_a_knob_moved_redraws_its_panel_with_cpython_s_numbers(page: Page) -> None:
    state = page.evaluate("faders.set({t: 0.6, yes: 10})")
    assert state["notices"] == []
    settings = state["settings"]
    expected = cpython(settings).results()
    assert state["results"]["metric"]["confusion"] == expected["metric"]["confusion"]
    (tn, _), (fn, _) = expected["metric"]["confusion"]
    expect(live(page).get_by_text(f"{fn:,} misses")).to_be_visible()
    expect(live(page).get_by_text(f"{tn:,} right")).to_be_visible()
    expect(live(page).get_by_text("at threshold 0.60")).to_be_visible()


def test_fine_tuning_after_a_new_shift_matches_cpython(page: Page) -> None:
    state = page.evaluate("faders.set({dx: -1.5, angle: -60})")
    assert state["results"]["fine_tuning"]["stale"] is True
    expect(live(page).get_by_text("The shift has moved since")).to_be_visible()
    state = page.evaluate("faders.run('fine_tune')")
    tuning = state["results"]["fine_tuning"]
    lesson = cpython(state["settings"])
    lesson.fine_tune()
    expected = lesson.tuning_numbers()
    assert tuning["stale"] is False and tuning["shift"] == expected["shift"]
    assert (tuning["fine_tuned_epochs"], tuning["from_scratch_epochs"]) == (
        expected["fine_tuned_epochs"], expected["from_scratch_epochs"])
    assert_close(tuning["fine_tuned_accuracy"], expected["fine_tuned_accuracy"])
    expect(live(page).get_by_text("The shift has moved since")).to_have_count(0)


def test_the_weights_download_and_reload_to_the_same_predictions(page: Page, tmp_path) -> None:
    with page.expect_download() as info:
        live(page).get_by_role("button", name=words.DOWNLOAD_LABEL).click()
    path = tmp_path / "weights.json"
    info.value.save_as(path)
    released = json.loads(path.read_text())
    assert released["format"] == WEIGHTS_FORMAT and set(released) == {"format", "version", "inputs", "output",
                                                                    "model"}
    model = MLP.from_dict(released["model"])
    expected = cpython(snapshot(page)["settings"]).trained.model
    grid = np.array([[x, y] for x in (-5.0, 0.0, 5.0) for y in (-3.0, 0.0, 3.0)])
    np.testing.assert_allclose(model.predict(grid), expected.predict(grid), rtol=1e-9)


def test_a_bad_value_in_a_link_is_refused_with_a_notice(page: Page) -> None:
    state = page.evaluate("faders.set({yes: 0, use: 'weather'})")
    assert state["notices"] == ["Ignored yes='0': it is outside the range 1 to 50; kept 10.",
                                "Ignored use='weather': it is not one of fraud, spam, screening; "
                                "kept screening."]
    expect(page.locator("#faders-notices")).to_contain_text("Ignored yes='0'")


def test_the_page_fits_a_phone_screen(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    assert settled(page, "document.documentElement.scrollWidth") <= 390
    boxes = canvas_boxes(page, 200, 400)
    assert len(boxes) >= 9 and all(box[2] <= 390 for box in boxes)  # every chart, its layers too
    page.set_viewport_size({"width": 1280, "height": 720})
