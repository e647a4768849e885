"""Lesson `knn` in a real Chromium, on the real Pyodide runtime: one page load, opened from a link.

The numbers on screen are CPython's for the link's settings; a click on the map asks about that
point and rings its neighbours; the page fits a phone's width.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from faders.lessons.knn import KnnLesson
from tests.e2e.conftest import Guarded, canvas_boxes, live, open_lesson, snapshot, until
from tools.waiting import settled, wait_until

SETTINGS = {"data": "xor", "n": "160", "noise": "0.1", "seed": "7", "k": "9", "qx": "-2.5", "qy": "3",
            "forget": "0"}
MAP_HEIGHT = 340  # the maps' height in knn/view.py
MAP_HEIGHTS = (MAP_HEIGHT - 1, MAP_HEIGHT + 1)


@pytest.fixture(scope="module")
def page(guarded: Guarded, base_url: str) -> Page:
    query = "&".join(f"{key}={value}" for key, value in SETTINGS.items())
    return open_lesson(guarded, base_url + f"lessons/knn.html?{query}")


def cpython(settings: dict[str, str]) -> dict:
    lesson = KnnLesson()
    assert lesson.apply(settings) == []
    return lesson.results()


def assert_same_numbers(shown: dict, expected: dict) -> None:
    """Pyodide's numbers are CPython's: counts and choices exactly, sums to rounding."""
    for key in ("n_train", "n_test", "k", "numbers_kept", "accuracy", "forgotten"):
        assert shown[key] == expected[key], key
    assert shown["logistic_numbers"] == pytest.approx(expected["logistic_numbers"], rel=1e-9)
    for key in ("x", "y", "neighbours", "votes", "knn_class", "logistic_class"):
        assert shown["query"][key] == expected["query"][key], key
    assert shown["query"]["logit"] == pytest.approx(expected["query"]["logit"], rel=1e-9, abs=1e-12)


def test_the_link_s_settings_give_cpython_s_numbers_on_screen(page: Page) -> None:
    expect(page.locator("#faders-preview")).to_be_hidden()
    state = snapshot(page)
    assert state["settings"] == SETTINGS and state["notices"] == []
    assert 'height="2200"' in page.locator("#faders-embed-code").input_value()  # the lesson's own height
    expected = cpython(SETTINGS)
    assert_same_numbers(state["results"], expected)
    accuracy = expected["accuracy"]
    table = live(page).get_by_role("table")
    for name in ("logistic_train", "logistic_test", "knn_train", "knn_test"):
        expect(table).to_contain_text(f"{100 * accuracy[name]:.0f}%")
    expect(table).to_contain_text(f"{expected['numbers_kept']['knn']:,} (80 points × 3)")
    w1 = expected["logistic_numbers"][0]
    expect(live(page).get_by_text(f"w₁ = {w1:.3f}")).to_be_visible()
    zero, one = expected["query"]["votes"]
    expect(live(page).get_by_text(f"vote {one} for blue, {zero} for orange")).to_be_visible()
    # The cost chart holds the reader's own measurements, one row per training-set size.
    rows = state["results"]["timings"]
    assert len(rows) == 5 and all(row[1] > 0 and row[2] > 0 for row in rows)
    expect(live(page).get_by_text("Measured in this browser")).to_be_visible()


def test_a_click_on_the_map_shows_that_point_s_neighbours(page: Page) -> None:
    before = snapshot(page)["settings"]
    left, top, width, height = canvas_boxes(page, *MAP_HEIGHTS)[-1]  # the kNN map
    page.mouse.click(left + width * 0.6, top + height * 0.4)
    state = until(page, f"(s) => s.settings.qx !== '{before['qx']}'")
    settings = state["settings"]
    assert float(settings["qx"]) > 0 and float(settings["qy"]) > 0  # right of and above the middle
    expected = cpython(settings)
    assert_same_numbers(state["results"], expected)
    assert len(state["results"]["query"]["neighbours"]) == 9
    zero, one = expected["query"]["votes"]
    expect(live(page).get_by_text(f"The point ({float(settings['qx']):g}, {float(settings['qy']):g})"))\
        .to_be_visible()
    expect(live(page).get_by_text(f"vote {one} for blue, {zero} for orange")).to_be_visible()
    # The clicked point is in the link, so the link asks the same question again.
    wait_until(page, "(query) => location.search.includes(query)", f"qx={settings['qx']}")


def test_k_too_large_is_refused_with_a_notice(page: Page) -> None:
    state = page.evaluate("faders.set({k: 81})")
    assert state["settings"]["k"] == "9"
    assert state["notices"] == ["Ignored k=81: there are only 80 training points, and k nearest "
                                "neighbours needs k of them; kept k = 9."]
    expect(page.locator("#faders-notices")).to_contain_text("Ignored k=81")


def test_the_page_fits_a_phone_screen(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    # Bokeh lays the page out in steps: measure once it has finished.
    assert settled(page, "document.documentElement.scrollWidth") <= 390
    maps = canvas_boxes(page, *MAP_HEIGHTS)
    assert len(maps) >= 2 and all(box[2] <= 390 for box in maps)  # each map, its layers too
    page.set_viewport_size({"width": 1280, "height": 720})
