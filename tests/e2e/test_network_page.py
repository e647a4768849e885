"""Lesson `network` in a real Chromium, on the real Pyodide runtime, as a reader uses it.

The page is loaded once for the module. Losses trained in the browser are compared with the same
settings trained here in CPython by the same lesson class (numpy in both: equal to rounding).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from playwright.sync_api import Browser, Page, expect

from faders.core import playground
from faders.core.datasets import feature_columns
from faders.lessons.kit.formatting import format_number
from faders.lessons.network import NetworkLesson
from tests.e2e.conftest import Guarded, canvas_boxes, live, open_lesson, restoring, snapshot, until
from tests.helpers import run
from tools.waiting import settled

# The decision map's canvases (Bokeh layers several) are the only ones MAP_HEIGHT tall.
MAP_HEIGHT = NetworkLesson.view_module().MAP_HEIGHT
MAP_HEIGHTS = (MAP_HEIGHT - 1, MAP_HEIGHT + 1)


QUERY = "dataset=xor&hidden=4,3&act=tanh,relu&seed=3&lr=0.01"


@pytest.fixture(scope="module")
def opened_page(guarded: Guarded, base_url: str) -> Page:
    return open_lesson(guarded, base_url + "lessons/network.html?" + QUERY)


@pytest.fixture
def page(opened_page: Page) -> Iterator[Page]:
    yield from restoring(opened_page)


def cpython_lesson(settings: dict[str, str]) -> NetworkLesson:
    lesson = NetworkLesson()
    assert lesson.apply(settings) == []
    run(lesson.run("train"))
    return lesson


def test_ready_with_the_url_settings_and_the_map_drawn(page: Page) -> None:
    assert page.evaluate("document.documentElement.dataset.fadersState") == "ready"
    expect(page.locator("#faders-preview")).to_be_hidden()
    assert 'height="3600"' in page.locator("#faders-embed-code").input_value()  # the lesson's own height
    settings = snapshot(page)["settings"]
    shown = (settings["dataset"], settings["hidden"], settings["act"], settings["seed"])
    assert shown == ("xor", "4,3", "tanh,relu", "3")
    results = snapshot(page)["results"]
    assert results["epoch"] == 0 and results["layer_sizes"] == [2, 4, 3, 1]
    expect(live(page).get_by_role("heading", name="Output")).to_be_visible()
    expect(live(page).get_by_text("Epoch 0 · train loss")).to_be_visible()
    assert len({tuple(box) for box in canvas_boxes(page, *MAP_HEIGHTS)}) == 1  # its layers share one box


@pytest.mark.parametrize("loss", ["mse", "cross_entropy"])
def test_training_in_the_browser_matches_cpython_for_both_losses(page: Page, loss: str) -> None:
    settings = {"loss": loss, "epochs": "40", "noise": "10"}
    page.evaluate(f"faders.set({settings!r})")
    page.evaluate("faders.run('reset')")
    results = page.evaluate("faders.run('train')")["results"]
    expected = cpython_lesson({**snapshot(page)["settings"]}).results()
    assert results["status"] == "done" and results["epoch"] == 40
    np.testing.assert_allclose(results["loss_curve"], expected["loss_curve"], rtol=1e-9)
    assert results["loss_curve"][-1][2] < 0.6 * results["loss_curve"][0][2]  # the test loss trained
    assert results["test_confusion"] == expected["test_confusion"]
    counter = (f"Epoch 40 · train loss {format_number(results['train_loss'])} · test loss "
               f"{format_number(results['test_loss'])}")
    expect(live(page).get_by_text(counter)).to_be_visible()


def test_exported_weights_reload_to_the_same_predictions(page: Page, tmp_path) -> None:
    page.evaluate("faders.set({'loss': 'cross_entropy', 'epochs': '15', 'noise': '0'})")
    page.evaluate("faders.run('reset')")
    page.evaluate("faders.run('train')")
    with page.expect_download() as info:
        live(page).get_by_role("button", name="Download the weights (JSON)").click()
    path = tmp_path / "weights.json"
    info.value.save_as(path)
    model, features, loss = playground.load_weights_json(path.read_text())
    assert loss == "cross_entropy"
    expected = cpython_lesson(snapshot(page)["settings"]).current_run.model
    grid = feature_columns(playground.grid_points(9), features)
    np.testing.assert_allclose(model.predict(grid), expected.predict(grid), rtol=1e-9)


# Counts, while a run is drawn, the work that made garbage on every redraw: <style> texts written
# again unchanged, pixels read back from a canvas, and whole documents parsed (help texts); and
# Bokeh's style variables read (each brought every style up to date). Keeps the originals to put back.
COUNT_REDRAW_WASTE_JS = """() => {
  const text = Object.getOwnPropertyDescriptor(Node.prototype, "textContent");
  const read = CanvasRenderingContext2D.prototype.getImageData;
  const parse = DOMParser.prototype.parseFromString;
  const property = CSSStyleDeclaration.prototype.getPropertyValue;
  window.waste = {sameStyles: 0, readBacks: 0, parses: 0, styleVariables: 0};
  window.putBack = () => {
    Object.defineProperty(Node.prototype, "textContent", text);
    CanvasRenderingContext2D.prototype.getImageData = read;
    DOMParser.prototype.parseFromString = parse;
    CSSStyleDeclaration.prototype.getPropertyValue = property;
  };
  CSSStyleDeclaration.prototype.getPropertyValue = function (name) {
    window.waste.styleVariables += String(name).startsWith("--bk-") ? 1 : 0;
    return property.call(this, name);
  };
  Object.defineProperty(Node.prototype, "textContent", {...text, set(value) {
    const same = this instanceof HTMLStyleElement && text.get.call(this) === String(value);
    window.waste.sameStyles += same ? 1 : 0;
    text.set.call(this, value);
  }});
  CanvasRenderingContext2D.prototype.getImageData = function (...args) {
    window.waste.readBacks += 1;
    return read.apply(this, args);
  };
  DOMParser.prototype.parseFromString = function (...args) {
    window.waste.parses += 1;
    return parse.apply(this, args);
  };
}"""

SAME_MEASURE_JS = """() => {
  const context = document.createElement("canvas").getContext("2d");
  return context.measureText("0.5") === context.measureText("0.5");
}"""


# Rules that set one of Bokeh's style variables (--bk-line-color and the like), in every style sheet
# of the page and of its views' shadow roots: web/assets/bokeh-redraws.js reads none of them.
STYLE_VARIABLES_SET_JS = """() => {
  const sheets = [...document.styleSheets, ...document.adoptedStyleSheets];
  const walk = (root) => {
    for (const element of root.querySelectorAll("*")) {
      if (!element.shadowRoot) continue;
      sheets.push(...element.shadowRoot.styleSheets, ...element.shadowRoot.adoptedStyleSheets);
      walk(element.shadowRoot);
    }
  };
  walk(document);
  const rules = sheets.flatMap((sheet) => [...sheet.cssRules].map((rule) => rule.cssText));
  return {sheets: sheets.length, setting: rules.filter((text) => /--bk-[a-z-]+\\s*:/.test(text))};
}"""


def test_redraws_while_training_make_no_needless_garbage(page: Page) -> None:
    # What made the page grow by 40 MB a minute while it trained (web/assets/bokeh-redraws.js,
    # web/assets/access.js): none of it happens while the network and its neuron pictures redraw.
    page.evaluate("faders.set({epochs: '1500'})")  # some seconds: the page's accessibility passes run too
    page.evaluate("faders.run('reset')")
    drawn = page.evaluate("faders.drawn")
    page.evaluate(COUNT_REDRAW_WASTE_JS)
    try:
        assert page.evaluate("faders.run('train')")["results"]["epoch"] == 1500
    finally:
        page.evaluate("window.putBack()")
    frames = page.evaluate("faders.drawn") - drawn
    assert frames > 1  # the run was drawn as it went
    waste = page.evaluate("window.waste")
    assert waste["sameStyles"] == 0 and waste["readBacks"] == 0 and waste["styleVariables"] == 0
    # A status text that changes is parsed once per change; the knobs' help texts (about twenty
    # parses a pass when each was parsed again) are not parsed at all.
    assert waste["parses"] < frames / 2
    assert page.evaluate("getComputedStyle(document.body) === getComputedStyle(document.body)")
    # Safe because nothing sets a style variable Bokeh would have read: the same pixels.
    found = page.evaluate(STYLE_VARIABLES_SET_JS)
    assert found["sheets"] > 10 and found["setting"] == []
    assert page.evaluate(SAME_MEASURE_JS)


def settled_map_box(page: Page) -> list[float]:
    """The map's box once the page has stopped moving it (a notice or a table appearing above)."""
    box = canvas_boxes(page, *MAP_HEIGHTS)[0]
    for _ in range(50):
        page.wait_for_timeout(200)
        box, before = canvas_boxes(page, *MAP_HEIGHTS)[0], box
        if box == before:
            return box
    raise AssertionError("the map kept moving")


def test_clicks_add_points_and_shift_clicks_the_other_class(page: Page) -> None:
    page.evaluate("faders.run('reset')")
    left, top, width, height = settled_map_box(page)
    page.mouse.click(left + width * 0.5, top + height * 0.45)
    until(page, "(s) => s.results.own_points === 1")
    expect(live(page).get_by_text("Add at least one more point")).to_be_visible()
    left, top, width, height = settled_map_box(page)  # the notice above has moved it
    page.keyboard.down("Shift")
    page.mouse.click(left + width * 0.6, top + height * 0.35)
    page.keyboard.up("Shift")
    results = until(page, "(s) => s.results.own_points === 2")["results"]
    assert results["own_class_1"] == 1
    settings = snapshot(page)["settings"]
    assert settings["dataset"] == "custom" and len(settings["mine"].split(",")) == 2  # kept in the link
    assert results["train_points"] + results["test_points"] == 2


def test_the_lesson_fits_a_phone_screen(browser: Browser, base_url: str) -> None:
    guard = Guarded(browser, viewport={"width": 390, "height": 844})
    phone = open_lesson(guard, base_url + "lessons/network.html?hidden=8,8,8")
    # Bokeh lays the page out in steps: measure once it has finished.
    assert settled(phone, "document.documentElement.scrollWidth") <= 390
    # Auto mode keeps numpy here, so the page did not spend time starting WebGPU.
    notices = phone.workers[0].evaluate(
        "self.pyodide.runPython('from faders.browser import current; current.lesson.backend.notices')"
        ".toJs()")
    assert any("only when its link asks for backend=webgpu" in notice for notice in notices)
    guard.context.close()
    assert guard.foreign == []


def test_the_same_run_on_webgpu_gives_cpythons_losses(gpu_guarded: Guarded, base_url: str) -> None:
    settings = {"points": "100", "hidden": "4,3", "batch": "10", "epochs": "3", "seed": "2"}
    query = "&".join(f"{key}={value}" for key, value in settings.items())
    page = open_lesson(gpu_guarded, base_url + f"lessons/network.html?backend=webgpu&{query}")
    results = page.evaluate("faders.run('train')")["results"]
    assert results["engine"] == "webgpu" and results["epoch"] == 3
    expect(live(page).get_by_text("its products computed by WebGPU (on the GPU)")).to_be_visible()
    expected = cpython_lesson(settings).results()
    # The GPU multiplies in float32: the same losses to float32's precision over three epochs.
    assert results["train_loss"] == pytest.approx(expected["train_loss"], rel=1e-4)
    assert results["test_loss"] == pytest.approx(expected["test_loss"], rel=1e-4)
