"""The course's own figure in the benchmark table: the index's first paint, cold, in headless Chromium.

The index has no Python and no script: its gallery should paint at once (target ≤ 0.3 s here).
Run it alone with `.venv/bin/python -m tools.bench_course` (dist/ built).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable

RUNS = 5
TARGET = "≤ 0.3 s"
PAINTS_JS = """() => new Promise((resolve) => {
  const read = () => {
    const paint = performance.getEntriesByName("first-contentful-paint")[0];
    if (!paint) return setTimeout(read, 20);
    resolve([paint.startTime, performance.timing.loadEventEnd - performance.timing.navigationStart]);
  };
  read();
})"""


def index_first_paint(browser, base_url: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Median of RUNS cold loads of the index (a fresh context each: empty cache), at phone and at
    desktop width alternately: first contentful paint and load, in seconds."""
    paints, loads = [], []
    for run in range(RUNS):
        width = 390 if run % 2 else 1280
        context = browser.new_context(viewport={"width": width, "height": 844})
        page = context.new_page()
        page.goto(base_url + "index.html", wait_until="load")
        paint_ms, load_ms = page.evaluate(PAINTS_JS)
        paints.append(paint_ms / 1e3)
        loads.append(load_ms / 1e3)
        context.close()
    return {"paint_s": statistics.median(paints), "load_s": statistics.median(loads),
            "worst_paint_s": max(paints)}


def print_index(figures: dict[str, float], print_rows: Callable[[list[tuple[str, str, str]]], None]) -> None:
    print(f"\nThe index (the gallery, no Python), median of {RUNS} cold loads")
    print_rows([("first paint", f"{figures['paint_s']:.3f} s", TARGET),
                ("  slowest of the runs", f"{figures['worst_paint_s']:.3f} s", ""),
                ("load (every picture in view)", f"{figures['load_s']:.3f} s", "")])


def main() -> None:
    from playwright.sync_api import sync_playwright

    from tools.bench import CHROMIUM_ARGS, DIST, print_rows
    from tools.server import start

    server = start(DIST)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        print_index(index_first_paint(browser, f"http://127.0.0.1:{server.server_port}/"), print_rows)
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
