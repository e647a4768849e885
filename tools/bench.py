"""The benchmark table: cold loads of a lesson in headless Chromium, its Train run, and the MLP
training throughput of faders.core in CPython and in Pyodide.

Figures are medians of three cold loads, each in a fresh browser context (empty cache).
Bytes are counted by the server as it sends them, so they include the worker's downloads.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tools.bench_course import index_first_paint, print_index
from tools.bench_gpu import measure as measure_gpu
from tools.bench_gpu import print_table as print_gpu_table
from tools.bench_lessons import bias_variance_speed, kinds_speed, knn_drag, language_model_training
from tools.bench_memory import long_run_memory, print_memory
from tools.bench_start import measure as measure_start
from tools.bench_start import print_table as print_start_table
from tools.contexts import cold_context
from tools.pyodide_page import run_python, start_pyodide
from tools.server import start
from tools.waiting import wait_until

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update"]
WEBGPU_ARGS = ["--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader"]
RUNS = 3
TARGETS = {"first paint": "≤ 0.5 s", "ready": "≤ 4 s", "transferred": "≤ 12 MB"}


def dist_size() -> tuple[int, int]:
    """Bytes of dist/ as built, and of what a browser may download (the smallest variant)."""
    files = [p for p in DIST.rglob("*") if p.is_file() and p.suffix not in (".br", ".gz")]
    plain = sum(p.stat().st_size for p in files)
    smallest = sum(min([p.stat().st_size] + [q.stat().st_size for q in
                       (p.with_name(p.name + ".br"), p.with_name(p.name + ".gz")) if q.exists()])
                   for p in files)
    return plain, smallest


def cold_load(browser, server, url: str) -> dict[str, float]:  # type: ignore[no-untyped-def]
    context = cold_context(browser)
    page = context.new_page()
    server.bytes_sent = 0
    page.goto(url)
    wait_until(page, "document.documentElement.dataset.fadersState !== 'loading'",
                           timeout=180_000, polling=50)
    marks = page.evaluate("""() => {
        const paint = performance.getEntriesByName('first-contentful-paint')[0];
        const mark = (name) => performance.getEntriesByName(name)[0]?.startTime ?? NaN;
        return {paint: paint ? paint.startTime : NaN, ready: mark('faders-ready'),
                python: mark('faders-stage-packages'), packages: mark('faders-stage-import'),
                imported: mark('faders-stage-render'), document: mark('faders-document'),
                state: document.documentElement.dataset.fadersState};
    }""")
    if marks["state"] != "ready":
        raise RuntimeError(f"the lesson did not become ready: {marks['state']}")
    transferred = server.bytes_sent
    began = time.perf_counter()
    page.evaluate("faders.run('train')")
    train_wall = time.perf_counter() - began
    timing = page.evaluate("faders.get()")["results"]["timing"]
    context.close()
    return {"paint_s": marks["paint"] / 1e3, "python_s": marks["python"] / 1e3,
            "packages_s": marks["packages"] / 1e3, "imported_s": marks["imported"] / 1e3,
            "document_s": marks["document"] / 1e3, "ready_s": marks["ready"] / 1e3,
            "transferred_mb": transferred / 1e6, "train_wall_s": train_wall,
            "train_compute_ms": timing["train_ms"], "inference_us": timing["inference_us"]}


def print_rows(rows: list[tuple[str, str, str]]) -> None:
    width = max(len(r[0]) for r in rows)
    for name, value, target in rows:
        print(f"  {name:<{width}}  {value:>14}  {('target ' + target) if target else ''}")


def core_throughput(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """MLP training throughput in CPython and in Pyodide (same code, same data), and their ratio."""
    from faders.benchmarks import core_benchmarks

    native = core_benchmarks()
    context = cold_context(browser)
    page = context.new_page()
    start_pyodide(page, base_url, ["numpy", "faders"])
    in_browser = run_python(page, "import json\nfrom faders.benchmarks import core_benchmarks\n"
                                  "json.dumps(core_benchmarks())")
    context.close()
    print("\nfaders.core MLP training (tanh, SGD), examples per second, median of 3 one-second runs")
    print(f"  {'network':<12} {'examples':>8} {'batch':>5} {'CPython':>10} {'Pyodide':>10} {'ratio':>6}")
    for cpython, pyodide in zip(native, in_browser, strict=True):
        sizes = "-".join(str(size) for size in cpython["layer_sizes"])
        ratio = cpython["examples_per_second"] / pyodide["examples_per_second"]
        print(f"  {sizes:<12} {cpython['examples']:>8} {cpython['batch_size']:>5} "
              f"{cpython['examples_per_second']:>10,.0f} {pyodide['examples_per_second']:>10,.0f} "
              f"{ratio:>5.1f}×")


def network_training(browser, base_url: str) -> None:  # type: ignore[no-untyped-def]
    """Lesson `network` at its defaults (2-4-2-1, circle, 500 points, half for training, batch 10, tanh,
    learning rate 0.03): epochs a second with the maps redrawn, and the redraws a second achieved."""
    context = cold_context(browser)
    page = context.new_page()
    page.goto(base_url + "lessons/network.html?epochs=1500")
    wait_until(page, "document.documentElement.dataset.fadersState === 'ready'", timeout=120_000)
    drawn_before, began = page.evaluate("faders.drawn"), time.perf_counter()
    speed = page.evaluate("faders.run('train')")["results"]["speed"]
    drawn = (page.evaluate("faders.drawn") - drawn_before) / (time.perf_counter() - began)
    context.close()
    print("\nLesson `network`, default 2-4-2-1 network on circle, 1,500 epochs, maps redrawn")
    print_rows([("epochs per second", f"{speed['epochs_per_second']:.0f}", "≥ 200"),
                ("frames sent per second", f"{speed['redraws_per_second']:.1f}", "≥ 10"),
                ("redraws per second", f"{drawn:.1f}", "≥ 10 (drawn by the page)")])


def main() -> int:
    server = start(DIST)
    base_url = f"http://127.0.0.1:{server.server_port}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        runs = [cold_load(browser, server, base_url + "lessons/function.html") for _ in range(RUNS)]
        print_load_table(runs)
        print_index(index_first_paint(browser, base_url), print_rows)
        print_start_table(measure_start(server, base_url), print_rows)
        core_throughput(browser, base_url)
        network_training(browser, base_url)
        knn_drag(browser, base_url, print_rows)
        bias_variance_speed(browser, base_url, print_rows)
        language_model_training(browser, base_url, print_rows)
        kinds_speed(browser, base_url, print_rows)
        print_memory(long_run_memory(browser, base_url), print_rows)
        browser.close()
        gpu_browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                                 args=CHROMIUM_ARGS + WEBGPU_ARGS)
        print_gpu_table(measure_gpu(gpu_browser, base_url))
        gpu_browser.close()
    server.shutdown()
    return 0


def print_load_table(runs: list[dict[str, float]]) -> None:
    median = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    plain, smallest = dist_size()
    rows = [
        ("first paint", f"{median['paint_s']:.2f} s", TARGETS["first paint"]),
        ("  Python started (Pyodide core)", f"{median['python_s']:.2f} s", ""),
        ("  packages installed", f"{median['packages_s']:.2f} s", ""),
        ("  Panel and the lesson imported", f"{median['imported_s']:.2f} s", ""),
        ("  lesson built, page drawing it", f"{median['document_s']:.2f} s", ""),
        ("ready", f"{median['ready_s']:.2f} s", TARGETS["ready"]),
        ("transferred (compressed)", f"{median['transferred_mb']:.2f} MB", TARGETS["transferred"]),
        ("dist/ size (files / smallest encodings)", f"{plain / 1e6:.1f} MB / {smallest / 1e6:.1f} MB", ""),
        ("Train, 1000 steps, drawn (wall)", f"{median['train_wall_s']:.2f} s", ""),
        ("Train, 1000 steps, compute only", f"{median['train_compute_ms']:.1f} ms", ""),
        ("one inference", f"{median['inference_us']:.2f} µs", ""),
    ]
    print(f"\nLesson `function`, headless Chromium, median of {RUNS} cold loads "
          f"(ready per run: {', '.join(f'{r['ready_s']:.2f}' for r in runs)} s)")
    print_rows(rows)
