"""Training at full speed in the browser's worker while the page redraws at a steady rate."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


async def train_in_frames(one_epoch: Callable[[], bool], finished: Callable[[], bool],
                          publish: Callable[[], None], stop_requested: Callable[[], bool],
                          frame_seconds: float) -> tuple[str, int]:
    """Train epochs until Stop, a goal or divergence; publish a frame every `frame_seconds`.

    Frames are due every `frame_seconds`, drawing included: epochs run until the next is due (one at
    least; when drawing falls behind, the schedule starts again from now), then `publish()` makes a
    frame and the event loop gets its turn (a click on Stop, the page's acknowledgements).
    `one_epoch()` returns False when the run diverged. Returns the outcome ("stopped", "done" or
    "diverged") and how many frames were published.
    """
    outcome, frames, deadline = "stopped", 0, time.perf_counter()
    while outcome == "stopped" and not stop_requested():
        deadline = max(deadline + frame_seconds, time.perf_counter())
        trained = False
        while not trained or time.perf_counter() < deadline:
            trained = True
            if finished():
                outcome = "done"
                break
            if not one_epoch():
                outcome = "diverged"
                break
        publish()
        frames += 1
        await asyncio.sleep(0)
    return outcome, frames
