"""Lesson `kinds` in a real Chromium, on the real Pyodide runtime: one page load, opened from a link.

The numbers on screen are CPython's for the link's settings; the k-means buttons step the run; a
bandit run with other settings gives CPython's numbers again; the page fits a phone's width.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from faders.lessons.kinds import KindsLesson
from tests.e2e.conftest import Guarded, canvas_boxes, live, open_lesson, snapshot, until
from tools.waiting import settled

SETTINGS = {"data": "xor", "n": "160", "noise": "0.1", "seed": "7", "k": "3", "start": "5", "step": "3",
            "arms": "4", "eps": "0.2", "pulls": "800", "bseed": "3"}
SQUARE_HEIGHT = 340  # the squares' height in kinds/view.py
SQUARE_HEIGHTS = (SQUARE_HEIGHT - 1, SQUARE_HEIGHT + 1)


@pytest.fixture(scope="module")
def page(guarded: Guarded, base_url: str) -> Page:
    query = "&".join(f"{key}={value}" for key, value in SETTINGS.items())
    return open_lesson(guarded, base_url + f"lessons/kinds.html?{query}")


def cpython(settings: dict[str, str]) -> dict:
    lesson = KindsLesson()
    assert lesson.apply(settings) == []
    return lesson.results()


def close(shown: object, expected: object) -> None:
    """Pyodide's numbers are CPython's: counts and choices exactly, sums to rounding."""
    if isinstance(expected, dict):
        assert isinstance(shown, dict) and shown.keys() == expected.keys()
        for key in expected:
            close(shown[key], expected[key])
    elif isinstance(expected, list):
        assert isinstance(shown, list) and len(shown) == len(expected)
        for a, b in zip(shown, expected, strict=True):
            close(a, b)
    elif isinstance(expected, float):
        assert shown == pytest.approx(expected, rel=1e-9, abs=1e-12)
    else:
        assert shown == expected


def test_the_link_s_settings_give_cpython_s_numbers_on_screen(page: Page) -> None:
    expect(page.locator("#faders-preview")).to_be_hidden()
    state = snapshot(page)
    assert state["settings"] == SETTINGS and state["notices"] == []
    assert 'height="3450"' in page.locator("#faders-embed-code").input_value()
    expected = cpython(SETTINGS)
    close(state["results"], expected)
    learned, grouped, played = expected["supervised"], expected["kmeans"], expected["bandit"]
    lesson = live(page)
    loss = f"fell from 0.693, a coin toss for every point, to {learned['loss_after']:.3f}"
    expect(lesson.get_by_text(loss)).to_be_visible()
    expect(lesson.get_by_text(f"Step 3: each point joined its nearest centre. Spread "
                              f"{grouped['inertia'][-1]:.1f}")).to_be_visible()
    expect(lesson.get_by_text(f"Regret {played['regret']:.1f}")).to_be_visible()
    table = lesson.get_by_role("table").last  # the machines
    expect(table).to_contain_text(f"{played['estimates'][0]:.2f}")


def test_the_buttons_step_k_means_to_its_end(page: Page) -> None:
    lesson = live(page)
    lesson.get_by_role("button", name="Next step").click()
    state = until(page, "(s) => s.settings.step === '4'")
    assert state["results"]["kmeans"]["kind"] == "move"
    lesson.get_by_role("button", name="Run to the end").click()
    state = until(page, "(s) => s.results.kmeans.settled")
    expected = cpython({**SETTINGS, "step": state["settings"]["step"]})
    close(state["results"]["kmeans"], expected["kmeans"])
    share = expected["kmeans"]["agreement"]["share"]
    expect(lesson.get_by_text(f"agree with the hidden labels on {100 * share:.0f}%")).to_be_visible()
    lesson.get_by_role("button", name="New start").click()
    state = until(page, "(s) => s.settings.start === '6'")
    assert state["settings"]["step"] == "0" and state["results"]["kmeans"]["inertia"] == []
    expect(lesson.get_by_text("Step 0: the start.")).to_be_visible()


def test_a_bandit_run_gives_cpython_s_numbers(page: Page) -> None:
    state = page.evaluate("faders.set({eps: 0, pulls: 3000, arms: 6})")
    settings = state["settings"]
    close(state["results"]["bandit"], cpython(settings)["bandit"])
    live(page).get_by_role("button", name="New machines").click()
    state = until(page, "(s) => s.settings.bseed === '4'")
    expected = cpython(state["settings"])["bandit"]
    close(state["results"]["bandit"], expected)
    expect(live(page).get_by_text(f"Regret {expected['regret']:.1f}")).to_be_visible()


def test_a_step_past_the_end_is_refused_with_a_notice(page: Page) -> None:
    state = page.evaluate("faders.set({step: 200})")
    last = state["results"]["kmeans"]["last_step"]
    assert state["settings"]["step"] == str(last)
    assert state["notices"] == [f"Ignored step=200: this k-means run ends after {last} steps; showing "
                                f"its last step, {last}."]
    expect(page.locator("#faders-notices")).to_contain_text("Ignored step=200")


def test_the_page_fits_a_phone_screen(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    assert settled(page, "document.documentElement.scrollWidth") <= 390
    squares = canvas_boxes(page, *SQUARE_HEIGHTS)
    assert len(squares) >= 2 and all(box[2] <= 390 for box in squares)
    page.screenshot(path="/tmp/kinds-phone.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 720})
    page.screenshot(path="/tmp/kinds-wide.png", full_page=True)
