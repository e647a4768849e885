"""Lesson `bias-variance` in a real Chromium, on the real Pyodide runtime: one page load, opened from
a link with settings of its own."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from faders.lessons.bias_variance import BiasVarianceLesson
from faders.lessons.kit.formatting import format_number
from tests.e2e.conftest import Guarded, live, open_lesson, snapshot, until
from tools.waiting import settled

LINK = {"truth": "sine", "n": "25", "noise": "0.25", "seed": "4", "degree": "9", "ridge": "0",
        "lam": "0.01", "fits": "80", "draw": "2"}
NUMBERS = ("train_error", "test_error", "bias_squared", "variance", "noise", "total", "measured_error",
           "sampling_error", "sweet_spot")


@pytest.fixture(scope="module")
def page(guarded: Guarded, base_url: str) -> Page:
    query = "&".join(f"{key}={value}" for key, value in LINK.items())
    return open_lesson(guarded, base_url + f"lessons/bias-variance.html?{query}")


def cpython(settings: dict[str, str]) -> dict:
    lesson = BiasVarianceLesson()
    assert lesson.apply(settings) == []
    return lesson.results()


def test_the_numbers_on_screen_are_cpythons_for_the_links_settings(page: Page) -> None:
    state = snapshot(page)
    assert state["settings"] == LINK and state["notices"] == []
    assert 'height="1900"' in page.locator("#faders-embed-code").input_value()  # the lesson's own height
    here, there = cpython(LINK), state["results"]
    for name in NUMBERS:
        assert there[name] == pytest.approx(here[name], rel=1e-9), name
    # Fits of degree 15 and more are ill-conditioned: two LAPACK builds part in the seventh digit.
    assert there["test_errors"][:15] == pytest.approx(here["test_errors"][:15], rel=1e-9)
    assert there["test_errors"] == pytest.approx(here["test_errors"], rel=1e-5)
    expect(live(page).get_by_role("heading", name="Errors against the degree")).to_be_visible()
    for number in (here["train_error"], here["test_error"], here["bias_squared"], here["variance"]):
        expect(live(page).get_by_text(format_number(number), exact=False).first).to_be_visible()
    expect(live(page).get_by_role("slider", name="Polynomial degree")).to_be_visible()
    expect(live(page).get_by_role("link", name="network that overfits")).to_have_attribute(
        "href", here["network_link"])


def test_resample_draws_new_training_sets(page: Page) -> None:
    before = snapshot(page)["results"]
    live(page).get_by_role("button", name="Resample").click()
    after = until(page, "(s) => s.settings.draw === '3'")
    assert after["results"]["variance"] != before["variance"]
    assert after["results"]["variance"] == pytest.approx(cpython({**LINK, "draw": "3"})["variance"], rel=1e-9)
    assert after["results"]["train_error"] == before["train_error"]


def test_refused_settings_keep_the_previous_values(page: Page) -> None:
    state = page.evaluate("faders.set({degree: 40, lam: 0, n: 0})")
    assert state["settings"]["degree"] == LINK["degree"] and state["settings"]["lam"] == LINK["lam"]
    assert len(state["notices"]) == 3
    expect(page.locator("#faders-notices")).to_contain_text("must be above 0")


def test_it_fits_a_phone_screen(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    assert settled(page, "document.documentElement.scrollWidth") <= 390
    expect(live(page).get_by_role("button", name="Resample")).to_be_visible()
