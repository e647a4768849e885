"""Timings: faders.core's MLP training throughput, measured the same way in CPython and in the
browser, and the matrix products and training epochs that lesson `gpus` times on each engine.

`python3 build.py bench` runs the throughput in both places in one go and prints the ratio; the
lessons run the rest, to show a reader what their own machine does.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from faders.backend import NUMPY
from faders.core.datasets import circle
from faders.core.mlp import MLP
from faders.core.optimizers import SGD
from faders.core.training import train, train_epoch

# A timing repeats its work until one batch of runs lasts this long: long enough for a browser's
# coarse clock, short enough that a page measuring many sizes stays quick to stop.
MIN_SECONDS = 0.1


@dataclass(frozen=True)
class Throughput:
    """Examples per second of mini-batch SGD training (forward, backward and update)."""

    layer_sizes: list[int]
    examples: int
    batch_size: int
    examples_per_second: float  # median over the repeats
    epochs: int  # epochs timed, over all repeats

    def as_dict(self) -> dict:
        return asdict(self)


def playground_data(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray, str]:
    """tensorflow/playground's circle: 2 inputs, one ±1 target, fitted by squared error."""
    data = circle(n, 0.0, seed)
    return data.x, 2.0 * data.y - 1.0, "mse"


def digits_like_data(n: int, inputs: int = 64, classes: int = 10,
                     seed: int = 0) -> tuple[np.ndarray, np.ndarray, str]:
    """An 8×8-image-sized problem: 64 inputs, 10 classes (random centres plus noise), cross-entropy."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(classes, inputs))
    labels = rng.integers(0, classes, size=n)
    return centres[labels] + rng.normal(scale=0.5, size=(n, inputs)), labels, "cross_entropy"


def training_throughput(layer_sizes: list[int], x: np.ndarray, y: np.ndarray, loss: str,
                        batch_size: int, seconds: float = 1.0, repeats: int = 3) -> Throughput:
    """Train for about `seconds` per repeat and report the median examples per second."""
    model = MLP(layer_sizes, activation="tanh", seed=0)
    optimizer = SGD(learning_rate=0.03)
    rng = np.random.default_rng(0)
    train_epoch(model, optimizer, x, y, rng, batch_size, loss)  # warm up caches and code paths
    rates, epochs = [], 0
    for _ in range(repeats):
        began, done = time.perf_counter(), 0
        while True:
            train_epoch(model, optimizer, x, y, rng, batch_size, loss)
            done += 1
            elapsed = time.perf_counter() - began
            if elapsed >= seconds:
                break
        rates.append(done * len(x) / elapsed)
        epochs += done
    return Throughput(list(layer_sizes), len(x), batch_size, statistics.median(rates), epochs)


def core_benchmarks(seconds: float = 1.0) -> list[dict]:
    """The two networks of the benchmark table: playground-sized and digits-sized."""
    small = training_throughput([2, 8, 8, 1], *playground_data(500), batch_size=10, seconds=seconds)
    large = training_throughput([64, 128, 10], *digits_like_data(2000), batch_size=32, seconds=seconds)
    return [small.as_dict(), large.as_dict()]


# ---- matrix products: numpy against WebGPU -------------------------------------------------------


def matmul_flops(m: int, k: int, n: int) -> int:
    """FLOPs of an (m, k)·(k, n) product: m·n sums of k multiply-adds, two operations each."""
    return 2 * m * k * n


def square_size(flops: float) -> int:
    """The n whose n×n by n×n product costs `flops` (the inverse of matmul_flops(n, n, n))."""
    return round((flops / 2.0) ** (1.0 / 3.0))


def seconds_per_run(work: Callable[[], Any], finish: Callable[[], Any] = lambda: None,
                    min_seconds: float = MIN_SECONDS, warm_up: bool = False) -> float:
    """Seconds one call of `work` takes: runs it in batches of 1, 2, 4, … calls (each batch ended
    by `finish`, which waits for queued GPU work) until a batch lasts `min_seconds`.

    The shorter batches before it warm up caches and compiled code and are not counted; with
    `warm_up`, one untimed call comes first too (a GPU's first use of a kernel or buffer size can
    take far longer than the calls after it).
    """
    if warm_up:
        work()
        finish()
    runs = 1
    while True:
        began = time.perf_counter()
        for _ in range(runs):
            work()
        finish()
        elapsed = time.perf_counter() - began
        if elapsed >= min_seconds:
            return elapsed / runs
        runs *= 2


def gflops(flops: float, seconds: float) -> float:
    """Billions of floating-point operations per second."""
    return flops / seconds / 1e9


def square_matrices(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two random n×n matrices (float64, as the models here use) to multiply."""
    rng = np.random.default_rng(seed)
    return rng.normal(size=(n, n)), rng.normal(size=(n, n))


def numpy_product_seconds(a: np.ndarray, b: np.ndarray, min_seconds: float = MIN_SECONDS) -> float:
    """Seconds numpy takes for a·b on the CPU (in a browser: in WebAssembly, without a tuned BLAS)."""
    return seconds_per_run(lambda: NUMPY.matmul(a, b), min_seconds=min_seconds)


def webgpu_product_seconds(gpu: Any, a: np.ndarray, b: np.ndarray, min_seconds: float = MIN_SECONDS) -> float:
    """Seconds the GPU takes for a·b with both already on it and the product left there: its
    arithmetic alone. `gpu` is a faders.backend.webgpu.WebGPUBackend."""
    left, right = gpu.upload(a), gpu.upload(b)
    try:
        return seconds_per_run(lambda: gpu.product(left, right).release(), gpu.finish, min_seconds,
                               warm_up=True)
    finally:
        left.release()
        right.release()


def webgpu_round_trip_seconds(gpu: Any, a: np.ndarray, b: np.ndarray,
                              min_seconds: float = MIN_SECONDS) -> float:
    """Seconds for a·b on the GPU counting the copies: both matrices up, the product back."""
    return seconds_per_run(lambda: gpu.product(gpu.upload(a), gpu.upload(b)).numpy(),
                           min_seconds=min_seconds, warm_up=True)


# ---- training epochs on one engine -----------------------------------------------------------


@dataclass(frozen=True)
class TimedEpoch:
    """One epoch of a timed training run."""

    epoch: int  # from 1
    seconds: float  # wall time of the epoch's forward passes, backward passes and updates
    loss: float  # mean data loss over the epoch's batches
    engine: str  # the backend's name once the epoch was done ("numpy" after a GPU fell back)


def timed_training(model: MLP, x: np.ndarray, y: np.ndarray, loss: str, epochs: int, batch_size: int,
                   seed: int = 0) -> Iterator[TimedEpoch]:
    """Train `model` (plain SGD, faders.core.training.train) and time each epoch as it ends."""
    engine = model.layers[0].backend
    run = train(model, x, y, epochs, batch_size=batch_size, loss=loss, seed=seed)
    while True:
        began = time.perf_counter()
        epoch = next(run, None)
        if epoch is None:
            return
        yield TimedEpoch(epoch.epoch, time.perf_counter() - began, epoch.loss, engine.name)


def largest_relative_difference(values: Sequence[float], reference: Sequence[float]) -> float:
    """max |value − reference| / |reference| over pairs: how far two runs' numbers drift apart."""
    values, reference = np.asarray(values, dtype=float), np.asarray(reference, dtype=float)
    return float(np.max(np.abs(values - reference) / np.maximum(np.abs(reference), 1e-300)))
