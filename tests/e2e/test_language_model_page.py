"""Lesson `language-model` in a real Chromium, on the real Pyodide runtime: one page load, opened from
a link with settings of its own."""

from __future__ import annotations

import numpy as np
import pytest
from playwright.sync_api import Page, expect

from faders.lessons.kit.formatting import format_number
from faders.lessons.language_model import LanguageModelLesson
from tests.e2e.conftest import Guarded, live, open_lesson, snapshot, until
from tests.helpers import run

LINK = {"c": "m", "model": "bigram", "prompt": "ka", "t": "0.8", "k": "10", "seed": "11", "n": "50",
        "at": "3", "ctx": "3", "hidden": "32", "lr": "0.01", "batch": "32", "steps": "1500"}


@pytest.fixture(scope="module")
def page(guarded: Guarded, base_url: str) -> Page:
    query = "&".join(f"{key}={value}" for key, value in LINK.items())
    return open_lesson(guarded, base_url + f"lessons/language-model.html?{query}")


def cpython(settings: dict[str, str]) -> dict:
    lesson = LanguageModelLesson()
    assert lesson.apply(settings) == []
    return lesson.results()


def test_the_numbers_on_screen_are_cpythons_for_the_links_settings(page: Page) -> None:
    state = snapshot(page)
    assert state["settings"] == LINK and state["notices"] == []
    here, there = cpython(LINK), state["results"]
    assert there["bigram"] == here["bigram"]
    for name, value in here["losses"].items():
        assert there["losses"][name] == pytest.approx(value, rel=1e-12), name
    assert there["generation"]["text"] == here["generation"]["text"]
    mine, theirs = here["generation"]["picked"], there["generation"]["picked"]
    assert theirs["character"] == mine["character"] and theirs["rank"] == mine["rank"]
    assert [p for _, p in theirs["top"]] == pytest.approx([p for _, p in mine["top"]], rel=1e-12)
    expect(live(page).get_by_text(format_number(here["losses"]["bigram_validation"]), exact=False).first
           ).to_be_visible()
    expect(live(page).get_by_text(here["generation"]["text"].replace(" ", "\u00a0")[:12], exact=False)
           .first).to_be_visible()


def test_the_same_seed_generates_the_same_text_twice(page: Page) -> None:
    first = snapshot(page)["results"]["generation"]["text"]
    other = page.evaluate("faders.set({seed: 12})")["results"]["generation"]["text"]
    again = page.evaluate("faders.set({seed: 11})")["results"]["generation"]["text"]
    assert again == first and other != first
    live(page).get_by_role("button", name="New seed").click()
    changed = until(page, "(s) => s.settings.seed !== '11'")
    assert changed["results"]["generation"]["text"] == cpython({**LINK, "seed": changed["settings"]["seed"]}
                                                               )["generation"]["text"]
    page.evaluate("faders.set({seed: 11})")


def test_training_beats_the_bigram_and_repeats_cpythons_run(page: Page) -> None:
    bigram = snapshot(page)["results"]["losses"]["bigram_validation"]
    live(page).get_by_role("button", name="Train").click()
    until(page, f"(s) => s.results.network.validation_loss < {bigram}", timeout_s=120)
    done = until(page, "(s) => s.results.network.status === 'done'", timeout_s=300)["results"]["network"]
    assert done["updates"] == 1500 and done["beat_bigram"]["updates"] <= 1500
    lesson = LanguageModelLesson()
    assert lesson.apply(LINK) == []
    run(lesson.run("train"))
    here = lesson.results()["network"]
    assert [row[0] for row in done["curve"]] == [row[0] for row in here["curve"]]
    assert np.allclose([row[1:] for row in done["curve"]], [row[1:] for row in here["curve"]], rtol=1e-9)
    assert done["sample"] == here["sample"]
    expect(live(page).get_by_text("It beat the bigram", exact=False).first).to_be_visible()


def test_selecting_a_generated_character_shows_its_distribution(page: Page) -> None:
    box = live(page).get_by_role("textbox", name="Look at character #")
    box.fill("5")
    box.press("Enter")
    picked = until(page, "(s) => s.settings.at === '5'")["results"]["generation"]["picked"]
    mine = cpython({**LINK, "at": "5"})["generation"]["picked"]
    assert picked["index"] == 5 and picked["character"] == mine["character"]
    expect(live(page).get_by_text(f"Character 6, '{mine['character'].replace(' ', '␣')}', was drawn",
                                  exact=False)).to_be_visible()


def test_a_bad_prompt_is_refused_and_said(page: Page) -> None:
    state = page.evaluate("faders.set({prompt: 'Zo<'})")
    assert state["settings"]["prompt"] == "ka" and "Ignored the prompt" in state["notices"][0]
    expect(page.locator("#faders-notices")).to_contain_text("Ignored the prompt")
