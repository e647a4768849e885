"""The course in the browser: every glossary link opens its lesson ready, at its place and with its
settings (generated from the glossary's data: one page per lesson, its terms reached on that page);
every lesson's path, term and card links resolve; the index, glossary and embed pages pass axe and
fit a phone; the embed page's example drives a lesson by postMessage.
"""

from __future__ import annotations

import re
from itertools import groupby
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from playwright.sync_api import Page, expect

from faders import course
from faders.course.glossary import Term, terms
from faders.lessons import LESSON_CLASSES
from tests.e2e.conftest import DIST, Guarded, open_lesson, snapshot
from tests.e2e.test_accessibility import axe_problems
from tools.waiting import wait_until

PHONE = {"width": 375, "height": 740}
BY_LESSON = {lesson: list(group) for lesson, group in
             groupby(sorted(terms(), key=lambda term: term.lesson), key=lambda term: term.lesson)}
# The marked place, found through shadow roots, is on screen (its top within the viewport).
IN_VIEW_JS = """(name) => {
  const find = (root) => { const hit = root.querySelector(`.faders-place-${name}`); if (hit) return hit;
    for (const el of root.querySelectorAll("*")) { const inner = el.shadowRoot && find(el.shadowRoot);
      if (inner) return inner; } return null; };
  const el = find(document.getElementById("faders-live"));
  if (!el || el.dataset.fadersHere !== name) return false;
  const box = el.getBoundingClientRect();
  return box.height > 0 && box.top >= -2 && box.top < innerHeight - 20;
}"""
# Focus went to the place, as an in-page link moves it: the next Tab goes on from there.
FOCUSED_AT_JS = """(name) => { let active = document.activeElement;
  while (active) { if (active.dataset && active.dataset.fadersHere === name) return true;
    active = active.shadowRoot && active.shadowRoot.activeElement; } return false; }"""
PAGES = ["index.html", "glossary.html", "embed.html", *(f"lessons/{slug}.html" for slug in LESSON_CLASSES)]


def assert_at(page: Page, term: Term) -> None:
    try:
        wait_until(page, f"({IN_VIEW_JS})({term.place!r})", timeout=10_000, polling=100)
    except TimeoutError:
        raise AssertionError(f"{term.name}: place #{term.place} not shown in {term.lesson}") from None
    settings = snapshot(page)["settings"]
    assert {key: settings.get(key) for key in term.settings} == term.settings, term.name


@pytest.mark.parametrize("lesson", sorted(BY_LESSON))
def test_every_glossary_link_opens_its_lesson_at_its_place(guarded: Guarded, base_url: str,
                                                           lesson: str) -> None:
    first, *others = BY_LESSON[lesson]
    page = open_lesson(guarded, base_url + first.link())
    assert_at(page, first)
    assert page.evaluate(FOCUSED_AT_JS, first.place)
    # The canonical link keeps the settings the page opened with.
    canonical = page.evaluate("document.querySelector('link[rel=canonical]').href")
    assert canonical.startswith(f"{base_url}lessons/{lesson}.html") and "#" not in canonical
    assert all(f"{key}={value}" in canonical for key, value in first.settings.items()), canonical
    for term in others:  # the same lesson's other terms: their settings and place, on this page
        if term.settings:
            assert page.evaluate("(s) => faders.set(s)", term.settings)["notices"] == []
        page.evaluate("(place) => { location.hash = ''; location.hash = place; }", term.place)
        assert_at(page, term)
    page.close()


def target(page_path: str, href: str) -> Path:
    return DIST / urlsplit(urljoin(page_path, href)).path


@pytest.mark.parametrize("slug", course.order())
def test_a_lessons_path_and_term_links_resolve(slug: str) -> None:
    path = f"lessons/{slug}.html"
    html = (DIST / path).read_text()
    step = course.step(slug)
    for rel, other in (("prev", step.previous), ("next", step.next)):
        found = re.findall(rf'<a href="([^"]+)" rel="{rel}">', html)
        assert found == ([f"{other}.html"] if other else []), (rel, found)
        assert all(target(path, href).is_file() for href in found)
    assert f"Lesson {step.number} of {step.total}" in html
    glossary = (DIST / "glossary.html").read_text()
    for key in re.findall(r'<a class="term" href="\.\./glossary\.html#([^"]+)"', html):
        assert f'id="{key}"' in glossary, key


def test_the_glossary_links_every_term_to_a_built_lesson() -> None:
    html = (DIST / "glossary.html").read_text()
    for term in terms():
        assert f'href="{term.link()}"'.replace("&", "&amp;") in html, term.name
        assert target("glossary.html", term.link()).is_file()


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_an_icon_a_description_and_a_card_whose_image_exists(path: str) -> None:
    html = (DIST / path).read_text()
    meta = dict(re.findall(r'<meta (?:name|property)="([^"]+)" content="([^"]*)"', html))
    for name in ("description", "og:title", "og:description", "og:image", "twitter:card",
                 "twitter:image", "twitter:title"):
        assert meta.get(name), f"{path} lacks {name}"
    assert meta["twitter:card"] == "summary_large_image"
    assert target(path, meta["og:image"]).is_file() and target(path, meta["twitter:image"]).is_file()
    if path.startswith("lessons/"):
        assert meta["og:image"].endswith(Path(path).stem + ".png")
    icon = re.search(r'<link rel="icon" href="([^"]+)"', html)
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', html)
    assert icon and target(path, icon.group(1)).is_file()
    if path.startswith("lessons/"):  # written by the page with its settings (checked on opening)
        assert canonical is None and "og:url" not in meta
    else:
        assert canonical and target(path, canonical.group(1)) == DIST / path and meta["og:url"]
    assert (DIST / "favicon.ico").is_file()


def assert_fits_a_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), "scrolls sideways"
    assert axe_problems(page) == []


def test_the_index_is_a_gallery_in_course_order_that_fits_a_phone(guarded: Guarded, base_url: str) -> None:
    page = guarded.new_page()
    page.set_viewport_size(PHONE)
    page.goto(base_url + "index.html")
    cards = page.locator(".card a")
    expect(cards).to_have_count(len(LESSON_CLASSES))
    for number, slug in enumerate(course.order()):
        expect(cards.nth(number)).to_have_attribute("href", f"lessons/{slug}.html")
    headings = page.locator(".theme h2").all_inner_texts()
    assert headings == [theme.title for theme in course.themes()] + ["Glossary"]
    first = page.locator(".card img").first
    wait_until(page, "document.querySelector('.card img').naturalWidth > 0", timeout=5_000)
    assert first.bounding_box()["width"] > 300
    assert_fits_a_phone(page)
    page.close()


def test_the_glossary_filters_as_you_type_and_fits_a_phone(guarded: Guarded, base_url: str) -> None:
    page = guarded.new_page()
    page.set_viewport_size(PHONE)
    page.goto(base_url + "glossary.html#temperature")
    entries = page.locator(".term-entry")
    expect(entries).to_have_count(len(terms()))
    assert page.evaluate("document.querySelector(':target').id") == "temperature"
    assert_fits_a_phone(page)
    page.get_by_label("Find a term").fill("gradient")
    wanted = [term.key for term in terms() if "gradient" in f"{term.name} {term.definition}".lower()]
    expect(page.locator(".term-entry:visible")).to_have_count(len(wanted))
    expect(page.locator("#glossary-count")).to_have_text(f"{len(wanted)} of {len(terms())} terms.")
    page.get_by_label("Find a term").fill("zzzz")
    expect(page.locator("#glossary-none")).to_be_visible()
    page.close()


def test_the_embed_page_drives_a_lesson_by_post_message(guarded: Guarded, base_url: str) -> None:
    page = guarded.new_page()
    page.set_viewport_size(PHONE)
    page.goto(base_url + "embed.html")
    snippets = page.locator("textarea[data-path]")
    expect(snippets).to_have_count(len(LESSON_CLASSES))
    assert f'src="{base_url}lessons/' in snippets.first.input_value()
    assert_fits_a_phone(page)
    page.get_by_role("button", name="Load the example").click()
    expect(page.locator("#demo-log")).to_contain_text("event ready", timeout=120_000)
    page.get_by_role("button", name="set: temperature 3").click()
    expect(page.locator("#demo-log")).to_contain_text("event change: labels=", timeout=20_000)
    page.get_by_role("button", name="get: the probabilities").click()
    expect(page.locator("#demo-log")).to_contain_text("probabilities 0.", timeout=20_000)
    frame = page.frame_locator("#demo-frame")
    assert frame.locator("html").evaluate("(html) => faders.get()")["settings"]["t"] == "3"
    page.close()
