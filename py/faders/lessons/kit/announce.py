"""What a screen reader hears: one sentence at a time in the page's polite live region.

The lesson's words travel as the tag of a hidden, empty Bokeh Spacer named ANNOUNCER (a tag is never
drawn, so the words appear nowhere else on the page); the page copies each new text into
its `aria-live="polite"` element (web/assets/access.js). Sentences come when a run starts, stops,
finishes or diverges (any `…status` parameter, the lesson's or one of its parts', in the words of
the matching `…message()`), a summary of a run at most every SUMMARY_SECONDS while it goes, and the
lesson's `summary()` once the reader's changes have settled, so that a screen reader is told results,
not every frame.
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
        # (owner, name) of every status: the lesson's, and those of its parts (kit.lesson.Part).
        owners = [lesson, *(part for _, part in getattr(lesson, "part_list", list)())]
        self.statuses = [(owner, name) for owner in owners for name in owner.param if name.endswith("status")]
        self.settled = Settled(SETTLE_SECONDS, self._summarise)
        for owner, name in self.statuses:
            owner.param.watch(lambda event, owner=owner: self.say(self._message(owner, event.name)), [name])
        for owner in owners:
            # A part's notices become the lesson's: heard once, as the lesson's.
            quiet = ("name",) if owner is lesson else ("name", "notices")
            others = [name for name in owner.param
                      if (owner, name) not in self.statuses and name not in quiet]
            owner.param.watch(self._on_change, others)

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

    @staticmethod
    def _message(owner: Any, status_name: str) -> str:
        words = getattr(owner, status_name.replace("status", "message"), None)
        return words() if callable(words) else ""

    def _running(self) -> tuple[Any, str] | None:
        return next(((owner, name) for owner, name in self.statuses if getattr(owner, name) in RUNNING), None)

    def _on_change(self, *_: Any) -> None:
        running = self._running()
        if running is None:
            self.settled.poke()
        elif time.monotonic() - self.said_at >= SUMMARY_SECONDS:
            owner, name = running
            # A part's run is told in its own words; the lesson's, in the lesson's announcement.
            self.say(self.lesson.announcement(name) if owner is self.lesson else self._message(owner, name))

    def _summarise(self) -> None:
        if self._running() is None:
            summary = self.lesson.summary()
            if summary != self.said:
                self.say(summary)
