"""Lesson `ship`'s preset: the data drawn with the reader's seed, the two networks trained on it,
the pool of cases for question 2 and the new data for fine-tuning; and the stated uses of question 4.

Made once per preset (dataset and seed) by `train_preset`; everything else in the lesson reads it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from faders.core import knn
from faders.core.activations import logistic
from faders.core.datasets import Dataset, make_dataset, train_test_split
from faders.core.mlp import MLP
from faders.core.optimizers import Adam
from faders.core.training import train

# The preset: a dataset of the playground, drawn with the seed, half for training, half for testing.
DATASETS = ("moons", "circle", "xor")
N_POINTS = 400
NOISE = 0.15
TEST_FRACTION = 0.5
# The model and its training: small enough to train in the page in well under a second on a quiet machine.
HIDDEN = (8, 8)
LARGER_HIDDEN = (64, 64)
ACTIVATION = "tanh"
EPOCHS = 40
LEARNING_RATE = 0.02
BATCH_SIZE = 20
POOL = 4000  # question 2's cases come from here: enough of each class for 99 "no" in 100
# Seeds of the other draws, offset from the reader's seed: the pool of question 2, the new data.
POOL_SEED, NEW_DATA_SEED = 1000, 2000


@dataclass(frozen=True)
class Use:
    """A stated use of the classifier: what "yes" means there and what each kind of mistake costs."""

    name: str
    yes: str
    no: str
    false_alarm: float  # $ per "yes" that was a no
    miss: float  # $ per "no" that was a yes


USES = {
    "fraud": Use("Card payments", "fraud", "a genuine payment", false_alarm=5.0, miss=250.0),
    "spam": Use("An email inbox", "spam", "a real email", false_alarm=30.0, miss=0.05),
    "screening": Use("Medical screening", "ill", "healthy", false_alarm=200.0, miss=20_000.0),
}


@dataclass
class Trained:
    """The data and the three models of questions 1 to 3, trained once per preset."""

    train: Dataset
    test: Dataset
    model: MLP
    losses: list[float]  # the mean training loss of each epoch
    seconds: float  # how long training the model took, here
    larger: MLP
    pool: Dataset  # drawn for question 2
    new_train: Dataset  # new labelled data from the shifted world, for fine-tuning (before the shift)
    farthest_test_point: float  # the largest distance from a test point to its nearest training point


def trained_network(hidden: tuple[int, ...], data: Dataset, seed: int) -> tuple[MLP, list[float]]:
    """A network with these hidden layers trained on the data for EPOCHS epochs (Adam, logits out)."""
    model = MLP([2, *hidden, 1], ACTIVATION, "linear", seed=seed)
    history = train(model, data.x, data.y, EPOCHS, Adam(learning_rate=LEARNING_RATE), BATCH_SIZE,
                    "cross_entropy", seed=seed)
    return model, [epoch.loss for epoch in history]


def p_yes(model: MLP, points: np.ndarray) -> np.ndarray:
    """The model's P(yes) at each point: the sigmoid of its logit."""
    return logistic(model.predict(np.asarray(points, dtype=float))[:, 0])


def train_preset(dataset: str, seed: int) -> Trained:
    """Draw the preset's data and train both networks on it (the small one timed, here)."""
    data = make_dataset(dataset, N_POINTS, NOISE, seed)
    train_data, test_data = train_test_split(data, TEST_FRACTION, seed)
    began = time.perf_counter()
    model, losses = trained_network(HIDDEN, train_data, seed)
    seconds = time.perf_counter() - began
    larger, _ = trained_network(LARGER_HIDDEN, train_data, seed)
    pool = make_dataset(dataset, POOL, NOISE, seed + POOL_SEED)
    new_train = make_dataset(dataset, N_POINTS // 2, NOISE, seed + NEW_DATA_SEED)
    farthest = float(np.sqrt(knn.squared_distances(test_data.x, train_data.x).min(axis=1).max()))
    return Trained(train_data, test_data, model, losses, seconds, larger, pool, new_train, farthest)
