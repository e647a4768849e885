"""Lesson `gpus` in a real Chromium on the real Pyodide runtime: with WebGPU (SwiftShader, a GPU
emulated on the CPU), with WebGPU switched off by the link, with a GPU lost mid-training, without
WebGPU at all, on a phone, and under `panel serve`. Sizes stay small: SwiftShader is slow here."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from faders import benchmarks
from faders.core.mlp import MLP
from faders.core.training import train
from faders.lessons.gpus import state as gpus
from tests.e2e.conftest import Guarded, open_lesson, restoring, until
from tests.e2e.test_panel_serve import panel_server  # noqa: F401  (a fixture)
from tools.waiting import settled, wait_until

SMALL = "size=128&width=32&epochs=2&batch=100"
NO_ADAPTER = "WebGPU is not available (WebGPU is present but offers no GPU adapter)"


@pytest.fixture(scope="module")
def opened_gpu_page(gpu_guarded: Guarded, base_url: str) -> Page:
    return open_lesson(gpu_guarded, base_url + f"lessons/gpus.html?{SMALL}")


@pytest.fixture
def gpu_page(opened_gpu_page: Page) -> Iterator[Page]:
    yield from restoring(opened_gpu_page)


def live(page: Page):  # the live lesson (not the still preview)
    return page.locator("#faders-live")


def snapshot(page: Page) -> dict:
    return page.evaluate("faders.get()")


def core_losses(width: int, epochs: int, batch: int) -> list[float]:
    """The numpy run's losses, computed here in CPython by faders.core alone."""
    x, y, loss = benchmarks.digits_like_data(gpus.EXAMPLES, gpus.INPUTS, gpus.CLASSES, seed=gpus.DATA_SEED)
    model = MLP([gpus.INPUTS, width, width, gpus.CLASSES], "tanh", seed=gpus.MODEL_SEED)
    return [e.loss for e in train(model, x, y, epochs, batch_size=batch, loss=loss, seed=gpus.SHUFFLE_SEED)]


# ---- with WebGPU -----------------------------------------------------------------------------


def test_ready_with_webgpu_names_the_engine_and_the_adapter(gpu_page: Page) -> None:
    engine = snapshot(gpu_page)["results"]["engine"]
    assert "swiftshader" in engine["adapter"].lower()
    assert (engine["mode"], engine["active"], engine["notices"]) == ("auto", "numpy", [])
    assert snapshot(gpu_page)["results"]["missing"] is None
    # Until a benchmark has measured both engines (another test may have run one on this page), auto
    # mode says the GPU is ready and waiting; after, it says what the measurement decided.
    decided = ("is ready" if not engine["calibrated_sizes"] else
               "did not beat it" if engine["threshold_flops"] is None else "for products of")
    expect(live(gpu_page).get_by_text(f"WebGPU on {engine['adapter']}").first).to_contain_text(decided)
    expect(live(gpu_page).get_by_text("SwiftShader is a software GPU")).to_be_visible()
    expect(live(gpu_page).get_by_role("button", name="Simulate losing the GPU")).to_be_visible()
    expect(gpu_page.locator("#faders-notices")).to_be_hidden()
    expect(gpu_page.locator("#faders-preview")).to_be_hidden()


def test_benchmark_draws_both_engines_size_by_size_with_progress(gpu_page: Page) -> None:
    live(gpu_page).get_by_role("button", name="Benchmark").click()
    # Rows arrive while the benchmark still runs: the chart is drawn as it goes.
    until(gpu_page, "(s) => s.results.status === 'benchmarking' && s.results.benchmark.length > 0")
    expect(live(gpu_page).get_by_role("button", name="Stop").first).to_be_enabled()
    results = until(gpu_page, "(s) => s.results.status === 'benchmarked'", timeout_s=120)["results"]
    rows = results["benchmark"]
    assert [row["size"] for row in rows] == [32, 64, 96, 128]
    for row in rows:
        assert row["numpy_gflops"] > 0 and row["webgpu_gflops"] > 0 and row["webgpu_round_trip_gflops"] > 0
    assert results["progress"] == {"done": 12, "total": 12}
    expect(live(gpu_page).get_by_text("Done: 12 of 12 measurements.")).to_be_visible()
    lines = live(gpu_page).get_by_role("table").first.inner_text().splitlines()
    for row in rows:  # the table shows each measured figure, to three digits
        cells = [str(row["size"])] + [format(row[key], ".3g") for key in gpus.MEASURES]
        assert cells in [line.split("\t") for line in lines], (cells, lines)
    # Automatic choice now uses what was measured: the GPU from where it won for good, or numpy.
    engine = results["engine"]
    assert engine["mode"] == "auto" and engine["calibrated_sizes"] == [32, 64, 96, 128]
    if engine["threshold_flops"] is None:
        assert engine["active"] == "numpy"
        expect(live(gpu_page).get_by_text("did not beat it at the largest sizes")).to_be_visible()
    else:
        assert engine["active"] == "webgpu"
        expect(live(gpu_page).get_by_text("where the benchmark found the GPU faster")).to_be_visible()


def test_train_gives_the_same_losses_on_numpy_and_on_webgpu(gpu_page: Page) -> None:
    live(gpu_page).get_by_role("button", name="Train").click()
    results = until(gpu_page, "(s) => s.results.status === 'trained'", timeout_s=120)["results"]
    numpy_run, gpu_run = results["training"]
    assert (numpy_run["engine"], gpu_run["engine"]) == ("numpy", "webgpu")
    assert gpu_run["engines"] == ["webgpu", "webgpu"]
    assert numpy_run["losses"] == pytest.approx(core_losses(32, 2, 100), rel=1e-9)
    assert gpu_run["losses"] == pytest.approx(numpy_run["losses"], rel=1e-4)
    assert all(s > 0 for s in numpy_run["seconds_per_epoch"] + gpu_run["seconds_per_epoch"])
    assert results["comparison"]["largest_loss_difference"] < 1e-4
    for loss in numpy_run["losses"]:
        expect(live(gpu_page).get_by_text(f"{loss:.6f}").first).to_be_visible()
    expect(live(gpu_page).get_by_text("Median time per epoch")).to_be_visible()
    cost = results["cost"]
    assert cost["parameters"] == MLP([64, 32, 32, 10]).parameter_count
    expect(live(gpu_page).get_by_text(f"{cost['parameters']:,} parameters")).to_be_visible()


def test_settings_stay_in_the_url_and_the_embed_snippet(gpu_page: Page) -> None:
    wait_until(gpu_page, "location.search.includes('width=32')")
    snippet = gpu_page.locator("#faders-embed-code").input_value()
    assert "lessons/gpus.html?size=128&width=32&batch=100&epochs=2" in snippet
    assert "embed=1" in snippet and "backend=" not in snippet
    assert 'height="2700"' in snippet  # the whole lesson, results included, without scrolling inside


def test_a_gpu_lost_mid_training_falls_back_to_numpy_with_a_notice(
        gpu_guarded: Guarded, base_url: str) -> None:
    # A page of its own: the GPU does not come back.
    page = open_lesson(gpu_guarded, base_url + f"lessons/gpus.html?{SMALL}")
    page.evaluate("faders.set({width: 16, epochs: 4, batch: 250})")
    page.evaluate("() => { window.training = faders.run('train'); }")
    # faders.get() is answered between epochs: the click lands with two epochs still to go.
    until(page, "(s) => s.results.training.length === 2 && s.results.training[1].losses.length >= 1",
          timeout_s=120)
    live(page).get_by_role("button", name="Simulate losing the GPU").click()
    results = page.evaluate("window.training")["results"]
    numpy_run, gpu_run = results["training"]
    assert len(gpu_run["losses"]) == 4
    assert gpu_run["engines"][0] == "webgpu" and gpu_run["engines"][-1] == "numpy"
    assert gpu_run["losses"] == pytest.approx(numpy_run["losses"], rel=1e-4)  # the same numbers
    engine = results["engine"]
    assert engine["active"] == "numpy" and len(engine["notices"]) == 1
    expect(live(page).get_by_text("The GPU stopped working")).to_be_visible()
    expect(live(page).get_by_text("on numpy)").first).to_be_visible()  # the table marks those epochs
    expect(live(page).get_by_role("button", name="Simulate losing the GPU")).to_be_hidden()
    page.close()


def test_backend_numpy_in_the_link_leaves_the_gpu_unused(gpu_guarded: Guarded, base_url: str) -> None:
    page = open_lesson(gpu_guarded, base_url + "lessons/gpus.html?backend=numpy&size=64&width=16&epochs=1")
    state = page.evaluate("faders.run('benchmark')")
    engine = state["results"]["engine"]
    assert (engine["mode"], engine["active"], engine["notices"]) == ("numpy", "numpy", [])
    assert "swiftshader" in engine["adapter"].lower()
    rows = state["results"]["benchmark"]
    assert all(row["numpy_gflops"] > 0 and row["webgpu_gflops"] is None for row in rows)
    expect(live(page).get_by_text("chosen by ?backend=numpy")).to_be_visible()
    expect(live(page).get_by_text("WebGPU is switched off for this page")).to_be_visible()
    wait_until(page, "location.search.includes('width=16')")
    assert "backend=numpy" in page.url  # a link keeps the engine it asked for
    assert "backend=numpy" in page.locator("#faders-embed-code").input_value()
    page.close()


# ---- without WebGPU --------------------------------------------------------------------------


def test_without_webgpu_a_notice_and_numpy_alone_on_a_phone(browser: Browser, base_url: str) -> None:
    guard = Guarded(browser, viewport={"width": 390, "height": 844})
    page = guard.new_page()
    page.goto(base_url + "lessons/gpus.html?size=64&width=16&epochs=1", wait_until="domcontentloaded")
    expect(page.get_by_role("heading", name="Why GPUs matter")).to_be_visible()
    expect(page.locator("#faders-preview svg")).to_be_visible()  # the first paint
    wait_until(page, "document.documentElement.dataset.fadersState === 'ready'", timeout=120_000)
    engine = snapshot(page)["results"]["engine"]
    assert engine["adapter"] is None and engine["active"] == "numpy"
    assert engine["notices"][0].startswith(NO_ADAPTER)
    expect(live(page).get_by_text(NO_ADAPTER)).to_be_visible()
    expect(live(page).get_by_text("What you are missing")).to_be_visible()
    expect(live(page).get_by_role("button", name="Simulate losing the GPU")).to_be_hidden()
    live(page).get_by_role("button", name="Benchmark").click()
    results = until(page, "(s) => s.results.status === 'benchmarked'")["results"]
    assert [row["size"] for row in results["benchmark"]] == [32, 64]
    assert all(row["numpy_gflops"] > 0 and row["webgpu_gflops"] is None for row in results["benchmark"])
    results = page.evaluate("faders.run('train')")["results"]
    assert [run["engine"] for run in results["training"]] == ["numpy"]
    assert results["training"][0]["losses"] == pytest.approx(core_losses(16, 1, 100), rel=1e-9)
    # Bokeh lays the page out in steps: measure once it has finished.
    assert settled(page, "document.documentElement.scrollWidth") <= 390
    guard.context.close()
    assert guard.foreign == []


# ---- under panel serve -----------------------------------------------------------------------


def test_the_lesson_under_panel_serve(browser: Browser, panel_server: str) -> None:  # noqa: F811
    context = browser.new_context()
    page = context.new_page()
    page.goto(panel_server + "?lesson=gpus&size=64&width=16&epochs=1")
    expect(page.get_by_text("outside a browser").first).to_be_visible(timeout=30_000)
    page.get_by_role("button", name="Benchmark").click()
    expect(page.get_by_text("Done: 2 of 2 measurements.")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Train").click()
    expect(page.get_by_text("Median time per epoch")).to_be_visible(timeout=60_000)
    context.close()
