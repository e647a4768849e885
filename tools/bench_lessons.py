"""Speed figures of single lessons, measured on their own pages in headless Chromium (Pyodide): one
function per lesson, each printing its own rows."""

from __future__ import annotations

import statistics
from collections.abc import Callable

from tools.pyodide_page import run_python, start_pyodide
from tools.waiting import wait_until

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
    context = browser.new_context()
    page = context.new_page()
    page.goto(base_url + "lessons/bias-variance.html")
    wait_until(page, "document.documentElement.dataset.fadersState === 'ready'", timeout=120_000)
    sweep = [*range(4, 21), *range(19, -1, -1), 3]
    drag = page.evaluate(DRAG_JS, sweep)
    began = page.evaluate("performance.now()")
    page.evaluate("faders.set({fits: 200}).then(() => faders.run('resample'))")
    resample_page = page.evaluate("performance.now()") - began
    context.close()

    context = browser.new_context()
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
