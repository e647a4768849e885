"""Accessibility of every page in Chromium: axe-core, charts in words, keyboard walk, live region.

One page load per lesson (every lesson of the registry): axe-core (pinned in package.json, loaded
from node_modules) must find no critical or serious problem; every chart must be an image with words
and no tab stop; then the lesson's main path is walked with the keyboard alone (Tab to a knob,
change it with keys, Tab to the main action, Enter) and checked through faders.get(), with focus
never falling to <body>; and what the polite live region said is recorded and checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page

from faders.lessons import LESSON_CLASSES
from tests.e2e.conftest import ROOT, Guarded, open_lesson, until
from tools.waiting import wait_until

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TABS_AT_MOST = 150

# Run axe on the whole page; shadow roots (Bokeh and Panel draw in open ones) are searched too.
AXE_RUN = """axe.run(document, {resultTypes: ["violations"]}).then((r) => r.violations
  .filter((v) => v.impact === "critical" || v.impact === "serious")
  .map((v) => `${v.impact} ${v.id}: ${v.nodes.length} × ${JSON.stringify(v.nodes[0].target)} ${v.help}`))"""

# The element that really has focus, inside shadow roots: [tag, accessible name, text].
DEEPEST = "while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;"
DEEP_FOCUS = """() => { let a = document.activeElement;
  """ + DEEPEST + """
  return a ? [a.tagName, a.getAttribute("aria-label") || "", (a.textContent || "").trim()] : null; }"""

# Every chart (a Bokeh figure) as [role, name, description, tab stops inside it].
CHARTS = """() => { const found = [];
  const walk = (root) => { for (const el of root.querySelectorAll("*")) {
    if (el.classList.contains("bk-Figure")) {
      const stops = [...el.shadowRoot.querySelectorAll("*")].filter((e) => e.tabIndex >= 0).length;
      found.push([el.getAttribute("role"), el.getAttribute("aria-label") || "",
                  el.getAttribute("aria-description") || "", stops]);
    }
    if (el.shadowRoot) walk(el.shadowRoot); } };
  walk(document.getElementById("faders-live")); return found; }"""

# Every widget help icon ("?") as [tabindex, name, description].
HELP_ICONS = """() => { const found = [];
  const walk = (root) => { for (const el of root.querySelectorAll("*")) {
    if (el.classList.contains("bk-description"))
      found.push([el.getAttribute("tabindex"), el.getAttribute("aria-label") || "",
                  el.getAttribute("aria-description") || ""]);
    if (el.shadowRoot) walk(el.shadowRoot); } };
  walk(document.getElementById("faders-live")); return found; }"""

# Record every sentence written to the live region from now on, in window.heard.
LISTEN = """() => { window.heard = []; const region = document.getElementById("faders-announce");
  new MutationObserver(() => window.heard.push(region.textContent))
    .observe(region, {childList: true, characterData: true, subtree: true}); }"""


@dataclass(frozen=True)
class Walk:
    """A lesson's main path by keyboard: a knob and its keys, then the main action."""

    knob: str  # the knob's accessible name
    keys: list[str]
    turned: str  # JS predicate on faders.get() once the knob has turned
    action: str = ""  # the main button's text ("" if the lesson has none)
    acted: str = ""  # JS predicate once the action has had its effect
    heard: list[str] = field(default_factory=list)  # words the live region must have said


WALKS = {
    "function": Walk("Learning rate", ["ArrowLeft"] * 10, "(s) => s.settings.lr === '0.04'",
                     "Train", "(s) => s.results.status === 'trained'", ["Trained"]),
    "network": Walk("Units per layer", ["ArrowUp"], "(s) => s.settings.fwidth === '9'",
                    "Train", "(s) => s.results.epoch > 0 && s.results.status === 'training'",
                    ["Training"]),
    "kinds": Walk("k (groups)", ["ArrowRight"], "(s) => s.settings.k === '3'",
                  "Next step", "(s) => s.settings.step === '3'", ["k-means at step 3"]),
    "knn": Walk("k (neighbours)", ["ArrowRight"] * 2, "(s) => s.settings.k === '7'",
                "Measure again", "(s) => s.results.timings.length === 10", ["kNN with k = 7"]),
    "scale": Walk("Utilisation", ["ArrowRight"] * 5, "(s) => s.settings.util !== '0.4'"),
    "logits": Walk("Temperature T", ["ArrowRight"] * 5, "(s) => s.results.temperature > 1",
                   "Draw", "(s) => s.results.draw_log.length > 0", ["Most likely: cat"]),
    "bias-variance": Walk("Polynomial degree", ["ArrowRight"] * 2, "(s) => s.settings.degree === '5'",
                          "Resample", "(s) => s.settings.draw === '1'", ["Degree 5"]),
    "language-model": Walk("Temperature T", ["ArrowRight"] * 2, "(s) => s.settings.t === '1.1'",
                           "New seed", "(s) => s.settings.seed !== '0'", ["the likeliest next character"]),
    "gpus": Walk("Epochs", ["ArrowLeft"] * 2, "(s) => s.settings.epochs === '1'",
                 "Train", "(s) => s.results.status !== 'idle' && s.results.status !== 'training'"),
    "ship": Walk("Turn (degrees)", ["ArrowRight"] * 2, "(s) => s.settings.angle === '40'",
                 "Fine-tune on this shift", "(s) => s.results.fine_tuning.shift.angle === 40",
                 ["once shifted"]),
}


def axe_problems(page: Page) -> list[str]:
    page.evaluate(AXE.read_text())
    return page.evaluate(AXE_RUN)


def focused(page: Page) -> list[str]:
    return page.evaluate(DEEP_FOCUS)


def tab_to(page: Page, matches: str) -> list[str]:
    """Press Tab until the focused element's name or text is `matches`; return it."""
    for _ in range(TABS_AT_MOST):
        page.keyboard.press("Tab")
        now = focused(page)
        if now and matches in (now[1], now[2]):
            return now
    raise AssertionError(f"Tab never reached {matches!r}")


def assert_focus_kept(page: Page, when: str) -> None:
    """Focus is on a control or the lesson, not left on <body>: the page looks for a new home for
    it after each update and every 100 ms, so it rests on <body> only that long, and a little more
    while a loaded machine delays the page's timers (hence the few seconds allowed here)."""
    try:
        wait_until(page, f"({DEEP_FOCUS})()?.[0] !== 'BODY'", timeout=5_000, polling=50)
    except TimeoutError:
        raise AssertionError(f"focus was left on <body> {when}") from None


def test_the_index_has_no_serious_problem(guarded: Guarded, base_url: str) -> None:
    page = guarded.new_page()
    page.goto(base_url + "index.html")
    assert axe_problems(page) == []


@pytest.mark.parametrize("slug", list(LESSON_CLASSES))
def test_a_lesson_is_accessible_and_walkable_by_keyboard(guarded: Guarded, base_url: str, slug: str) -> None:
    walk = WALKS[slug]
    page = open_lesson(guarded, f"{base_url}lessons/{slug}.html")
    # The page names things in passes after drawing: wait for the charts to be named.
    wait_until(page, f"({CHARTS})().every(([role]) => role === 'img')", timeout=10_000)
    page.evaluate(LISTEN)

    assert axe_problems(page) == []
    charts = page.evaluate(CHARTS)
    assert charts, "no chart found"
    for role, name, words, stops in charts:
        assert role == "img" and name.startswith("Chart: ") and len(name) > 10, (role, name)
        assert any(char.isdigit() for char in words) or "No data yet" in words, (name, words)
        assert stops == 0, f"{name}: {stops} empty tab stops"

    for tabindex, name, description in page.evaluate(HELP_ICONS):
        assert tabindex == "0" and name == "Help" and ": " in description, (tabindex, name, description)

    tab_to(page, walk.knob)
    for key in walk.keys:
        page.keyboard.press(key)
    until(page, walk.turned, timeout_s=30)
    assert_focus_kept(page, "after turning the knob")
    if walk.action:
        tab_to(page, walk.action)
        page.keyboard.press("Enter")
        until(page, walk.acted, timeout_s=120)
        assert_focus_kept(page, f"after {walk.action}")
        if slug == "network":  # a run that goes on: Stop it by keyboard too
            tab_to(page, "Stop")
            page.keyboard.press("Enter")
            until(page, "(s) => s.results.status === 'stopped'")
            assert_focus_kept(page, "after Stop")
    for words in walk.heard:
        wait_until(page, "(words) => window.heard.some((said) => said.includes(words))", words,
                   timeout=15_000)

    # Focus taken from the reader without a click goes back; a click where nothing takes focus is
    # the reader's choice, and focus stays there.
    page.evaluate(f"() => {{ let a = document.activeElement; {DEEPEST} a.blur(); }}")
    assert_focus_kept(page, "after it was taken")
    page.click("h1")
    page.wait_for_timeout(400)  # four of the page's looks for a new home for focus
    assert focused(page)[0] == "BODY"

