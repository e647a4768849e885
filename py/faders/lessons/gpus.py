"""Lesson `gpus`: why GPUs matter. Matrix products timed in this browser, numpy against WebGPU,
then one network trained on each engine, and what that says about training and inference."""

from __future__ import annotations

import asyncio
import contextlib
import statistics
from collections.abc import Callable, Iterator
from dataclasses import asdict
from functools import partial
from typing import Any, ClassVar

import panel as pn
import param

from faders import benchmarks
from faders.backend import NUMPY, Backend
from faders.backend.select import SelectingBackend, Timing
from faders.backend.webgpu import GpuUnavailableError
from faders.benchmarks import TimedEpoch
from faders.core import scale
from faders.core.mlp import MLP
from faders.lessons.kit.lesson import Lesson
from faders.lessons.kit.safe_text import escape

# The benchmark multiplies n×n matrices for each n of this ladder up to the largest size chosen.
SIZES = (32, 64, 96, 128, 192, 256, 384, 512, 768, 1024)
LARGEST_SIZES = [64, 128, 256, 512, 1024]
# The network both engines train: 64 inputs (an 8×8 image's worth), two hidden layers, 10 classes.
INPUTS, CLASSES, EXAMPLES = 64, 10, 1000
DATA_SEED, MODEL_SEED, SHUFFLE_SEED = 0, 1, 2
ENGINE_NAMES = {"numpy": "numpy", "webgpu": "WebGPU"}
# What each benchmark column measures, by its key in a row.
MEASURES = {"numpy_gflops": "numpy", "webgpu_gflops": "WebGPU, arithmetic only",
            "webgpu_round_trip_gflops": "WebGPU, with the copies there and back"}
OUTSIDE_BROWSER = ("Python runs outside a browser here, under panel serve or in Jupyter, where "
                   "WebGPU cannot reach it")
RUNNING = ("benchmarking", "training")

PROSE = """
Training a neural network is mostly **matrix multiplication**. Each layer multiplies a batch of
inputs by its weight matrix on the way forward, and on the way back it needs two more products of
the same size to find the gradients. Almost every other step (adding biases, applying `tanh`,
updating the knobs) touches each number once; a product of two n×n matrices does n multiply-adds
for every one of its n² results. So the speed at which a machine multiplies matrices, counted in
**FLOP/s** (floating-point operations per second), decides what training costs.

A **GPU** is built for exactly this. Each of the n² results is a separate sum that needs no other
result, so thousands of small cores can work on them at once, where a CPU core works through
them a few at a time. **WebGPU** lets a web page hand such work to the graphics card.

Below, your own browser does the measuring: first plain matrix products of growing size, numpy on
WebAssembly (the CPU) against WebGPU; then the same network trained for a few epochs on each.
**Inference**, using a trained network, is one forward pass for one input: no backward pass, no
updates, no thousands of repetitions. It costs a tiny fraction of training, which is why a model
that took a data centre to train can answer on a phone.

An honest warning: a GPU only wins when there is enough work to share out and the data does not
have to travel too often. Small matrices finish before the GPU gets going, and copying numbers to
the GPU and back costs time too. Some browsers offer a *software* GPU (SwiftShader, for one),
which runs the GPU's code on the CPU: there the GPU path may well lose. The numbers below are
measured, not assumed.
"""


def benchmark_sizes(largest: int) -> list[int]:
    """The matrix sizes the benchmark measures, smallest first, up to `largest`."""
    return [n for n in SIZES if n <= largest]


def engine_name(engine: str) -> str:
    return ENGINE_NAMES.get(engine, engine)


def flops_text(flops: float) -> str:
    """A count of floating-point operations with a readable prefix: 6.93 kFLOP, 41.6 MFLOP."""
    for prefix, size in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if flops >= size:
            return f"{flops / size:,.3g} {prefix}FLOP"
    return f"{flops:,.0f} FLOP"


class GpusLesson(Lesson):
    """Time matrix products and training on numpy and on WebGPU, in the reader's browser."""

    slug: ClassVar[str] = "gpus"
    title: ClassVar[str] = "Why GPUs matter"
    teaser: ClassVar[str] = ("Time matrix products in your own browser, numpy against WebGPU, then "
                             "train the same network on each.")
    prose: ClassVar[str] = PROSE
    url_names: ClassVar[dict[str, str]] = {"size": "max_size", "width": "width", "batch": "batch_size",
                                           "epochs": "epochs"}
    actions: ClassVar[tuple[str, ...]] = ("benchmark", "train", "stop", "reset", "lose_gpu")
    uses_gpu: ClassVar[bool] = True
    measures_gpu: ClassVar[bool] = True
    embed_height: ClassVar[int] = 2700

    max_size = param.Selector(default=256, objects=LARGEST_SIZES,
                              doc="The largest n of the n×n matrices the benchmark multiplies.")
    width = param.Integer(128, bounds=(8, 512), doc="Units in each of the network's two hidden layers.")
    batch_size = param.Integer(100, bounds=(1, EXAMPLES), doc="Examples per training step.")
    epochs = param.Integer(3, bounds=(1, 10), doc="Passes over the data, on each engine.")

    status = param.Selector(default="idle", objects=["idle", "benchmarking", "benchmarked", "training",
                                                     "trained", "stopped"])
    benchmark = param.List(default=[], doc="One row per size: GFLOP/s of each engine (None: not measured).")
    training = param.List(default=[], doc="One run per engine: {'engine', 'epochs': [TimedEpoch]}.")
    cost = param.Dict(default={}, doc="Training against one inference: FLOPs and measured seconds.")
    engine = param.Dict(default={}, doc="The backend's selection: active engine, adapter, mode, notices.")
    progress_done = param.Integer(0, bounds=(0, None))
    progress_total = param.Integer(0, bounds=(0, None))
    activity = param.String("", doc="What is being measured right now.")

    def __init__(self, backend: Backend | None = None, **params: Any) -> None:
        if not isinstance(backend, SelectingBackend):
            # NUMPY (or nothing) outside a browser: the same lesson, numpy only, saying why.
            backend = (SelectingBackend(None, "numpy") if backend is NUMPY else
                       SelectingBackend(None, "auto", unavailable=OUTSIDE_BROWSER))
        super().__init__(backend=backend, **params)
        self.backend: SelectingBackend = backend
        self._stop_requested = False
        self._stops = 0  # Stop and Reset presses so far: actions waiting their turn drop out on one
        self._on_selection()
        backend.listeners.append(self._on_selection)

    # ---- the engine ----------------------------------------------------------------------

    def _on_selection(self, *_: Any) -> None:
        # The sizes measured for automatic choice, too: a benchmark that leaves the threshold as it
        # was still changes what the page says.
        self.engine = {**asdict(self.backend.selection()),
                       "calibrated_sizes": [timing.size for timing in self.backend.calibration]}

    @property
    def gpu_usable(self) -> bool:
        """WebGPU is there and the reader has not switched it off (?backend=numpy)."""
        return self.backend.gpu is not None and self.backend.mode != "numpy"

    def engine_summary(self) -> str:
        """Which engine does the products, on what, and why, in a line."""
        selection = self.engine
        adapter = selection["adapter"]
        if adapter is None:
            return "**Engine: numpy** on the CPU. WebGPU is not in use."
        on = f"WebGPU on *{escape(adapter)}*"  # the name comes from the browser
        if selection["mode"] == "numpy":
            return f"**Engine: numpy**, chosen by `?backend=numpy`; {on} is left unused."
        if selection["mode"] == "webgpu":
            summary = f"**Engine: {on}**, chosen by `?backend=webgpu`: every product goes to the GPU."
        elif selection["threshold_flops"] is not None:
            threshold = selection["threshold_flops"]
            summary = (f"**Engine: {on}** for products of {flops_text(threshold)} or more (from "
                       f"n = {benchmarks.square_size(threshold)}, where the benchmark found the GPU "
                       f"faster); numpy for smaller ones.")
        elif selection["calibrated_sizes"]:
            summary = (f"**Engine: numpy**: {on} did not beat it at the largest sizes measured, so "
                       f"automatic choice keeps numpy.")
        else:
            summary = (f"**Engine: numpy** for now; {on} is ready. Benchmark measures where the GPU "
                       f"starts to win, and automatic choice then uses it from there.")
        if "swiftshader" in adapter.lower():
            summary += (" SwiftShader is a *software* GPU: it runs the GPU's code on this computer's "
                        "CPU, so do not expect it to beat numpy.")
        return summary

    def missing(self) -> str | None:
        """What a reader without WebGPU does not see, in plain words (None when WebGPU is in use)."""
        if self.gpu_usable:
            return None
        if self.backend.mode == "numpy" and self.engine["adapter"] is not None:
            return ("WebGPU is switched off for this page (`?backend=numpy`), so only numpy is "
                    "measured and trained. Remove `backend=numpy` from the address to compare the two.")
        return ("Without WebGPU, this lesson measures and trains on numpy alone. What you are missing: "
                "a second line on the chart, the same products done by a graphics card. On a real GPU "
                "WebGPU reaches hundreds of GFLOP/s or more on large matrices, where numpy on the "
                "CPU of a browser manages a few at best, and training the network below would take a "
                "fraction of the time. Chrome and Edge offer WebGPU on most computers; Safari and "
                "Firefox have begun to.")

    # ---- numbers -------------------------------------------------------------------------

    @property
    def layer_sizes(self) -> list[int]:
        return [INPUTS, self.width, self.width, CLASSES]

    @property
    def running(self) -> bool:
        return self.status in RUNNING

    def results(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "message": self.message(),
            "engine": dict(self.engine),
            "missing": self.missing(),
            "progress": {"done": self.progress_done, "total": self.progress_total},
            "benchmark": [dict(row) for row in self.benchmark],
            "training": [{"engine": run["engine"],
                          "seconds_per_epoch": [e.seconds for e in run["epochs"]],
                          "losses": [e.loss for e in run["epochs"]],
                          "engines": [e.engine for e in run["epochs"]]} for run in self.training],
            "comparison": self.comparison(),
            "cost": dict(self.cost),
        }

    def comparison(self) -> dict[str, Any]:
        """Median seconds per epoch of each run, and how far the two runs' losses are apart."""
        medians = {run["engine"]: statistics.median(e.seconds for e in run["epochs"])
                   for run in self.training if run["epochs"]}
        out: dict[str, Any] = {"seconds_per_epoch": medians, "largest_loss_difference": None}
        if len(self.training) == 2:
            first, second = (run["epochs"] for run in self.training)
            shared = min(len(first), len(second))
            if shared:
                out["largest_loss_difference"] = benchmarks.largest_relative_difference(
                    [e.loss for e in second[:shared]], [e.loss for e in first[:shared]])
        return out

    def message(self) -> str:
        """What is happening, in plain words."""
        if self.status == "benchmarking":
            return "Measuring matrix products: the chart fills in as each size is done."
        if self.status == "training":
            return "Training the same network on each engine in turn, timing every epoch."
        if self.status == "stopped":
            return "Stopped. What was measured so far stays below; press Benchmark or Train to start again."
        if self.status == "benchmarked":
            return self.benchmark_summary()
        if self.status == "trained":
            return self.training_summary()
        return "Press Benchmark to time matrix products in this browser, or Train to race the engines."

    def benchmark_summary(self) -> str:
        rows = self.benchmark
        if not rows:
            return "No sizes measured yet."
        best = max(rows, key=lambda row: row["numpy_gflops"])
        text = (f"Measured {len(rows)} sizes, up to n = {rows[-1]['size']}. numpy peaked at "
                f"**{best['numpy_gflops']:.3g} GFLOP/s** (n = {best['size']}).")
        on_gpu = [row for row in rows if row["webgpu_gflops"] is not None]
        if on_gpu:
            top = max(on_gpu, key=lambda row: row["webgpu_gflops"])
            last = on_gpu[-1]
            faster = last["webgpu_gflops"] > last["numpy_gflops"]
            text += (f" WebGPU peaked at **{top['webgpu_gflops']:.3g} GFLOP/s** (n = {top['size']}); at "
                     f"n = {last['size']} it was {'faster' if faster else 'slower'} than numpy.")
        return text

    def training_summary(self) -> str:
        medians = self.comparison()["seconds_per_epoch"]
        if not medians:
            return "No epochs trained yet."
        parts = [f"{engine_name(engine)} **{seconds:.3g} s**" for engine, seconds in medians.items()]
        text = "Median time per epoch: " + ", ".join(parts) + "."
        if len(medians) == 2:
            numpy_s, gpu_s = medians["numpy"], medians["webgpu"]
            if gpu_s < numpy_s:
                text += f" WebGPU trained **{numpy_s / gpu_s:.2g}×** faster here."
            else:
                text += f" numpy was **{gpu_s / numpy_s:.2g}×** faster here."
            difference = self.comparison()["largest_loss_difference"]
            if difference is not None:
                text += (f" The losses agree to {difference:.1g} (relative): the GPU computes in "
                         f"float32, numpy in float64, and both run the same steps.")
        return text

    def cost_summary(self) -> str:
        """Training against one inference, counted and measured."""
        cost = self.cost
        if not cost:
            return "Train the network to compare the cost of training with the cost of one inference."
        flop_ratio = cost["training_flops"] / cost["inference_flops"]
        return (
            f"The network has **{cost['parameters']:,} parameters** (N). Training showed it "
            f"{cost['examples_seen']:,} examples (D): a forward pass, a backward pass and an update for "
            f"each, about 6·N·D = **{flops_text(cost['training_flops'])}**. One inference is one "
            f"forward pass for one example, about 2·N = **{flops_text(cost['inference_flops'])}**: "
            f"{flop_ratio:,.0f}× less.  \n"
            f"Measured here on numpy: training took **{cost['training_seconds']:.3g} s**, one inference "
            f"**{cost['inference_seconds'] * 1e6:,.3g} µs**, {cost['measured_ratio']:,.0f}× less. Using a "
            f"model costs a sliver of making it: a model trained for weeks on thousands of GPUs can "
            f"answer a question on one, or on a phone.")

    def progress_text(self) -> str:
        if not self.progress_total:
            return "Nothing measured yet."
        done = f"{self.progress_done} of {self.progress_total} measurements"
        if self.running:
            return f"{self.activity} ({done})"
        return f"Stopped after {done}." if self.status == "stopped" else f"Done: {done}."

    # ---- knobs ---------------------------------------------------------------------------

    def locked(self) -> dict[str, str]:
        if self.running:
            reason = "A measurement is running; press Stop first."
            return {name: reason for name in self.url_names.values()}
        return {}

    @param.depends("max_size", watch=True)
    def _forget_benchmark(self) -> None:
        if not self.running:  # rows measured for other sizes would mislead
            self.param.update(benchmark=[], status="idle" if self.status == "benchmarked" else self.status)

    @param.depends("width", "batch_size", "epochs", watch=True)
    def _forget_training(self) -> None:
        if not self.running:  # times measured for another network would mislead
            self.param.update(training=[], cost={},
                              status="idle" if self.status == "trained" else self.status)

    # ---- actions -------------------------------------------------------------------------

    async def do_benchmark(self) -> None:
        """numpy, then WebGPU (arithmetic only, then with copies), for each size in turn."""
        if not await self._wait_turn():
            return
        sizes = benchmark_sizes(self.max_size)
        per_size = 3 if self.gpu_usable else 1
        self._begin("benchmarking", len(sizes) * per_size, benchmark=[])
        rows: list[dict[str, Any]] = []
        timings: list[Timing] = []
        for n in sizes:
            row = {"size": n, **dict.fromkeys(MEASURES)}
            rows.append(row)
            seconds: dict[str, float] = {}
            for key, measure in self._product_timers(n, per_size):
                self.activity = f"n = {n}: {MEASURES[key]}"
                await asyncio.sleep(0)  # let the page show what is being measured
                if self._stop_requested:
                    break
                if key == "numpy_gflops" or self.gpu_usable:
                    try:
                        seconds[key] = measure()
                        row[key] = benchmarks.gflops(benchmarks.matmul_flops(n, n, n), seconds[key])
                    except GpuUnavailableError as failure:
                        self.backend.fall_back(failure)
                self.param.update(benchmark=[dict(r) for r in rows], progress_done=self.progress_done + 1)
            if self._stop_requested:
                break
            if "webgpu_round_trip_gflops" in seconds:
                timings.append(Timing(n, seconds["numpy_gflops"], seconds["webgpu_round_trip_gflops"]))
        if not self._stop_requested and self.backend.mode == "auto" and self.gpu_usable and timings:
            self.backend.adopt(timings)
        self._end("benchmarked")

    def _product_timers(self, n: int, count: int) -> Iterator[tuple[str, Callable[[], float]]]:
        a, b = benchmarks.square_matrices(n, seed=n)
        timers = {"numpy_gflops": partial(benchmarks.numpy_product_seconds, a, b),
                  "webgpu_gflops": lambda: benchmarks.webgpu_product_seconds(self.backend.gpu, a, b),
                  "webgpu_round_trip_gflops":
                      lambda: benchmarks.webgpu_round_trip_seconds(self.backend.gpu, a, b)}
        return iter(list(timers.items())[:count])

    async def do_train(self) -> None:
        """The same network, data and steps on numpy, then on WebGPU; every epoch timed."""
        if not await self._wait_turn():
            return
        engines = ["numpy", "webgpu"] if self.gpu_usable else ["numpy"]
        self._begin("training", self.epochs * len(engines), training=[], cost={})
        x, y, loss = benchmarks.digits_like_data(EXAMPLES, INPUTS, CLASSES, seed=DATA_SEED)
        runs: list[dict[str, Any]] = []
        trained = None
        for engine in engines:
            on_gpu = engine == "webgpu"
            model = MLP(self.layer_sizes, "tanh", seed=MODEL_SEED, backend=self.backend if on_gpu else NUMPY)
            run: dict[str, Any] = {"engine": engine, "epochs": []}
            runs.append(run)
            with self.backend.forced("webgpu") if on_gpu else contextlib.nullcontext():
                run_epochs = benchmarks.timed_training(model, x, y, loss, self.epochs, self.batch_size,
                                                       SHUFFLE_SEED)
                for timed in run_epochs:
                    run["epochs"].append(timed)
                    self.param.update(training=[dict(r, epochs=list(r["epochs"])) for r in runs],
                                      progress_done=self.progress_done + 1,
                                      activity=f"{engine_name(engine)}: epoch {timed.epoch} of {self.epochs}")
                    await asyncio.sleep(0)
                    if self._stop_requested:
                        break
            self._on_selection()  # the mode is back to what it was
            trained = trained or model
            if self._stop_requested:
                break
        if not self._stop_requested and trained is not None:
            self.cost = self.measure_cost(trained, x, runs[0]["epochs"])
        self._end("trained")

    def measure_cost(self, model: MLP, x: Any, epochs: list[TimedEpoch]) -> dict[str, float]:
        """Training (all epochs) against one inference: FLOPs by formula, seconds measured (numpy)."""
        n = model.parameter_count
        one = x[:1]
        inference_seconds = benchmarks.seconds_per_run(lambda: model.predict(one), min_seconds=0.05)
        training_seconds = sum(e.seconds for e in epochs)
        return {"parameters": n, "examples_seen": EXAMPLES * len(epochs),
                "training_flops": scale.training_flops(n, EXAMPLES * len(epochs)),
                "inference_flops": scale.inference_flops_per_token(n),
                "training_seconds": training_seconds, "inference_seconds": inference_seconds,
                "measured_ratio": training_seconds / inference_seconds}

    def recover(self) -> None:
        if self.status in ("benchmarking", "training"):
            self.status = "stopped"

    async def do_stop(self) -> None:
        self._stop_requested = True
        self._stops += 1

    async def do_reset(self) -> None:
        await self.do_stop()
        while self.running:  # let a running measurement see the request first
            await asyncio.sleep(0.02)
        self.param.update(benchmark=[], training=[], cost={}, progress_done=0, progress_total=0,
                          activity="", status="idle")

    async def do_lose_gpu(self) -> None:
        """Give the GPU up, as a crashed driver or an unplugged GPU would: numpy takes over."""
        if self.backend.gpu is None:
            return
        self.backend.gpu.lose()
        if not self.running:  # a running measurement finds out at its next product
            self.backend.check()

    async def _wait_turn(self) -> bool:
        """Wait until no measurement runs (one at a time; only the API can ask for a second);
        False when Stop or Reset was pressed meanwhile."""
        stops = self._stops
        while self.running:
            await asyncio.sleep(0.05)
        return self._stops == stops

    def _begin(self, status: str, total: int, **cleared: Any) -> None:
        self._stop_requested = False
        self.param.update(status=status, progress_done=0, progress_total=total, activity="Starting",
                          **cleared)

    def _end(self, finished: str) -> None:
        self.param.update(status="stopped" if self._stop_requested else finished, activity="")

    # ---- view ----------------------------------------------------------------------------

    def view(self, with_prose: bool = False) -> pn.viewable.Viewable:
        from faders.lessons.gpus_view import GpusView

        return GpusView(self, with_prose=with_prose).layout
