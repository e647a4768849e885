"""Timing one call in the reader's own browser (or in CPython): what a prediction costs here."""

from __future__ import annotations

import time
from collections.abc import Callable

# How long each round of repeated calls lasts (s): a browser's clock is coarse, so one call alone
# would often read 0.
TIMING_SECONDS = 0.005


def time_per_call(call: Callable[[], object], seconds: float = TIMING_SECONDS, rounds: int = 3) -> float:
    """Seconds one call takes: called once to warm up, then repeated for `seconds` (a browser's clock
    is coarse), `rounds` times; the fastest round is the cost, the others met a pause for other work."""
    call()
    fastest = float("inf")
    for _ in range(rounds):
        calls, spent, began = 0, 0.0, time.perf_counter()
        while spent < seconds:
            call()
            calls += 1
            spent = time.perf_counter() - began
        fastest = min(fastest, spent / calls)
    return fastest
