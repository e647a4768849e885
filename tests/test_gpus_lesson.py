"""Lesson `gpus` in CPython: numpy alone (as under panel serve and Jupyter), and a stand-in GPU that
computes in float32 with numpy, can be lost, and lets every flow run without a browser."""

from __future__ import annotations

import asyncio
import json
import types

import numpy as np
import pytest

from faders import benchmarks
from faders.backend import NUMPY
from faders.backend.select import SelectingBackend, Timing
from faders.backend.webgpu import GpuNotWaitableError, GpuUnavailableError
from faders.browser import start
from faders.core import scale
from faders.core.mlp import MLP
from faders.core.training import train
from faders.lessons.gpus import state as gpus
from faders.lessons.gpus.state import GpusLesson, benchmark_sizes
from faders.lessons.gpus.words import flops_text
from tests.helpers import acknowledging_link, notebook_display
from tests.test_function_lesson import run

SMALL = {"size": "64", "width": "16", "epochs": "2", "batch": "100"}


class FakeArray:
    def __init__(self, gpu: FakeGpu, values: np.ndarray) -> None:
        self.gpu, self.values, self.shape = gpu, values, values.shape

    def numpy(self) -> np.ndarray:
        self.gpu.touch()
        return self.values.astype(np.float64)

    def release(self) -> None:
        pass


class FakeGpu:
    """The WebGPUBackend interface on numpy in float32, as the GPU computes; `lose()` or
    `products_left` running out makes every later call fail as a lost device does."""

    name = "webgpu"
    adapter = "fake adapter"

    def __init__(self, products_left: int | None = None) -> None:
        self.products_left, self.lost, self.products = products_left, False, 0

    def touch(self) -> None:
        if self.lost:
            raise GpuUnavailableError("the GPU was lost: a test took it away")

    def upload(self, matrix: np.ndarray) -> FakeArray:
        self.touch()
        return FakeArray(self, np.asarray(matrix, dtype=np.float32))

    def product(self, a: FakeArray, b: FakeArray) -> FakeArray:
        self.touch()
        self.products += 1
        if self.products_left is not None:
            self.products_left -= 1
            self.lost = self.products_left < 0
            self.touch()
        return FakeArray(self, a.values @ b.values)

    def matmul(self, a: np.ndarray, b: np.ndarray, *, transpose_a: bool = False,
               transpose_b: bool = False) -> np.ndarray:
        left, right = self.upload(a.T if transpose_a else a), self.upload(b.T if transpose_b else b)
        return self.product(left, right).numpy()

    def finish(self) -> None:
        self.touch()

    def lose(self) -> None:
        self.lost = True


def lesson_with(gpu: FakeGpu | None, mode: str = "auto", **settings: str) -> GpusLesson:
    lesson = GpusLesson(backend=SelectingBackend(gpu, mode, unavailable="a test gave it none"))
    assert lesson.apply({**SMALL, **settings}) == []
    return lesson


def plain_numpy_losses(width: int, epochs: int, batch: int) -> list[float]:
    """The numpy run, written out with faders.core alone."""
    x, y, loss = benchmarks.digits_like_data(gpus.EXAMPLES, gpus.INPUTS, gpus.CLASSES, seed=gpus.DATA_SEED)
    model = MLP([gpus.INPUTS, width, width, gpus.CLASSES], "tanh", seed=gpus.MODEL_SEED)
    return [e.loss for e in train(model, x, y, epochs, batch_size=batch, loss=loss, seed=gpus.SHUFFLE_SEED)]


# ---- knobs and words -------------------------------------------------------------------------


def test_defaults_and_settings_in_the_url() -> None:
    lesson = GpusLesson()
    assert lesson.settings() == {"size": "256", "width": "128", "batch": "100", "epochs": "3"}
    assert benchmark_sizes(256) == [32, 64, 96, 128, 192, 256]
    notices = lesson.apply({"size": "300", "width": "abc", "epochs": "0", "backend": "webgpu"})
    assert notices == ["Ignored size='300': it is not one of 64, 128, 256, 512, 1024; kept 256.",
                       "Ignored width='abc': it is not a number; kept 128.",
                       "Ignored epochs='0': it is outside the range 1 to 10; kept 3."]
    assert lesson.settings()["size"] == "256"


def test_outside_a_browser_the_lesson_says_numpy_does_everything() -> None:
    lesson = GpusLesson()
    engine = lesson.results()["engine"]
    assert engine["active"] == "numpy" and engine["adapter"] is None
    assert "outside a browser" in engine["notices"][0]
    assert "What you are missing" in lesson.missing()
    assert GpusLesson(backend=NUMPY).results()["engine"]["notices"] == []


def test_flops_text_picks_a_readable_prefix() -> None:
    assert flops_text(6932) == "6.93 kFLOP"
    assert flops_text(41_592_000) == "41.6 MFLOP"
    assert flops_text(2.5e12) == "2.5 TFLOP"
    assert flops_text(12) == "12 FLOP"


# ---- the benchmark ---------------------------------------------------------------------------


def test_benchmark_without_a_gpu_measures_numpy_alone() -> None:
    lesson = lesson_with(None, size="128")
    run(lesson.run("benchmark"))
    results = lesson.results()
    assert [row["size"] for row in results["benchmark"]] == [32, 64, 96, 128]
    rows = results["benchmark"]
    assert all(row["numpy_gflops"] > 0 and np.isfinite(row["numpy_gflops"]) for row in rows)
    assert all(row["webgpu_gflops"] is None is row["webgpu_round_trip_gflops"] for row in rows)
    assert results["progress"] == {"done": 4, "total": 4}
    assert results["status"] == "benchmarked"
    assert "a test gave it none" in results["engine"]["notices"][0]
    assert "numpy peaked at" in results["message"] and "WebGPU" not in results["message"]


def test_benchmark_with_a_gpu_measures_three_ways_and_sets_the_auto_threshold() -> None:
    gpu = FakeGpu()
    lesson = lesson_with(gpu, size="128")
    run(lesson.run("benchmark"))
    rows = lesson.results()["benchmark"]
    assert [row["size"] for row in rows] == [32, 64, 96, 128]
    for row in rows:
        assert row["numpy_gflops"] > 0 and row["webgpu_gflops"] > 0 and row["webgpu_round_trip_gflops"] > 0
    assert lesson.results()["progress"] == {"done": 12, "total": 12}
    # Auto mode adopts the benchmark's numpy and round-trip timings as its calibration.
    calibration = lesson.backend.calibration
    assert [t.size for t in calibration] == [32, 64, 96, 128]
    for timing, row in zip(calibration, rows, strict=True):
        flops = benchmarks.matmul_flops(row["size"], row["size"], row["size"])
        assert benchmarks.gflops(flops, timing.numpy_seconds) == pytest.approx(row["numpy_gflops"])
        round_trip = benchmarks.gflops(flops, timing.webgpu_seconds)
        assert round_trip == pytest.approx(row["webgpu_round_trip_gflops"])


def test_forced_modes_keep_their_threshold_and_numpy_skips_the_gpu() -> None:
    forced_gpu = lesson_with(FakeGpu(), "webgpu", size="64")
    run(forced_gpu.run("benchmark"))
    assert forced_gpu.backend.calibration == []
    assert "every product goes to the GPU" in forced_gpu.engine_summary()
    gpu = FakeGpu()
    numpy_only = lesson_with(gpu, "numpy", size="64")
    run(numpy_only.run("benchmark"))
    run(numpy_only.run("train"))
    assert gpu.products == 0
    assert all(row["webgpu_gflops"] is None for row in numpy_only.results()["benchmark"])
    assert [r["engine"] for r in numpy_only.results()["training"]] == ["numpy"]
    assert "?backend=numpy" in numpy_only.engine_summary()
    assert "switched off" in numpy_only.missing()


def test_adopt_sends_products_to_the_gpu_from_where_it_wins_for_good() -> None:
    backend = SelectingBackend(FakeGpu(), "auto")
    backend.adopt([Timing(32, 1.0, 2.0), Timing(64, 1.0, 0.5), Timing(128, 1.0, 2.0), Timing(256, 1.0, 0.5)])
    assert backend.threshold_flops == 2.0 * 256**3 and backend.name == "webgpu"
    backend.adopt([Timing(64, 1.0, 0.5), Timing(32, 1.0, 2.0), Timing(128, 1.0, 0.5)])  # any order
    assert backend.threshold_flops == 2.0 * 64**3
    backend.adopt([Timing(64, 1.0, 0.5), Timing(128, 1.0, 2.0)])
    assert backend.threshold_flops == float("inf") and backend.name == "numpy"


def test_engine_summary_names_the_threshold_once_measured() -> None:
    lesson = lesson_with(FakeGpu())
    assert "for now" in lesson.engine_summary()
    lesson.backend.adopt([Timing(64, 1.0, 2.0), Timing(128, 1.0, 0.5)])
    assert lesson.results()["engine"]["active"] == "webgpu"
    assert "4.19 MFLOP or more (from n = 128" in lesson.engine_summary()
    lesson.backend.adopt([Timing(64, 1.0, 2.0), Timing(128, 1.0, 2.0)])
    assert "did not beat it" in lesson.engine_summary()
    numpy_wins = lesson_with(FakeGpu())  # the threshold stays where it was, and the words change
    numpy_wins.backend.adopt([Timing(64, 1.0, 2.0)])
    assert numpy_wins.engine["calibrated_sizes"] == [64] and "did not beat it" in numpy_wins.engine_summary()


def test_a_gpu_lost_during_the_benchmark_leaves_numpy_measuring() -> None:
    gpu = FakeGpu(products_left=3)
    lesson = lesson_with(gpu, size="128")
    run(lesson.run("benchmark"))
    rows = lesson.results()["benchmark"]
    assert all(row["numpy_gflops"] > 0 for row in rows) and len(rows) == 4
    assert rows[-1]["webgpu_gflops"] is None
    assert lesson.backend.gpu is None
    assert "stopped working" in lesson.results()["engine"]["notices"][-1]
    assert lesson.results()["progress"]["done"] == 12


# ---- training --------------------------------------------------------------------------------


def test_train_runs_the_same_network_on_both_engines_with_the_same_losses() -> None:
    lesson = lesson_with(FakeGpu())
    run(lesson.run("train"))
    results = lesson.results()
    numpy_run, gpu_run = results["training"]
    assert (numpy_run["engine"], gpu_run["engine"]) == ("numpy", "webgpu")
    assert numpy_run["losses"] == plain_numpy_losses(16, 2, 100)  # exactly faders.core's numbers
    assert gpu_run["losses"] == pytest.approx(numpy_run["losses"], rel=1e-4)
    assert gpu_run["engines"] == ["webgpu", "webgpu"]
    assert all(s > 0 for s in numpy_run["seconds_per_epoch"] + gpu_run["seconds_per_epoch"])
    comparison = results["comparison"]
    assert set(comparison["seconds_per_epoch"]) == {"numpy", "webgpu"}
    assert comparison["largest_loss_difference"] < 1e-4
    assert results["progress"] == {"done": 4, "total": 4}
    assert "The losses agree" in lesson.training_summary()
    # The GPU run's mode is put back: auto mode stays auto.
    assert results["engine"]["mode"] == "auto"


def test_training_cost_against_one_inference_follows_the_formulas() -> None:
    lesson = lesson_with(None, width="32", epochs="3")
    run(lesson.run("train"))
    cost = lesson.results()["cost"]
    n = MLP([gpus.INPUTS, 32, 32, gpus.CLASSES]).parameter_count
    assert cost["parameters"] == n == 64 * 32 + 32 + 32 * 32 + 32 + 32 * 10 + 10
    assert cost["examples_seen"] == 3 * gpus.EXAMPLES
    assert cost["training_flops"] == scale.training_flops(n, 3 * gpus.EXAMPLES) == 6 * n * 3000
    assert cost["inference_flops"] == 2 * n
    numpy_run = lesson.results()["training"][0]
    assert cost["training_seconds"] == pytest.approx(sum(numpy_run["seconds_per_epoch"]))
    assert cost["inference_seconds"] > 0
    assert cost["measured_ratio"] == pytest.approx(cost["training_seconds"] / cost["inference_seconds"])
    summary = lesson.cost_summary()
    assert f"{n:,} parameters" in summary and "9,000× less" in summary


def test_a_gpu_lost_mid_training_falls_back_and_training_continues_with_the_same_numbers() -> None:
    gpu = FakeGpu(products_left=40)  # 10 steps an epoch, 9 products a step: lost in epoch 1
    lesson = lesson_with(gpu, epochs="3")
    run(lesson.run("train"))
    numpy_run, gpu_run = lesson.results()["training"]
    assert gpu_run["engines"] == ["numpy", "numpy", "numpy"]
    assert gpu_run["losses"] == pytest.approx(numpy_run["losses"], rel=1e-4)
    notices = lesson.results()["engine"]["notices"]
    assert len(notices) == 1 and "stopped working" in notices[0] and "test took it away" in notices[0]
    assert lesson.results()["engine"]["active"] == "numpy"
    assert lesson.missing() is not None


def test_losing_the_gpu_while_idle_shows_the_fallback_at_once() -> None:
    lesson = lesson_with(FakeGpu())
    run(lesson.run("lose_gpu"))
    engine = lesson.results()["engine"]
    assert engine["active"] == "numpy" and lesson.backend.gpu is None
    assert "stopped working" in engine["notices"][0]
    run(lesson.run("lose_gpu"))  # nothing left to lose: changes nothing
    assert len(lesson.results()["engine"]["notices"]) == 1


# ---- running, stopping, resetting ------------------------------------------------------------


def test_stop_ends_a_benchmark_between_measurements_and_knobs_are_locked_meanwhile() -> None:
    lesson = lesson_with(None, size="1024")

    async def scenario() -> list[str]:
        task = asyncio.ensure_future(lesson.run("benchmark"))
        while lesson.progress_done < 1:
            await asyncio.sleep(0.01)
        refused = lesson.apply({"width": "64"})
        waiting = asyncio.ensure_future(lesson.run("train"))  # waits for its turn
        await asyncio.sleep(0.1)
        await lesson.run("stop")  # ends the benchmark and drops the waiting training
        await task
        await waiting
        return refused

    refused = run(scenario())
    assert refused == ["A measurement is running; press Stop first."]
    results = lesson.results()
    assert results["status"] == "stopped" and results["training"] == []
    assert 1 <= len(results["benchmark"]) < len(benchmark_sizes(1024))
    assert lesson.width == 16
    assert "Stopped after" in lesson.progress_text()


def test_reset_and_new_settings_clear_results_that_no_longer_apply() -> None:
    lesson = lesson_with(None)
    run(lesson.run("benchmark"))
    run(lesson.run("train"))
    lesson.apply({"width": "24"})
    assert lesson.training == [] and lesson.cost == {} and lesson.benchmark != []
    assert lesson.status == "idle"
    lesson.apply({"size": "128"})
    assert lesson.benchmark == [] and lesson.status == "idle"
    run(lesson.run("train"))
    run(lesson.run("reset"))
    results = lesson.results()
    cleared = (results["status"], results["benchmark"], results["training"], results["cost"])
    assert cleared == ("idle", [], [], {})
    assert results["progress"] == {"done": 0, "total": 0}


def test_unknown_action_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="knows: benchmark, train, stop, reset, lose_gpu"):
        run(GpusLesson().run("overclock"))


# ---- the page's side -------------------------------------------------------------------------


def test_the_worker_gives_the_lesson_its_engine_or_says_why_not() -> None:
    none = start("gpus", json.dumps({}), lambda kind, payload: None, gpu=None)
    assert "only when its link asks for backend=webgpu" in none.lesson.results()["engine"]["notices"][0]
    refused = types.SimpleNamespace(available=False, reason="the GPU device request failed (out of memory)")
    link = start("gpus", json.dumps({"backend": "webgpu"}), lambda kind, payload: None, gpu=refused)
    assert "the GPU device request failed (out of memory)" in link.lesson.results()["engine"]["notices"][0]
    offered = types.SimpleNamespace(available=True, adapter="some adapter", lost=False)
    link = start("gpus", json.dumps({"backend": "turbo", "size": "128"}), lambda kind, payload: None,
                 gpu=offered)
    lesson = link.lesson
    assert lesson.results()["engine"] == {"active": "numpy", "adapter": "some adapter", "mode": "auto",
                                          "threshold_flops": None, "notices": [], "calibrated_sizes": []}
    assert lesson.notices == ["Ignored backend='turbo': it is not one of auto, numpy, webgpu; kept auto."]
    assert lesson.max_size == 128


def test_page_link_renders_and_answers_the_api() -> None:
    sent: list[tuple[str, str]] = []

    async def scenario() -> None:
        link = acknowledging_link(lesson_with(FakeGpu()), sent)
        assert json.loads(link.render())["docs_json"]
        link.rendered()
        link.call(1, "run", json.dumps("benchmark"))
        link.call(2, "run", json.dumps("train"))
        while len([kind for kind, _ in sent if kind == "result"]) < 2:
            await asyncio.sleep(0.05)

    run(scenario())
    replies = {reply["id"]: reply for reply in (json.loads(p) for k, p in sent if k == "result")}
    assert len(replies[1]["result"]["results"]["benchmark"]) == 2
    assert [r["engine"] for r in replies[2]["result"]["results"]["training"]] == ["numpy", "webgpu"]
    patches = " ".join(p for k, p in sent if k == "patch")
    assert "Median time per epoch" in patches and "fake adapter" in patches


def test_the_same_lesson_renders_in_a_jupyter_notebook() -> None:
    text = notebook_display("import panel as pn\npn.extension()\n"
                            "from faders.lessons.gpus import GpusLesson\nGpusLesson(width=64)")
    assert "Hidden units per layer" in text and "outside a browser" in text


def test_a_product_the_gpu_cannot_wait_for_here_is_numpys_and_the_gpu_stays() -> None:
    class NotHere(FakeGpu):
        waitable = False

        def matmul(self, a: np.ndarray, b: np.ndarray, **transposes: bool) -> np.ndarray:
            if not self.waitable:  # e.g. while a page builds, outside any async task
                raise GpuNotWaitableError("Python cannot wait for the GPU outside an async task")
            return super().matmul(a, b, **transposes)

    gpu = NotHere()
    backend = SelectingBackend(gpu, "webgpu")  # type: ignore[arg-type]
    a, b = np.arange(6.0).reshape(2, 3), np.ones((3, 2))
    np.testing.assert_array_equal(backend.matmul(a, b), a @ b)
    assert backend.gpu is gpu and backend.name == "webgpu" and backend.notices == [] and gpu.products == 0
    gpu.waitable = True
    backend.matmul(a, b)
    assert gpu.products == 1
