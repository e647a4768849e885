"""Every word lesson `gpus` says: its prose, help texts, headings, chart titles, and sentences on its
measurements (the engine in use, the benchmark, the training race, the cost of inference)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from faders.lessons.kit.safe_text import escape

TITLE = "Why GPUs matter"
TEASER = ("Time matrix products in your own browser, numpy against WebGPU, then train the same "
          "network on each.")

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

# The knobs' help (shown beside each widget and read to a screen reader).
HELP_MAX_SIZE = "The largest n of the n×n matrices the benchmark multiplies."
HELP_WIDTH = "Units in each of the network's two hidden layers."
HELP_BATCH_SIZE = "Examples per training step."
HELP_EPOCHS = "Passes over the data, on each engine."
MEASURING = "A measurement is running; press Stop first."

ENGINE_NAMES = {"numpy": "numpy", "webgpu": "WebGPU"}
# What each benchmark column measures, by its key in a row.
MEASURES = {"numpy_gflops": "numpy", "webgpu_gflops": "WebGPU, arithmetic only",
            "webgpu_round_trip_gflops": "WebGPU, with the copies there and back"}
OUTSIDE_BROWSER = ("Python runs outside a browser here, under panel serve or in Jupyter, where "
                   "WebGPU cannot reach it")

# Headings, section introductions and chart titles, the same on the live page and in the still picture.
BENCHMARK_HEADING = "### 1 · Multiply matrices, on each engine"
BENCHMARK_INTRO = ("Each size is timed three ways: numpy on the CPU; WebGPU doing only the arithmetic, "
                   "with both matrices already on the GPU; and WebGPU counting the copies, both matrices "
                   "up and the product back, which is what a single product really costs a program.")
TRAINING_HEADING = "### 2 · Train the same network on each engine"
TRAINING_INTRO = ("A network with 64 inputs, two hidden layers and 10 outputs learns to sort 1,000 "
                  "examples into 10 classes. It starts from the same weights and sees the same batches "
                  "on each engine.")
INFERENCE_HEADING = "### 3 · Why inference costs much less"
LOSE_GPU = "Simulate losing the GPU"
SPEED_TITLE = "Matrix products per second, measured here"
SPEED_X_LABEL = "matrix size n (an n×n matrix times an n×n matrix)"
EPOCH_TITLE = "Seconds per epoch, engine by engine"
LOSS_TITLE = "Mean loss per epoch, on both engines"
NOTHING_MEASURED = "Nothing measured yet."
PREVIEW_SPEED_X_LABEL = "matrix size n"
PREVIEW_SPEED_NOTE = "Benchmark draws numpy and WebGPU here, size by size"
PREVIEW_EPOCH_NOTE = "Train races the same network on each engine"
PREVIEW_LABEL = ("Two empty charts waiting for measurements: matrix products per second against matrix "
                 "size, and seconds per training epoch on each engine")


def engine_name(engine: str) -> str:
    return ENGINE_NAMES.get(engine, engine)


def flops_text(flops: float) -> str:
    """A count of floating-point operations with a readable prefix: 6.93 kFLOP, 41.6 MFLOP."""
    for prefix, size in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if flops >= size:
            return f"{flops / size:,.3g} {prefix}FLOP"
    return f"{flops:,.0f} FLOP"


def engine_summary(selection: Mapping[str, Any], square_size: int | None) -> str:
    """Which engine does the products, on what, and why, in a line (Markdown). `selection` is the
    backend's; `square_size` the n whose product has its threshold's FLOPs (None: no threshold)."""
    adapter = selection["adapter"]
    if adapter is None:
        return "**Engine: numpy** on the CPU. WebGPU is not in use."
    on = f"WebGPU on *{escape(adapter)}*"  # the name comes from the browser
    if selection["mode"] == "numpy":
        return f"**Engine: numpy**, chosen by `?backend=numpy`; {on} is left unused."
    if selection["mode"] == "webgpu":
        summary = f"**Engine: {on}**, chosen by `?backend=webgpu`: every product goes to the GPU."
    elif selection["threshold_flops"] is not None:
        summary = (f"**Engine: {on}** for products of {flops_text(selection['threshold_flops'])} or more "
                   f"(from n = {square_size}, where the benchmark found the GPU faster); numpy for "
                   f"smaller ones.")
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


def missing(switched_off: bool) -> str:
    """What a reader without WebGPU does not see; `switched_off` when the link turned it off."""
    if switched_off:
        return ("WebGPU is switched off for this page (`?backend=numpy`), so only numpy is "
                "measured and trained. Remove `backend=numpy` from the address to compare the two.")
    return ("Without WebGPU, this lesson measures and trains on numpy alone. What you are missing: "
            "a second line on the chart, the same products done by a graphics card. On a real GPU "
            "WebGPU reaches hundreds of GFLOP/s or more on large matrices, where numpy on the "
            "CPU of a browser manages a few at best, and training the network below would take a "
            "fraction of the time. Chrome and Edge offer WebGPU on most computers; Safari and "
            "Firefox have begun to.")


def status_message(status: str) -> str:
    """What is happening, in plain words, while nothing has finished (see the summaries below)."""
    if status == "benchmarking":
        return "Measuring matrix products: the chart fills in as each size is done."
    if status == "training":
        return "Training the same network on each engine in turn, timing every epoch."
    if status == "stopped":
        return "Stopped. What was measured so far stays below; press Benchmark or Train to start again."
    return "Press Benchmark to time matrix products in this browser, or Train to race the engines."


def benchmark_summary(rows: Sequence[Mapping[str, Any]]) -> str:
    """The benchmark's peaks, and which engine was faster at the largest size (Markdown)."""
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


def training_summary(medians: Mapping[str, float], loss_difference: float | None) -> str:
    """The median seconds per epoch of each engine, and how far their losses agree (Markdown)."""
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
        if loss_difference is not None:
            text += (f" The losses agree to {loss_difference:.1g} (relative): the GPU computes in "
                     f"float32, numpy in float64, and both run the same steps.")
    return text


def cost_summary(cost: Mapping[str, float]) -> str:
    """Training against one inference, counted and measured (Markdown)."""
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


def progress_text(done: int, total: int, running: bool, stopped: bool, activity: str) -> str:
    """The line under a progress bar: what is measured now, or how the last run ended."""
    if not total:
        return NOTHING_MEASURED
    measured = f"{done} of {total} measurements"
    if running:
        return f"{activity} ({measured})"
    return f"Stopped after {measured}." if stopped else f"Done: {measured}."


def measuring(size: int, key: str) -> str:
    """What the benchmark measures right now."""
    return f"n = {size}: {MEASURES[key]}"


def training_epoch(engine: str, epoch: int, epochs: int) -> str:
    """Which epoch the training race has just finished."""
    return f"{engine_name(engine)}: epoch {epoch} of {epochs}"


def benchmark_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """The benchmark's figures as a Markdown table, one row per size ("—": not measured)."""
    if not rows:
        return ""
    header = "| n | " + " | ".join(f"{label} (GFLOP/s)" for label in MEASURES.values()) + " |\n"
    header += "|---:" * (len(MEASURES) + 1) + "|\n"
    lines = [f"| {row['size']} | " + " | ".join(_shown(row[key]) for key in MEASURES) + " |" for row in rows]
    return header + "\n".join(lines)


def training_table(runs: Sequence[Mapping[str, Any]]) -> str:
    """Seconds and loss of every epoch on each engine as a Markdown table; an epoch a lost GPU left
    to numpy says so."""
    if not runs:
        return ""
    header = "| epoch | " + " | ".join(f"{engine_name(run['engine'])}: seconds | "
                                       f"{engine_name(run['engine'])}: loss" for run in runs) + " |\n"
    header += "|---:" * (2 * len(runs) + 1) + "|\n"
    lines = []
    for index in range(max(len(run["epochs"]) for run in runs)):
        cells = []
        for run in runs:
            if index < len(run["epochs"]):
                epoch = run["epochs"][index]
                note = " (on numpy)" if epoch.engine != run["engine"] else ""
                cells += [f"{epoch.seconds:.3g}{note}", f"{epoch.loss:.6f}"]
            else:
                cells += ["—", "—"]
        lines.append(f"| {index + 1} | " + " | ".join(cells) + " |")
    return header + "\n".join(lines)


def _shown(value: float | None, digits: str = ".3g") -> str:
    return "—" if value is None else format(value, digits)
