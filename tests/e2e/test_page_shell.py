"""The page around a lesson: first paint, loading progress and failure, URL settings, embedding,
the postMessage API from a host page, and not one request to another host."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from faders import course
from faders.lessons import LESSONS
from tests.e2e.conftest import DIST, READY_TIMEOUT_MS, Guarded, open_blog_post, open_lesson
from tools.server import start
from tools.waiting import settled, wait_until


def test_index_lists_the_lessons(guarded: Guarded, base_url: str) -> None:
    page = guarded.new_page()
    page.goto(base_url)
    links = page.locator(".lessons a")
    expect(links).to_have_count(len(LESSONS))
    for number, lesson in enumerate(LESSONS[slug] for slug in course.order()):  # the course's order
        expect(links.nth(number)).to_have_text(lesson.title)
        expect(links.nth(number)).to_have_attribute("href", f"lessons/{lesson.slug}.html")
        expect(page.get_by_text(lesson.teaser)).to_be_visible()
    expect(page.get_by_text("Turn two knobs to fit a line")).to_be_visible()
    expect(page.get_by_role("link", name="Scale and cost")).to_have_attribute("href", "lessons/scale.html")
    expect(page.get_by_text("Count the knobs of GPT-2, GPT-3 and Llama 3")).to_be_visible()
    page.close()


def test_first_paint_then_progress_then_ready_with_settings_from_the_url(
        guarded: Guarded, base_url: str) -> None:
    page = guarded.new_page()
    page.goto(base_url + "lessons/function.html?lr=0.1&steps=200&w=1.5&bogus=7&x=abc",
              wait_until="domcontentloaded")
    # Before Python arrives: title, text and the still picture, and a progress bar in megabytes.
    expect(page.get_by_role("heading", name="A model is a function")).to_be_visible()
    expect(page.locator("#faders-preview svg")).to_be_visible()
    assert page.evaluate("document.documentElement.dataset.fadersState") == "loading"
    expect(page.locator("#faders-bytes")).to_have_text(re.compile(r"[\d.]+ of [\d.]+ MB"))
    wait_until(page, "document.documentElement.dataset.fadersState === 'ready'",
                           timeout=READY_TIMEOUT_MS)
    # The bar counted every byte, and its total is what the server sends, compressed.
    files = page.request.get(base_url + "pyodide/files.json").json()
    wire = sum(f["compressed"] for f in files if not f["url"].endswith((".mjs", ".asm.js")))
    assert page.locator("#faders-bytes").text_content() == f"{wire / 1e6:.1f} of {wire / 1e6:.1f} MB"
    assert page.locator("#faders-progress").get_attribute("value") == "100"
    state = page.evaluate("faders.get()")
    assert state["settings"] == {"w": "1.5", "b": "0", "lr": "0.1", "steps": "200", "x": "10"}
    notices = page.locator("#faders-notices")
    expect(notices).to_contain_text("Ignored unknown setting 'bogus'")
    expect(notices).to_contain_text("Ignored x='abc': it is not a number; kept 10")
    # The URL now holds exactly the settings in force, and the embed snippet reproduces them.
    wait_until(page, "location.search === '?w=1.5&b=0&lr=0.1&steps=200&x=10'")
    snippet = page.locator("#faders-embed-code").input_value()
    assert snippet.startswith("<iframe src=") and "embed=1" in snippet and "lr=0.1" in snippet
    assert 'height="2150"' in snippet  # the lesson's own height, so the iframe needs no scrolling
    page.close()


def test_embed_mode_drops_the_site_chrome(guarded: Guarded, base_url: str) -> None:
    page = open_lesson(guarded, base_url + "lessons/function.html?embed=1")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("footer")).to_be_hidden()
    expect(page.locator(".embed-box")).to_be_hidden()
    expect(page.get_by_role("button", name="Train")).to_be_visible()
    assert "embed=1" in page.url
    page.close()




def test_the_api_works_across_an_iframe_from_another_origin(
        guarded: Guarded, base_url: str, tmp_path: Path) -> None:
    page, blog = open_blog_post(guarded, tmp_path, base_url + "lessons/function.html?embed=1&lr=0.1")
    assert page.evaluate("ask('ready')")["result"] is True
    assert page.evaluate("ask('get')")["result"]["settings"]["lr"] == "0.1"
    changed = page.evaluate("ask('set', {steps: 300})")["result"]
    assert changed["settings"]["steps"] == "300"
    trained = page.evaluate("ask('run', 'train')")["result"]["results"]
    assert trained["status"] == "trained" and len(trained["trace"]) == 301
    assert "Unknown method" in page.evaluate("ask('drop_tables')")["error"]
    assert page.evaluate("events.some((e) => e.event === 'change')")
    page.close()
    blog.shutdown()


def test_a_failed_download_shows_a_readable_error(browser: Browser, base_url: str) -> None:
    guard = Guarded(browser)
    guard.context.route("**/pyodide.asm.wasm*", lambda route: route.abort())  # any name it is asked by
    page = guard.new_page()
    page.goto(base_url + "lessons/function.html")
    wait_until(page, "document.documentElement.dataset.fadersState === 'error'",
                           timeout=READY_TIMEOUT_MS)
    expect(page.get_by_role("alert")).to_contain_text("The lesson could not start")
    expect(page.locator("#faders-loader")).to_be_hidden()
    assert page.evaluate("faders.ready.then(() => 'ok', (e) => e.message)") != "ok"
    guard.context.close()
    assert guard.foreign == []


@pytest.mark.parametrize("path", ["", "lessons/function.html"])
def test_no_request_leaves_the_site(browser: Browser, base_url: str, path: str) -> None:
    guard = Guarded(browser)
    page = guard.new_page()
    page.goto(base_url + path)
    if path:
        wait_until(page, "document.documentElement.dataset.fadersState === 'ready'",
                               timeout=READY_TIMEOUT_MS)
        page.evaluate("faders.run('train')")
    guard.context.close()
    assert guard.local, "nothing was loaded at all"
    assert guard.foreign == []


def test_the_site_works_from_a_sub_path(guarded: Guarded, tmp_path: Path) -> None:
    (tmp_path / "courses").mkdir()
    (tmp_path / "courses" / "faders").symlink_to(DIST, target_is_directory=True)
    host = start(tmp_path)
    base = f"http://127.0.0.1:{host.server_port}/courses/faders/"
    page = guarded.new_page()
    page.goto(base)
    page.get_by_role("link", name="A model is a function").click()
    wait_until(page, "document.documentElement.dataset.fadersState === 'ready'",
                           timeout=READY_TIMEOUT_MS)
    assert page.url.startswith(base + "lessons/function.html")
    assert all("/courses/faders/" in url for url in guarded.local if f":{host.server_port}/" in url)
    page.close()
    host.shutdown()


# Every chart's title and axis labels beside the room they have, as [what, text, width, room] (px):
# a title line against its plotting area's width (a canvas cuts a line too long, it does not wrap
# it), an axis label against the length of its axis. Widths are measured in the chart's own fonts.
CHART_WORDS = """() => { const plots = [], seen = new Set();
  const walk = (view) => { if (!view || seen.has(view)) return; seen.add(view);
    if (view.model && view.model.type === "Figure") plots.push(view);
    if (typeof view.children === "function") for (const child of view.children()) walk(child); };
  for (const root of Bokeh.index.roots) walk(root);
  const context = document.createElement("canvas").getContext("2d"), found = [];
  const width = (text, style, size, font) => { context.font = `${style} ${size} ${font}`;
    return Math.ceil(context.measureText(text).width); };
  for (const plot of plots) {
    const frame = plot.frame.bbox, title = plot.model.title;
    for (const line of (title && title.text ? title.text.split("\\n") : []))
      found.push(["title", line, width(line, title.text_font_style, title.text_font_size, title.text_font),
                  Math.floor(frame.width)]);
    for (const axis of [...plot.model.below, ...plot.model.left]) {
      if (!axis.visible || !axis.axis_label) continue;
      found.push(["axis", axis.axis_label, width(axis.axis_label, axis.axis_label_text_font_style,
                  axis.axis_label_text_font_size, axis.axis_label_text_font),
                  Math.floor(plot.model.below.includes(axis) ? frame.width : frame.height)]);
    } }
  return found; }"""


def phone_paths() -> list[str]:
    """Every lesson of the registry (scale at its widest: its tables and charts with Llama 3 70B's
    long figures)."""
    return [f"lessons/{slug}.html" + ("?preset=llama-3-70b" if slug == "scale" else "") for slug in LESSONS]


@pytest.mark.parametrize("path", phone_paths())
def test_the_lesson_fits_a_phone_screen(browser: Browser, base_url: str, path: str) -> None:
    guard = Guarded(browser, viewport={"width": 390, "height": 844})
    page = open_lesson(guard, base_url + path)
    # Bokeh lays the page out in steps: measure once it has finished.
    assert settled(page, "document.documentElement.scrollWidth") <= 390
    words = page.evaluate(CHART_WORDS)
    assert words, "no chart found"
    too_wide = [entry for entry in words if entry[2] > entry[3]]
    assert too_wide == [], f"cut at 390 px ([what, text, width, room]): {too_wide}"
    guard.context.close()
    assert guard.foreign == []


def test_a_download_that_hangs_ends_in_a_readable_error(browser: Browser, base_url: str) -> None:
    guard = Guarded(browser)
    guard.context.route("**/panel-*.whl", lambda route: None)  # never answered
    page = guard.new_page()
    page.goto(base_url + "lessons/function.html")
    wait_until(page, "document.documentElement.dataset.fadersState === 'error'",
                           timeout=READY_TIMEOUT_MS)
    expect(page.get_by_role("alert")).to_contain_text("Loading has stalled")
    guard.context.close()
    assert guard.foreign == []
