"""Training at full speed in the browser's worker while the page redraws at a steady rate."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


async def train_in_frames(one_epoch: Callable[[], bool], finished: Callable[[], bool],
                          publish: Callable[[], None], stop_requested: Callable[[], bool],
                          frame_seconds: float, *, every: int | None = None,
                          rest: Callable[[float], Awaitable[object]] = asyncio.sleep) -> tuple[str, int]:
    """Train epochs until Stop, a goal or divergence; publish a frame every `frame_seconds`.

    Frames are due every `frame_seconds`, drawing included: epochs run until the next is due (one at
    least; when drawing falls behind, the schedule starts again from now), then `publish()` makes a
    frame and the event loop gets its turn (a click on Stop, the page's acknowledgements).
    With `every`, a frame is due after that many epochs instead, and the loop then rests
    `frame_seconds` (a short run drawn in a fixed number of frames, as lesson `function` is).
    `rest(seconds)` is how it waits (a TrainingRun passes one that wakes at once on Stop).
    `one_epoch()` returns False when the run diverged. Returns the outcome ("stopped", "done" or
    "diverged") and how many frames were published.
    """
    outcome, frames, deadline = "stopped", 0, time.perf_counter()
    while outcome == "stopped" and not stop_requested():
        deadline = max(deadline + frame_seconds, time.perf_counter())
        epochs = 0
        while epochs == 0 or (epochs < every if every else time.perf_counter() < deadline):
            epochs += 1
            if finished():
                outcome = "done"
                break
            if not one_epoch():
                outcome = "diverged"
                break
        publish()
        frames += 1
        await rest(frame_seconds if every else 0)
    return outcome, frames
