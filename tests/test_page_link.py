"""The wire between a lesson in the worker and the page: patches wait while the page is still drawing."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

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
