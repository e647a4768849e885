"""Benchmarks of single lessons in headless Chromium, each a small function that prints its table."""

from __future__ import annotations

import statistics
from collections.abc import Callable

from tools.waiting import wait_until

# Drag k from 1 to 20 and back: each step timed from faders.set until the page has drawn it.
KNN_DRAG_JS = """async (ks) => { const out = [];
  for (const k of ks) {
    const before = faders.drawn, began = performance.now();
    await faders.set({k});
    const computed = performance.now();
    while (faders.drawn === before) await new Promise((resolve) => setTimeout(resolve, 1));
    out.push([computed - began, performance.now() - began]); }
  return out; }"""
# The same steps in the worker's Python alone: the lesson and its page's watchers, no drawing.
KNN_PYTHON_STEP = """
import time
from faders.browser import current
lesson, spent = current.lesson, []
for k in {ks}:
    began = time.perf_counter()
    lesson.k = k
    spent.append((time.perf_counter() - began) * 1e3)
spent
"""
KNN_STEPS = [*range(1, 21), *range(19, 0, -1)]


def knn_drag(browser, base_url: str, print_rows: Callable[[list[tuple[str, str, str]]], None]) -> None:  # type: ignore[no-untyped-def]
    """Lesson `knn` at its defaults (moons, 200 points, a 50 × 50 map per model): one step of k."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "lessons/knn.html")
    wait_until(page, "document.documentElement.dataset.fadersState === 'ready'", timeout=120_000)
    page.evaluate(KNN_DRAG_JS, [2, 3, 4, 5])  # warm up
    steps = page.evaluate(KNN_DRAG_JS, KNN_STEPS)
    python = page.workers[0].evaluate(
        "(code) => self.pyodide.runPython(code).toJs()", KNN_PYTHON_STEP.format(ks=KNN_STEPS))
    context.close()
    set_ms, drawn_ms = [row[0] for row in steps], [row[1] for row in steps]
    print(f"\nLesson `knn` at its defaults, k dragged 1 → 20 → 1 ({len(KNN_STEPS)} steps), "
          "Pyodide in Chromium")
    print_rows([("Python: lesson and page updated (median)", f"{statistics.median(python):.1f} ms", ""),
                ("faders.set({k}) answered (median)", f"{statistics.median(set_ms):.1f} ms", ""),
                ("until drawn (median)", f"{statistics.median(drawn_ms):.1f} ms", "≤ 100 ms"),
                ("until drawn (slowest)", f"{max(drawn_ms):.1f} ms", "")])
