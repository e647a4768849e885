"""Run something once a burst of changes has settled, without running it for every change."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from typing import Any

# Only the browser's worker has an event loop that runs between changes (Pyodide's); under CPython
# (tests, a notebook, `panel serve`'s locked callbacks) a delayed call might never run or would
# touch the document outside its lock, so there the work is done at once.
DEFERS = sys.platform == "emscripten"


class Settled:
    """Calls `action()` `seconds` after the last of a burst of `poke()`s (at once outside the browser)."""

    def __init__(self, seconds: float, action: Callable[[], None]) -> None:
        self.seconds = seconds
        self.action = action
        self._pending: Any = None

    def poke(self) -> None:
        if not DEFERS:
            self.action()
            return
        if self._pending is not None:
            self._pending.cancel()
        self._pending = asyncio.get_event_loop().call_later(self.seconds, self._run)

    def _run(self) -> None:
        self._pending = None
        self.action()
