"""Lesson `logits` in a real Chromium, on the real Pyodide runtime, as a reader uses it.

The page is loaded once for the module; each test starts from the lesson's defaults. Numbers on
the screen (the formula's table and the draws' table) are read out of the page and compared with
faders.core's, computed here in CPython.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from faders.core import softmax as sm
from faders.lessons.kit.formatting import format_count, format_number, format_probability
from tests.e2e.conftest import READY_TIMEOUT_MS, Guarded, live, open_lesson, snapshot, until
from tools.waiting import wait_until

DEFAULTS = {"labels": "cat,dog,car", "logits": "4.2,2.1,-1.3", "t": "1", "k": "0", "seed": "0", "n": "1000"}
# Every table in the live lesson (they sit in shadow roots), as rows of cell texts.
TABLES_JS = """() => {
  const tables = [];
  const walk = (root) => {
    for (const element of root.querySelectorAll("*")) {
      if (element.tagName === "TABLE")
        tables.push([...element.rows].map((row) => [...row.cells].map((cell) => cell.textContent.trim())));
      if (element.shadowRoot) walk(element.shadowRoot);
    }
  };
  walk(document.getElementById("faders-live"));
  return tables;
}"""


@pytest.fixture(scope="module")
def page(guarded: Guarded, base_url: str) -> Page:
    return open_lesson(guarded, base_url + "lessons/logits.html")


@pytest.fixture(autouse=True)
def fresh(page: Page) -> None:
    page.evaluate("faders.run('reset')")


def tables(page: Page) -> dict[str, list[list[str]]]:
    """The formula's table and the draws' table, by the first cell of their header."""
    found = page.evaluate(TABLES_JS)
    return {"formula": next(t for t in found if t[0][-1] == "p")[1:],
            "draws": next(t for t in found if t[0][-1] == "share of draws")[1:]}


def type_into(page: Page, box: str, text: str) -> None:
    field = live(page).get_by_role("textbox", name=box)
    field.fill(text)
    field.press("Enter")


def expected_tables(labels: list[str], logits: list[float], t: float, k: int, seed: int, n: int) -> dict:
    """The two tables as faders.core says they should read."""
    p = sm.softmax(logits, t, top_k=k or None)
    draws = sm.sample(p, n, seed)
    counts, shares = sm.draw_counts(draws, len(p)), sm.draw_frequencies(draws, len(p))
    draws_table = [[label, format_probability(pi), format_count(int(c)), format_probability(s)]
                   for label, pi, c, s in zip(labels, p, counts, shares, strict=True)]
    if t == 0:
        top = int(sm.argmax_one_hot(logits).argmax())
        formula = [[label, format_number(z), "1" if i == top else "0"]
                   for i, (label, z) in enumerate(zip(labels, logits, strict=True))]
        return {"formula": formula, "draws": draws_table}
    kept = sm.top_k_mask(logits, k or len(logits))
    working = sm.softmax_working([z for z, keep in zip(logits, kept, strict=True) if keep], t)
    terms = iter(zip(working.scaled, working.terms, strict=True))
    formula = []
    for label, z, pi, keep in zip(labels, logits, p, kept, strict=True):
        if not keep:
            formula.append([label, format_number(z), "dropped by top-k", "0", "0"])
            continue
        scaled, term = next(terms)
        formula.append([label, format_number(z), format_number(scaled), format_number(term),
                        f"{format_number(term)} / {format_number(working.total)} = {format_probability(pi)}"])
    return {"formula": formula, "draws": draws_table}


def check_screen(page: Page, labels: list[str], logits: list[float], t: float = 1.0, k: int = 0,
                 seed: int = 0, n: int = 1000) -> dict:
    """The numbers in the page's results and on its screen are faders.core's; returns the results."""
    results = snapshot(page)["results"]
    p = sm.softmax(logits, t, top_k=k or None)
    assert results["probabilities"] == pytest.approx(p.tolist(), rel=1e-12, abs=1e-300)
    assert results["entropy_bits"] == pytest.approx(sm.entropy(p), rel=1e-9, abs=1e-12)
    assert results["draws"] == sm.sample(p, n, seed)[:1000].tolist()
    want = expected_tables(labels, logits, t, k, seed, n)
    wait_until(page, f"({TABLES_JS})().length === 2")
    assert tables(page) == want
    entropy = f"Entropy {results['entropy_bits']:.3f} bits."
    expect(live(page).get_by_text(entropy).first).to_be_visible()
    return results


def test_ready_with_the_defaults_and_the_core_numbers_on_screen(page: Page) -> None:
    assert page.evaluate("document.documentElement.dataset.fadersState") == "ready"
    expect(page.locator("#faders-preview")).to_be_hidden()
    expect(live(page).get_by_role("heading", name="Labels and their logits")).to_be_visible()
    assert snapshot(page)["settings"] == DEFAULTS
    for row, (label, logit) in enumerate([("cat", "4.2"), ("dog", "2.1"), ("car", "-1.3")], 1):
        expect(live(page).get_by_role("textbox", name=f"Label {row}")).to_have_value(label)
        expect(live(page).get_by_role("textbox", name=f"Logit {row}")).to_have_value(logit)
    expect(live(page).get_by_role("textbox", name="Label 4")).to_be_hidden()
    results = check_screen(page, ["cat", "dog", "car"], [4.2, 2.1, -1.3])
    assert [round(p, 4) for p in results["probabilities"]] == [0.8877, 0.1087, 0.0036]
    assert tables(page)["formula"][0] == ["cat", "4.2", "4.2", "66.69", "66.69 / 75.13 = 0.8877"]
    expect(live(page).get_by_text("Σ = 66.69 + 8.166 + 0.2725 = 75.13")).to_be_visible()
    expect(live(page).get_by_text("Probabilistic.")).to_be_visible()


def test_temperature_zero_is_one_hot_and_the_same_draws_whatever_the_seed(page: Page) -> None:
    type_into(page, "T (0 to 100)", "0")
    until(page, "(s) => s.settings.t === '0'")
    results = check_screen(page, ["cat", "dog", "car"], [4.2, 2.1, -1.3], t=0)
    assert results["probabilities"] == [1, 0, 0] and results["formula"] is None
    expect(live(page).get_by_text("Deterministic.")).to_be_visible()
    live(page).get_by_role("button", name="Draw", exact=True).click()
    until(page, "(s) => s.results.draw_log.length === 1")
    live(page).get_by_role("button", name="New seed").click()
    state = until(page, "(s) => s.results.draw_log.length === 2")
    assert state["results"]["seed"] != 0
    assert state["results"]["counts"] == [1000, 0, 0]
    assert set(state["results"]["first_draws"]) == {"cat"}
    expect(live(page).get_by_text("the same 1,000 draws as #1")).to_be_visible()  # even a new seed


def test_a_higher_temperature_flattens_the_distribution(page: Page) -> None:
    handle = live(page).locator(".noUi-handle").first  # the temperature slider
    handle.focus()
    entropies = [snapshot(page)["results"]["entropy_bits"]]
    for _ in range(3):
        for _ in range(50):
            handle.press("ArrowRight")
        before = entropies[-1]
        state = until(page, f"(s) => s.results.entropy_bits > {before}")
        entropies.append(state["results"]["entropy_bits"])
    t = snapshot(page)["results"]["temperature"]
    assert t > 1.0
    check_screen(page, ["cat", "dog", "car"], [4.2, 2.1, -1.3], t=t)
    assert entropies == sorted(entropies)
    page.evaluate("faders.set({t: 100})")
    flat = snapshot(page)["results"]
    assert flat["entropy_bits"] == pytest.approx(math.log2(3), abs=1e-3)
    assert max(flat["probabilities"]) - min(flat["probabilities"]) < 0.06


def test_top_k_keeps_the_largest_logits(page: Page) -> None:
    handle = live(page).locator(".noUi-handle").nth(1)  # the top-k slider
    handle.focus()
    handle.press("ArrowRight")
    handle.press("ArrowRight")
    until(page, "(s) => s.settings.k === '2'")
    results = check_screen(page, ["cat", "dog", "car"], [4.2, 2.1, -1.3], k=2)
    assert results["kept"] == [True, True, False] and results["counts"][2] == 0
    assert tables(page)["formula"][2] == ["car", "-1.3", "dropped by top-k", "0", "0"]


def test_the_same_seed_draws_the_same_and_a_new_seed_draws_anew(page: Page) -> None:
    page.evaluate("faders.set({n: 200})")
    first = check_screen(page, ["cat", "dog", "car"], [4.2, 2.1, -1.3], n=200)["draws"]
    draw = live(page).get_by_role("button", name="Draw", exact=True)
    draw.click()
    draw.focus()
    draw.press("Enter")  # the keyboard works too
    state = until(page, "(s) => s.results.draw_log.length === 2")
    assert state["results"]["draws"] == first
    expect(live(page).get_by_text("the same 200 draws as #1")).to_be_visible()
    live(page).get_by_role("button", name="New seed").click()
    state = until(page, "(s) => s.results.draw_log.length === 3")
    seed = state["results"]["seed"]
    assert seed != 0 and state["results"]["draws"] != first
    check_screen(page, ["cat", "dog", "car"], [4.2, 2.1, -1.3], seed=seed, n=200)
    expect(live(page).get_by_text("a new sequence")).to_have_count(2)
    type_into(page, "Seed", "0")  # back to seed 0: the first sequence again
    state = until(page, "(s) => s.settings.seed === '0'")
    assert state["results"]["draws"] == first


def test_many_draws_approach_the_probabilities(page: Page) -> None:
    type_into(page, "Draws N (1 to 100,000)", "100000")
    until(page, "(s) => s.settings.n === '100000'")
    results = check_screen(page, ["cat", "dog", "car"], [4.2, 2.1, -1.3], n=100_000)
    convergence = results["convergence"]
    assert convergence["n"][-1] == 100_000 and convergence["frequencies"][-1] == results["frequencies"]
    running = sm.running_frequencies(sm.sample(sm.softmax([4.2, 2.1, -1.3]), 100_000, 0), 3)
    np.testing.assert_allclose(convergence["frequencies"], running[np.array(convergence["n"]) - 1],
                               rtol=1e-12)
    gaps = [abs(f - p) for f, p in zip(results["frequencies"], results["probabilities"], strict=True)]
    assert max(gaps) < 0.01


@pytest.mark.parametrize(("typed", "message"), [
    ("abc", "'abc' is not a number; kept 2.1."),
    ("1e400", "'1e400' is not a finite number; kept 2.1."),
    ("5000", "'5000' is outside the range -1000 to 1000"),
])
def test_a_bad_logit_gets_a_message_and_changes_nothing_else(page: Page, typed: str, message: str) -> None:
    before = snapshot(page)
    type_into(page, "Logit 2", typed)
    expect(live(page).get_by_text(message)).to_be_visible()
    after = snapshot(page)
    assert after["settings"] == before["settings"]
    assert {**after["results"], "row_messages": {}} == before["results"]
    check_screen(page, ["cat", "dog", "car"], [4.2, 2.1, -1.3])
    assert "NaN" not in page.locator("body").inner_text()
    type_into(page, "Logit 2", "3")  # fixed: the message goes, the numbers follow
    until(page, "(s) => s.settings.logits === '4.2,3,-1.3'")
    expect(live(page).get_by_text(message)).to_be_hidden()
    check_screen(page, ["cat", "dog", "car"], [4.2, 3.0, -1.3])


def test_a_bad_label_is_refused_and_a_good_one_renames_the_row(page: Page) -> None:
    type_into(page, "Label 1", "a,b")
    expect(live(page).get_by_text("'a,b' holds a comma")).to_be_visible()
    assert snapshot(page)["settings"] == DEFAULTS
    type_into(page, "Label 1", "kitten")
    until(page, "(s) => s.settings.labels === 'kitten,dog,car'")
    check_screen(page, ["kitten", "dog", "car"], [4.2, 2.1, -1.3])


def test_add_and_remove_a_row(page: Page) -> None:
    live(page).get_by_role("button", name="Add label").click()
    until(page, "(s) => s.settings.labels === 'cat,dog,car,bird'")
    expect(live(page).get_by_role("textbox", name="Label 4")).to_have_value("bird")
    expect(live(page).get_by_role("textbox", name="Logit 4")).to_have_value("0")
    type_into(page, "Logit 4", "3.5")
    until(page, "(s) => s.settings.logits === '4.2,2.1,-1.3,3.5'")
    check_screen(page, ["cat", "dog", "car", "bird"], [4.2, 2.1, -1.3, 3.5])
    live(page).get_by_role("button", name="Remove").first.click()
    until(page, "(s) => s.settings.labels === 'dog,car,bird'")
    expect(live(page).get_by_role("textbox", name="Label 1")).to_have_value("dog")
    expect(live(page).get_by_role("textbox", name="Label 4")).to_be_hidden()
    check_screen(page, ["dog", "car", "bird"], [2.1, -1.3, 3.5])
    live(page).get_by_role("button", name="Remove").first.click()
    until(page, "(s) => s.settings.labels === 'car,bird'")
    expect(live(page).get_by_role("button", name="Remove").first).to_be_disabled()  # two is the least


def test_the_url_and_embed_snippet_follow_the_settings(page: Page) -> None:
    page.evaluate("faders.set({t: 0.5, k: 2})")
    wait_until(page, "location.search.includes('t=0.5')")
    assert "labels=cat,dog,car&logits=4.2,2.1,-1.3&t=0.5&k=2" in page.url
    assert "embed" not in page.url
    snippet = page.locator("#faders-embed-code").input_value()
    assert "labels=cat,dog,car&logits=4.2,2.1,-1.3&t=0.5&k=2" in snippet
    assert "embed=1" in snippet and 'height="2100"' in snippet


def test_first_paint_then_url_settings_in_embed_mode(guarded: Guarded, base_url: str) -> None:
    embedded = guarded.new_page()
    embedded.goto(base_url + "lessons/logits.html?embed=1&labels=yes,no,maybe&logits=1,abc,-2&t=0.5&k=2"
                  "&seed=9&n=300&bogus=1", wait_until="domcontentloaded")
    # Before Python arrives: the title, the text and a still picture of the lesson's defaults.
    expect(embedded.get_by_role("heading", name="Logits, softmax and temperature")).to_be_visible()
    expect(embedded.locator("#faders-preview svg")).to_be_visible()
    expect(embedded.locator("#faders-preview svg text", has_text="0.8877")).to_have_count(1)
    assert embedded.evaluate("document.documentElement.dataset.fadersState") == "loading"
    wait_until(embedded, "document.documentElement.dataset.fadersState === 'ready'",
                               timeout=READY_TIMEOUT_MS)
    expect(embedded.locator("#faders-preview")).to_be_hidden()
    expect(embedded.locator(".site-header")).to_be_hidden()
    expect(embedded.locator(".embed-box")).to_be_hidden()
    state = embedded.evaluate("faders.get()")
    assert state["settings"] == {"labels": "yes,no,maybe", "logits": "4.2,2.1,-1.3", "t": "0.5", "k": "2",
                                 "seed": "9", "n": "300"}
    notices = embedded.locator("#faders-notices")
    expect(notices).to_contain_text("Ignored logits='1,abc,-2': it has item 2, 'abc', which is not a number")
    expect(notices).to_contain_text("Ignored unknown setting 'bogus'")
    check_screen(embedded, ["yes", "no", "maybe"], [4.2, 2.1, -1.3], t=0.5, k=2, seed=9, n=300)
    wait_until(embedded, "location.search.includes('labels=yes,no,maybe') && "
                               "location.search.includes('embed=1')")
    embedded.close()


def test_the_automation_api(page: Page) -> None:
    before = snapshot(page)
    state = page.evaluate("faders.set({labels: 'a,b', t: -1, k: 9, nonsense: 1})")
    assert state["settings"] == before["settings"] and len(state["notices"]) == 4
    expect(page.locator("#faders-notices")).to_contain_text("that makes 2 labels and 3 logits")
    state = page.evaluate("faders.set({labels: ['up', 'down'], logits: [1, -1]})")
    assert state["notices"] == [] and state["settings"]["labels"] == "up,down"
    state = page.evaluate("faders.run('draw')")
    assert state["results"]["draw_log"][0]["seed"] == 0
    drawn = sm.sample(sm.softmax([1, -1]), 1000, 0)[:30]
    assert state["results"]["first_draws"] == [["up", "down"][i] for i in drawn]
    state = page.evaluate("faders.run('add_label').then(() => faders.run('remove_label'))")
    assert state["settings"]["labels"] == "up,down"
    error = page.evaluate("faders.run('remove_label').then(() => null, (e) => e.message)")
    assert "at least 2 labels" in error
    error = page.evaluate("faders.run('explode').then(() => null, (e) => e.message)")
    assert "Unknown action" in error
