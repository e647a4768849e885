"""Waiting in a page for a condition, under the site's Content-Security-Policy.

Playwright's `wait_for_function` compiles its predicate with eval inside the page, which the
site's policy forbids (no 'unsafe-eval'). `page.evaluate` goes through the DevTools protocol,
which the policy does not govern, so polling it from here works on every page.

Between two polls it waits through Playwright (`wait_for_timeout`), not `time.sleep`: Playwright's
sync API handles events only inside its own calls, so a request held by a route handler (the
tests' guard against other hosts sees every request) would otherwise wait for the next poll.
"""

from __future__ import annotations

import time
from typing import Any

from playwright.sync_api import Frame, Page


def wait_until(target: Page | Frame, expression: str, arg: Any = None, timeout: float = 30_000,
               polling: float = 100) -> Any:
    """Evaluate `expression` (or a function of `arg`) every `polling` ms until it is truthy; return
    its value. TimeoutError after `timeout` ms."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        value = target.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout / 1000:g} s waiting for {expression}")
        target.wait_for_timeout(polling)


def settled(target: Page | Frame, expression: str, quiet: float = 300, timeout: float = 10_000) -> Any:
    """The value of `expression` once it has stopped changing for `quiet` ms (a layout that has
    finished moving, say); TimeoutError if it keeps changing for `timeout` ms."""
    deadline = time.monotonic() + timeout / 1000
    value = target.evaluate(expression)
    while True:
        target.wait_for_timeout(quiet)
        value, before = target.evaluate(expression), value
        if value == before:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{expression} kept changing for {timeout / 1000:g} s")
