"""The wire between a lesson in the worker and the page: patches wait while the page is still drawing."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import pytest

from faders import browser
from faders.browser import PageLink
from faders.lessons.network import NetworkLesson
from tests.helpers import run


def test_a_page_still_drawing_gets_only_the_newest_frame_when_it_is_done() -> None:
    sent: list[tuple[str, str]] = []

    def patches() -> list[dict]:
        return [json.loads(payload) for kind, payload in sent if kind == "patch"]

    async def scenario() -> None:
        lesson = NetworkLesson()
        link = PageLink(lesson, lambda kind, payload: sent.append((kind, payload)))
        link.render()
        link.rendered()
        await lesson.run("step")
        await asyncio.sleep(0)
        assert len(patches()) == 1  # epoch 1 is on its way; the page has not said it is drawn
        for _ in range(4):
            await lesson.run("step")
            await asyncio.sleep(0)
        assert len(patches()) == 1  # epochs 2 to 5 wait
        link.drawn()
        assert len(patches()) == 2
        link.drawn()
        assert len(patches()) == 2  # nothing new: nothing sent

    run(scenario())
    newest = json.dumps(patches()[1])
    assert "Epoch <b>5</b>" in newest and "Epoch <b>2</b>" not in newest
    # Each source's data travels once, though it changed four times.
    changed = Counter(event["model"]["id"] for event in patches()[1]["events"]
                      if event["kind"] == "ColumnDataChanged")
    assert changed and max(changed.values()) == 1


def test_a_lesson_built_ahead_is_taken_over_by_its_page_at_its_defaults() -> None:
    sent: list[tuple[str, str]] = []
    document = browser.prebuild("logits")
    with pytest.raises(RuntimeError, match="before a page took it over"):
        browser.current.send("state", "{}")  # type: ignore[union-attr]
    link = browser.start("logits", json.dumps({"embed": "1"}),
                         lambda kind, payload: sent.append((kind, payload)))
    assert link is browser.current
    assert link.render() == document  # the document the page drew ahead, not a second one

    async def turn_a_knob() -> None:
        link.rendered()
        link.lesson.apply({"t": "2"})
        await asyncio.sleep(0)

    run(turn_a_knob())
    assert {"state", "patch"} <= {kind for kind, _ in sent}  # changes now reach this page
    assert browser.start("logits", "{}", lambda kind, payload: None) is not link  # taken once only


@pytest.mark.parametrize(("slug", "query", "gpu"), [
    ("logits", {"t": "2"}, None),  # settings of its own: built afresh, with them
    ("knn", {}, None),  # another lesson
    ("logits", {}, object()),  # a page that hands Python the GPU
])
def test_a_lesson_built_ahead_is_not_taken_over_by_another_page(slug: str, query: dict, gpu: object) -> None:
    browser.prebuild("logits")
    built = browser.current
    link = browser.start(slug, json.dumps(query), lambda kind, payload: None, gpu)
    assert link is not built and link.lesson.slug == slug
    assert link.lesson.settings() == {**link.lesson.settings(), **query}
