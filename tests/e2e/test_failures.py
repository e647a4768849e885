"""The page never fails silently. Each failure is made to happen for real (an action that raises in
the lesson's Python, an update the page cannot draw, Python's runtime failing mid-run, a download
answering 500) and the reader's message, the page state, the API's promises and the embedding
parent's error event are checked."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import (
    READY_TIMEOUT_MS,
    Guarded,
    lesson_frame,
    linked_site,
    open_blog_post,
    open_lesson,
    snapshot,
)
from tools.server import start
from tools.waiting import wait_until

# Training breaks after three steps: the action fails half-way, with the lesson marked as training.
BREAK_TRAINING = """
import itertools
import faders.lessons.function.state as lesson_module
working = lesson_module.linear.gradient_descent

def breaking(*args):
    yield from itertools.islice(working(*args), 3)
    raise RuntimeError("the knob fell off")

lesson_module.linear.gradient_descent = breaking
"""
MEND_TRAINING = "lesson_module.linear.gradient_descent = working"


def python(page: Page, code: str) -> None:
    """Run code in the lesson's own Python, in its worker."""
    page.workers[0].evaluate("(code) => self.pyodide.runPython(code)", code)


def state(page: Page) -> str:
    return page.evaluate("document.documentElement.dataset.fadersState")


def test_a_failed_action_is_shown_and_the_next_one_works(guarded: Guarded, base_url: str) -> None:
    page = open_lesson(guarded, base_url + "lessons/function.html")
    python(page, BREAK_TRAINING)

    # From the page's own button: the failure is shown in words, and the lesson stays live.
    page.get_by_role("button", name="Train").click()
    notices = page.locator("#faders-notices")
    expect(notices).to_contain_text("RuntimeError: the knob fell off")
    expect(notices).to_contain_text("The lesson carries on")
    assert state(page) == "ready"
    assert snapshot(page)["results"]["status"] == "stopped"  # not left "training"

    # Through the API: the promise is rejected with the reason.
    error = page.evaluate("faders.run('train').then(() => 'resolved', (e) => e.message)")
    assert "the knob fell off" in error

    # Mended, the same action works again.
    python(page, MEND_TRAINING)
    trained = page.evaluate("faders.run('train')")["results"]
    assert trained["status"] == "trained" and len(trained["trace"]) == 1001
    page.close()


def test_an_update_the_page_cannot_draw_ends_the_lesson_in_words(guarded: Guarded, base_url: str) -> None:
    page = open_lesson(guarded, base_url + "lessons/function.html")
    page.evaluate("() => { Bokeh.documents[0].apply_json_patch = () => { "
                  "throw new Error('the canvas melted'); }; }")
    outcome = page.evaluate("faders.run('train').then(() => 'resolved', (e) => e.message)")
    assert "could not draw an update from the lesson (the canvas melted)" in outcome
    assert state(page) == "error"
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("The lesson stopped working.")
    expect(alert).to_contain_text("the canvas melted")
    expect(page.get_by_role("button", name="Reload the lesson")).to_be_visible()
    later = page.evaluate("faders.get().then(() => 'resolved', (e) => e.message)")
    assert "the canvas melted" in later  # every later call is refused with the reason, at once
    page.close()


def test_python_failing_mid_run_is_told_to_the_reader_and_the_blog(
        guarded: Guarded, base_url: str, tmp_path: Path) -> None:
    page, blog = open_blog_post(guarded, tmp_path, base_url + "lessons/network.html?embed=1")
    page.evaluate("() => { window.training = ask('run', 'train'); }")  # not awaited here
    wait_until(lesson_frame(page), "faders.get().then((s) => s.results.epoch > 0)")
    # Pyodide's own fatal-error path, which running out of memory takes.
    page.workers[0].evaluate("setTimeout(() => self.pyodide._api.fatal_error(new Error('out of memory')))")
    reply = page.evaluate("window.training")
    assert "The lesson's Python stopped" in reply["error"]
    wait_until(page, "events.some((e) => e.event === 'error')")
    frame = lesson_frame(page)
    assert frame.evaluate("document.documentElement.dataset.fadersState") == "error"
    expect(frame.get_by_role("alert")).to_contain_text("out of memory")
    expect(frame.get_by_role("button", name="Reload the lesson")).to_be_visible()
    page.close()
    blog.shutdown()


@pytest.mark.parametrize(("pattern", "said"), [
    ("**/pyodide/files.json", "Could not download files.json: it answered 500"),
    # The wheels come through a worker of their own (web/assets/fetcher.js), checked against the
    # lock's sha256: a 500's body fails that check.
    ("**/pyodide/numpy-*.whl", "Could not download numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl: "
                               "it did not arrive, or not with the sha256 the lock names"),
])
def test_a_download_answering_500_is_named(browser: Browser, base_url: str, pattern: str, said: str) -> None:
    guard = Guarded(browser)
    guard.context.route(pattern, lambda route: route.fulfill(status=500, body="down"))
    page = guard.new_page()
    page.goto(base_url + "lessons/function.html")
    wait_until(page, "document.documentElement.dataset.fadersState === 'error'", timeout=READY_TIMEOUT_MS)
    expect(page.get_by_role("alert")).to_contain_text(said)
    rejected = page.evaluate("faders.ready.then(() => 'resolved', (e) => e.message)")
    assert said.split(":")[0].removeprefix("Could not download ") in rejected
    guard.context.close()
    assert guard.foreign == []


def test_a_downloads_worker_that_cannot_start_is_told(browser: Browser, tmp_path: Path) -> None:
    # A site deployed without web/assets/fetcher.js. (Routing does not reach a worker's own script.)
    server = start(linked_site(tmp_path, left_out=("assets/fetcher.js",)))
    guard = Guarded(browser)
    page = guard.new_page()
    page.goto(f"http://127.0.0.1:{server.server_port}/lessons/function.html")
    wait_until(page, "document.documentElement.dataset.fadersState === 'error'", timeout=READY_TIMEOUT_MS)
    said = "Could not download the packages: the downloads' worker failed"
    expect(page.get_by_role("alert")).to_contain_text(said)
    guard.context.close()
    server.shutdown()
    assert guard.foreign == []
