"""What a screen reader hears: one sentence at a time in the page's polite live region.

The lesson's words travel as the tag of a hidden, empty Bokeh Spacer named ANNOUNCER (a tag is never
drawn, so the words appear nowhere else on the page); the page copies each new text into
its `aria-live="polite"` element (web/assets/access.js). Sentences come when a run starts, stops,
finishes or diverges (any `…status` parameter, in the words of the matching `…message()`), a summary
of a run at most every SUMMARY_SECONDS while it goes, and the lesson's `summary()` once the reader's
changes have settled, so that a screen reader is told results, not every frame.
"""

from __future__ import annotations

import time
from typing import Any

import panel as pn
from bokeh.models import Spacer

from faders.lessons.kit.settle import Settled

ANNOUNCER = "faders-announcer"
SUMMARY_SECONDS = 5.0
SETTLE_SECONDS = 1.0
RUNNING = ("training", "benchmarking")


class Announcer:
    """Watches a lesson and says what changed, in words, through the hidden announcer."""

    def __init__(self, lesson: Any) -> None:
        self.lesson = lesson
        self.model = Spacer(name=ANNOUNCER, tags=[""], visible=False, width=0, height=0)
        self.pane = pn.pane.Bokeh(self.model, visible=False, margin=0)
        self.said_at = 0.0
        self.statuses = [name for name in lesson.param if name.endswith("status")]
        self.settled = Settled(SETTLE_SECONDS, self._summarise)
        for name in self.statuses:
            lesson.param.watch(self._on_status, [name])
        others = [name for name in lesson.param if name not in self.statuses and name != "name"]
        lesson.param.watch(self._on_change, others)

    def say(self, sentence: str) -> None:
        """Announce `sentence` (already plain words: the page writes it as text, never as markup)."""
        if sentence:
            self.said_at = time.monotonic()
            with pn.io.unlocked():
                self.model.tags = [sentence]

    @property
    def said(self) -> str:
        """The last sentence announced."""
        return self.model.tags[0]

    def _message(self, status_name: str) -> str:
        words = getattr(self.lesson, status_name.replace("status", "message"), None)
        return words() if callable(words) else ""

    def _running(self) -> str | None:
        return next((name for name in self.statuses if getattr(self.lesson, name) in RUNNING), None)

    def _on_status(self, event: Any) -> None:
        self.say(self._message(event.name))

    def _on_change(self, *_: Any) -> None:
        running = self._running()
        if running is None:
            self.settled.poke()
        elif time.monotonic() - self.said_at >= SUMMARY_SECONDS:
            self.say(self.lesson.announcement(running))

    def _summarise(self) -> None:
        if self._running() is None:
            summary = self.lesson.summary()
            if summary != self.said:
                self.say(summary)
