"""Training throughput of faders.core's MLP, measured the same way in CPython and in the browser.

`python3 build.py bench` runs these in both places in one go and prints the ratio; the lessons
can run them too, to show a reader what their own machine does.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict, dataclass

import numpy as np

from faders.core.datasets import circle
from faders.core.mlp import MLP
from faders.core.optimizers import SGD
from faders.core.training import train_epoch


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
