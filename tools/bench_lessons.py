"""Speed figures of single lessons, measured on their own pages in headless Chromium (Pyodide): one
function per lesson, each printing its own rows."""

from __future__ import annotations

import statistics
from collections.abc import Callable

from tools.contexts import cold_context
from tools.pyodide_page import run_python, start_pyodide
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
    context = cold_context(browser)
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


# Change the degree one step at a time, as a drag does, and time each change until the page has
# drawn what Python sent back (faders.drawn counts the updates drawn).
DRAG_JS = """async (degrees) => {
  const times = [];
  for (const degree of degrees) {
    const before = faders.drawn, began = performance.now();
    await faders.set({degree});
    while (faders.drawn === before && performance.now() - began < 5000) {
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    times.push(performance.now() - began);
  }
  return times;
}"""

RESAMPLE_PYTHON = """
import json, time
import numpy as np
from faders.core import bias_variance
test_x = np.linspace(-1, 1, 200)
times = []
for degree in (3, 9, 15, 20):
    began = time.perf_counter()
    bias_variance.resample("sine", 20, 0.3, degree, 0.0, test_x, 200, np.random.default_rng(degree))
    times.append(time.perf_counter() - began)
json.dumps(times)
"""


def bias_variance_speed(browser, base_url: str, print_rows: Callable) -> None:  # type: ignore[no-untyped-def]
    """Lesson `bias-variance` at its defaults (20 points, 100 resampled sets): a degree drag's update,
    page drawing included, and 200 fits resampled by faders.core in Pyodide."""
    context = cold_context(browser)
    page = context.new_page()
    page.goto(base_url + "lessons/bias-variance.html")
    wait_until(page, "document.documentElement.dataset.fadersState === 'ready'", timeout=120_000)
    sweep = [*range(4, 21), *range(19, -1, -1), 3]
    drag = page.evaluate(DRAG_JS, sweep)
    began = page.evaluate("performance.now()")
    page.evaluate("faders.set({fits: 200}).then(() => faders.run('resample'))")
    resample_page = page.evaluate("performance.now()") - began
    context.close()

    context = cold_context(browser)
    page = context.new_page()
    start_pyodide(page, base_url, ["numpy", "faders"])
    resample_core = run_python(page, RESAMPLE_PYTHON)
    context.close()
    print("\nLesson `bias-variance`, defaults (20 points, degree 0 to 20), Pyodide in headless Chromium")
    print_rows([
        ("degree drag: one step, drawn (median)", f"{statistics.median(drag):.0f} ms", "≤ 100 ms"),
        ("degree drag: one step, drawn (slowest)", f"{max(drag):.0f} ms", ""),
        ("200 fits resampled, faders.core (slowest degree)", f"{max(resample_core) * 1e3:.0f} ms", "≤ 1 s"),
        ("200 fits resampled, page Resample (set + run)", f"{resample_page:.0f} ms", ""),
    ])


# Records the page's long tasks (the browser reports those over 50 ms) from now on.
WATCH_LONG_TASKS_JS = """() => {
  window.benchLongTasks = [];
  new PerformanceObserver((list) => list.getEntries().forEach(
    (entry) => window.benchLongTasks.push(entry.duration))).observe({type: "longtask"});
}"""


def language_model_training(browser, base_url: str, print_rows: Callable) -> None:  # type: ignore[no-untyped-def]
    """Lesson `language-model` at its defaults (context 3, 64 hidden units, batch 32, Adam 0.01,
    3,000 updates): updates a second, when the network's validation loss first beats the bigram's, and
    the page's redraws a second while it trains; in Pyodide in Chromium and in CPython, same run."""
    import asyncio
    import time
    from concurrent.futures import ThreadPoolExecutor

    from faders.lessons.language_model import LanguageModelLesson

    context = cold_context(browser)
    page = context.new_page()
    page.goto(base_url + "lessons/language-model.html")
    wait_until(page, "document.documentElement.dataset.fadersState === 'ready'", timeout=120_000)
    page.evaluate(WATCH_LONG_TASKS_JS)
    drawn_before, began = page.evaluate("faders.drawn"), time.perf_counter()
    browser_run = page.evaluate("faders.run('train')")["results"]["network"]
    drawn = (page.evaluate("faders.drawn") - drawn_before) / (time.perf_counter() - began)
    longest_task = max(page.evaluate("window.benchLongTasks"), default=0.0)
    context.close()
    lesson = LanguageModelLesson()
    # In a thread of its own: Playwright keeps an event loop running in this one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, lesson.run("train")).result()
    cpython_run = lesson.results()["network"]

    def per_second(run: dict) -> str:
        return f"{run['updates'] / run['seconds']:,.0f}"

    def beat(run: dict) -> str:
        beaten = run["beat_bigram"]
        return f"{beaten['seconds']:.2f} s ({beaten['updates']:,} updates)" if beaten else "not beaten"

    print("\nLesson `language-model`, defaults (3 characters → 64 tanh → 27 logits, batch 32, "
          "3,000 updates), Pyodide in Chromium and CPython")
    print_rows([("updates per second, Pyodide", per_second(browser_run), ""),
                ("updates per second, CPython", per_second(cpython_run), ""),
                ("beats the bigram's validation loss, Pyodide", beat(browser_run), "≤ 10 s"),
                ("beats the bigram's validation loss, CPython", beat(cpython_run), ""),
                ("validation loss after 3,000 updates (bigram: 2.366)",
                 f"{browser_run['validation_loss']:.3f}", ""),
                ("redraws per second while training, drawn by the page", f"{drawn:.1f}", "≥ 10"),
                ("longest main-thread task while training",
                 f"{longest_task:.0f} ms" if longest_task else "none over 50 ms", "≤ 100 ms")])


# One action or setting after another, each timed from the call until the page has drawn its answer.
TIMED_UPDATES_JS = """async (calls) => { const out = [];
  for (const [kind, argument] of calls) {
    const before = faders.drawn, began = performance.now();
    await (kind === "run" ? faders.run(argument) : faders.set(argument));
    while (faders.drawn === before) await new Promise((resolve) => setTimeout(resolve, 1));
    out.push(performance.now() - began); }
  return out; }"""
KINDS_STEPS = [["run", "reset"]] + [["run", "step"]] * 10
KINDS_EPSILONS = [["set", {"eps": eps}] for eps in (0.05, 0.1, 0.15, 0.2, 0.25, 0.3)]


def kinds_speed(browser, base_url: str, print_rows: Callable) -> None:  # type: ignore[no-untyped-def]
    """Lesson `kinds` at its defaults (200 points): a k-means step by its button, and ε moved on a
    bandit of 5,000 pulls (one run of the player; the ε = 0 and ε = 1 references keep)."""
    context = cold_context(browser)
    page = context.new_page()
    page.goto(base_url + "lessons/kinds.html")
    wait_until(page, "document.documentElement.dataset.fadersState === 'ready'", timeout=120_000)
    steps = page.evaluate(TIMED_UPDATES_JS, KINDS_STEPS)[1:]
    pulls = page.evaluate(TIMED_UPDATES_JS, [["set", {"pulls": 5000}]])
    epsilons = page.evaluate(TIMED_UPDATES_JS, KINDS_EPSILONS)
    context.close()
    print("\nLesson `kinds` at its defaults, Pyodide in Chromium: from the call until drawn")
    print_rows([("k-means: one step (median of 10)", f"{statistics.median(steps):.0f} ms", "≤ 100 ms"),
                ("bandit: 5,000 pulls, three players", f"{pulls[0]:.0f} ms", ""),
                ("bandit: ε moved at 5,000 pulls (median of 6)",
                 f"{statistics.median(epsilons):.0f} ms", "")])
