"""Part 1 of lesson `network`, fitting a curve, in a real Chromium on the real Pyodide runtime.

Losses trained in the browser are compared with the same settings trained here in CPython by the same
lesson class (numpy in both: equal to rounding).
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Iterator

import numpy as np
import pytest
from playwright.sync_api import Browser, Page, expect

from faders.lessons.kit.formatting import format_number
from faders.lessons.network import NetworkLesson
from faders.lessons.network.curve_view import FIT_HEIGHT
from tests.e2e.conftest import Guarded, canvas_boxes, live, open_lesson, restoring, snapshot, until
from tests.e2e.test_panel_serve import panel_server  # noqa: F401 (a fixture, used below)
from tests.helpers import run
from tools.waiting import settled, wait_until

QUERY = "fit=abs&fwidth=5&fseed=3&flr=0.1&fepochs=40"
# The curve chart's canvases (Bokeh layers several) are the only ones FIT_HEIGHT tall.
FIT_HEIGHTS = (FIT_HEIGHT - 1, FIT_HEIGHT + 1)
# The lines of the units' parts, as the page's Bokeh document holds them.
DRAWN_PARTS_JS = """() => {
  for (const model of Bokeh.documents[0].all_models) {
    if (model.type === "ColumnDataSource" && "xs" in model.data) return model.data.ys.length;
  }
  return null;
}"""


@pytest.fixture(scope="module")
def opened_page(guarded: Guarded, base_url: str) -> Page:
    return open_lesson(guarded, base_url + "lessons/network.html?" + QUERY)


@pytest.fixture
def page(opened_page: Page) -> Iterator[Page]:
    yield from restoring(opened_page)


def cpython_fit(settings: dict[str, str]) -> dict:
    lesson = NetworkLesson()
    assert lesson.apply(settings) == []
    run(lesson.run("fit_train"))
    return lesson.results()["fit"]


def test_part_1_is_ready_with_the_url_settings_above_the_playground(page: Page) -> None:
    settings = snapshot(page)["settings"]
    assert {key: settings[key] for key in ("fit", "fwidth", "fseed", "flr", "fepochs")} == {
        "fit": "abs", "fwidth": "5", "fseed": "3", "flr": "0.1", "fepochs": "40"}
    fit = snapshot(page)["results"]["fit"]
    assert fit["epoch"] == 0 and fit["layer_sizes"] == [1, 5, 1] and fit["contributions"] == 5
    part_1 = live(page).get_by_role("heading", name="Part 1: fitting a curve")
    part_2 = live(page).get_by_role("heading", name="Part 2: the playground")
    expect(part_1).to_be_visible()
    assert part_1.bounding_box()["y"] < part_2.bounding_box()["y"]
    expect(live(page).get_by_text("Epoch 0 · mean squared error")).to_be_visible()
    assert len({tuple(box) for box in canvas_boxes(page, *FIT_HEIGHTS)}) == 1


def test_training_in_the_browser_matches_cpython_and_draws_each_units_part(page: Page) -> None:
    fit = page.evaluate("faders.run('fit_train')")["results"]["fit"]
    expected = cpython_fit(snapshot(page)["settings"])
    assert fit["status"] == "done" and fit["epoch"] == 40
    np.testing.assert_allclose(fit["loss_curve"], expected["loss_curve"], rtol=1e-9)
    assert fit["loss"] < 0.5 * fit["loss_curve"][0][1]
    np.testing.assert_allclose(fit["kinks"], expected["kinks"], rtol=1e-9)
    assert fit["pieces"] == expected["pieces"] and fit["contributions"] == 5
    counter = f"Epoch 40 · mean squared error {format_number(fit['loss'])} · {fit['pieces']} straight pieces"
    expect(live(page).get_by_text(counter)).to_be_visible()
    assert page.evaluate(DRAWN_PARTS_JS) == 5
    page.evaluate("faders.set({fdepth: '2'})")
    until(page, "(s) => s.results.fit.contributions === 0")
    expect(live(page).get_by_text("With 2 hidden layers the pieces are not drawn")).to_be_visible()
    assert page.evaluate(DRAWN_PARTS_JS) == 0
    page.evaluate("faders.set({fdepth: '1'})")


def test_a_click_on_the_chart_adds_a_point_kept_in_the_url(page: Page, guarded: Guarded) -> None:
    page.evaluate("faders.run('fit_reset')")
    left, top, width, height = canvas_boxes(page, *FIT_HEIGHTS)[0]
    page.mouse.click(left + width * 0.6, top + height * 0.4)
    fit = until(page, "(s) => s.results.fit.points === 1")["results"]["fit"]
    settings = snapshot(page)["settings"]
    assert settings["fit"] == "points" and re.fullmatch(r"-?[\d.]+:-?[\d.]+", settings["fpoints"])
    x, y = map(float, settings["fpoints"].split(":"))
    assert 0 < x < 1 and 0 < y < 1.5  # right of the middle, above it
    wait_until(page, "(points) => location.search.includes('fpoints=' + points)",
                           arg=settings["fpoints"], polling=100)
    query = urllib.parse.urlparse(page.url).query
    assert f"fpoints={settings['fpoints']}" in query  # the colon travels as it is
    again = open_lesson(guarded, page.url)
    assert snapshot(again)["settings"]["fpoints"] == settings["fpoints"]
    assert snapshot(again)["results"]["fit"]["loss"] == fit["loss"]
    again.close()


def test_part_1_fits_a_phone_screen(browser: Browser, base_url: str) -> None:
    guard = Guarded(browser, viewport={"width": 390, "height": 844})
    phone = open_lesson(guard, base_url + "lessons/network.html?fit=step&fwidth=30")
    # Bokeh lays the page out in steps: measure once it has finished.
    assert settled(phone, "document.documentElement.scrollWidth") <= 390
    assert snapshot(phone)["results"]["fit"]["contributions"] == 30
    guard.context.close()
    assert guard.foreign == []


def test_part_1_trains_under_panel_serve(browser: Browser, panel_server: str) -> None:  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(panel_server + "?lesson=network&fit=step&fwidth=3&fepochs=25")
    expect(page.get_by_text("Part 1: fitting a curve")).to_be_visible(timeout=30_000)
    expected = cpython_fit({"fit": "step", "fwidth": "3", "fepochs": "25"})
    page.get_by_role("button", name="Train").first.click()
    expect(page.get_by_text(expected["message"])).to_be_visible(timeout=60_000)
    counter = f"Epoch 25 · mean squared error {format_number(expected['loss'])}"
    expect(page.get_by_text(counter)).to_be_visible()
    context.close()
