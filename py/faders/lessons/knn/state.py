"""Lesson `knn`: keep the numbers (logistic regression) or keep the data (k nearest neighbours).

The state: its knobs (one declaration each), its results and its actions. The page is view.py, the
words words.py; the maths is faders.core's (datasets, logistic, knn, playground's grid).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import param

from faders.core import knn, logistic
from faders.core.datasets import CLASSIFICATION_2D, HALF_WIDTH, make_dataset, train_test_split
from faders.core.playground import grid_points
from faders.lessons.kit.knobs import knob
from faders.lessons.kit.lesson import Lesson
from faders.lessons.kit.timing import time_per_call
from faders.lessons.knn import words

# Half the points train both models, the other half test them (as in the playground).
TEST_FRACTION = 0.5
# The decision maps: cells a side over the playground's square.
MAP_RESOLUTION = 50
# Training-set sizes at which one prediction of each model is timed (kit.timing).
TIMED_SIZES = (100, 300, 1000, 3000, 10000)
# Measurements kept for the chart (the reader may measure again and again).
MOST_TIMINGS = 100
# The two classes' colours (class 0, then class 1) and the undecided middle, on the page and the picture.
ORANGE, BLUE, PALE = "#f59322", "#0877bd", "#e8eaeb"


def train_size(n_points: int) -> int:
    """How many of n points train the models (the rest test them): train_test_split's rounding."""
    return n_points - int(np.floor(TEST_FRACTION * n_points + 0.5))


@dataclass(frozen=True)
class Query:
    """One point of the map asked of both models: its k neighbours and their vote, and the score."""

    x: float
    y: float
    neighbours: list[int]  # training-point indices, nearest first (none once the data is thrown away)
    votes: list[int]  # votes for class 0 and for class 1
    knn_class: int | None
    logit: float
    probability: float
    logistic_class: int


class KnnLesson(Lesson):
    """Two models on one dataset: one keeps three numbers, the other keeps every training point."""

    slug: ClassVar[str] = "knn"
    title: ClassVar[str] = words.TITLE
    teaser: ClassVar[str] = words.TEASER
    prose: ClassVar[str] = words.PROSE
    actions: ClassVar[tuple[str, ...]] = ("measure",)
    embed_height: ClassVar[int] = 2200  # px: measured at 700 px wide in embed mode (2,080) with a margin

    # ---- knobs: one declaration each (kit.knobs) ------------------------------------------
    dataset = knob(param.Selector(default="moons", objects=list(CLASSIFICATION_2D), doc=words.HELP_DATASET),
                   key="data", label="Dataset", restarts=True)
    n_points = knob(param.Integer(200, bounds=(10, 2000), softbounds=(10, 1000), step=10,
                                  doc=words.HELP_N_POINTS),
                    key="n", label="Points", restarts=True, widget="slider")
    noise = knob(param.Number(0.3, bounds=(0.0, 0.5), step=0.05, doc=words.HELP_NOISE),
                 key="noise", label="Noise", restarts=True, widget="slider", format="0.00")
    seed = knob(param.Integer(1, bounds=(0, 2**31 - 1), doc=words.HELP_SEED),
                key="seed", label="Seed", restarts=True, widget="input")
    k = knob(param.Integer(5, bounds=(1, 1000), softbounds=(1, 50), step=1, doc=words.HELP_K),
             key="k", label="k (neighbours)", widget="slider")
    query_x = knob(param.Number(1.0, bounds=(-HALF_WIDTH, HALF_WIDTH), step=0.1, doc=words.HELP_QUERY_X),
                   key="qx", label="Point x", widget="input")
    query_y = knob(param.Number(0.5, bounds=(-HALF_WIDTH, HALF_WIDTH), step=0.1, doc=words.HELP_QUERY_Y),
                   key="qy", label="Point y", widget="input")
    forget = knob(param.Boolean(False, doc=words.HELP_FORGET), key="forget",
                  label="Throw the training data away")

    # ---- results -------------------------------------------------------------------------
    data_version = param.Integer(0, doc="Counts new data (a restart): the page redraws the points then.")
    timings = param.List(default=[], doc="Measured time of one prediction: [n, kNN µs, logistic µs] rows.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.restart()
        self.data_version = 0
        self.param.watch(self._keep_k_within_the_data, ["k", "n_points"])

    # ---- the data and the parametric model: made again when a data knob changes -------------

    def restart(self) -> None:
        """Draw the data, fit the parametric model, and sort the training points by distance from
        every map cell and every train and test point once, so that a new k costs only a vote."""
        data = make_dataset(self.dataset, self.n_points, self.noise, self.seed)
        self.train, self.test = train_test_split(data, TEST_FRACTION, self.seed)
        self.model = logistic.fit(self.train.x, self.train.y)
        self.orders = {name: knn.neighbour_order(self.train.x, points) for name, points in
                       (("map", grid_points(MAP_RESOLUTION)), ("train", self.train.x), ("test", self.test.x))}
        self.data_version += 1

    # ---- refusals --------------------------------------------------------------------------

    def check_together(self, values: dict[str, object]) -> list[str]:
        """k may not exceed the training points: refuse the k, then any n, that would make it so."""
        notices = []
        k = int(values.get("k", self.k))  # type: ignore[call-overload]
        n = int(values.get("n_points", self.n_points))  # type: ignore[call-overload]
        if "k" in values and k > train_size(n):
            del values["k"]
            notices.append(words.k_too_large(k, train_size(n), self.k))
            k = self.k
        if "n_points" in values and k > train_size(n):
            del values["n_points"]
            notices.append(words.n_too_small(n, train_size(n), k, self.n_points))
        return notices

    def _keep_k_within_the_data(self, *events: Any) -> None:
        # A slider sets its knob directly, past check_together: put the one it moved back.
        if self.k <= train_size(self.n_points):
            return
        moved = {event.name: event.old for event in events}
        if "k" in moved:
            notice = words.k_too_large(self.k, train_size(self.n_points), moved["k"])
        else:
            notice = words.n_too_small(self.n_points, train_size(self.n_points), self.k, moved["n_points"])
        self.param.update(moved)
        self.notices = [notice]

    # ---- numbers -------------------------------------------------------------------------

    def knn_votes(self, part: str, task: str = "classification") -> np.ndarray:
        """kNN's class (or share of class-1 votes) for the map's cells, or the train or test points."""
        return knn.predict_from_order(self.orders[part], self.train.y, self.k, task)

    def decision_maps(self) -> tuple[np.ndarray, np.ndarray | None]:
        """P(class 1) of logistic regression and kNN's share of class-1 votes over the square, each
        (resolution, resolution) with row 0 at the bottom; kNN's is None once the data is gone."""
        shape = (MAP_RESOLUTION, MAP_RESOLUTION)
        parametric = logistic.probability(self.model, grid_points(MAP_RESOLUTION)).reshape(shape)
        if self.forget:
            return parametric, None
        return parametric, self.knn_votes("map", task="regression").reshape(shape)

    def query(self) -> Query:
        point = np.array([[self.query_x, self.query_y]])
        z = float(logistic.logit(self.model, point)[0])
        parametric = dict(logit=z, probability=float(logistic.probability(self.model, point)[0]),
                          logistic_class=int(z > 0))
        if self.forget:
            return Query(self.query_x, self.query_y, [], [0, 0], None, **parametric)
        nearest = knn.nearest_neighbours(self.train.x, point, self.k)[0]
        labels = self.train.y[nearest]
        votes = [int(np.sum(labels == 0)), int(np.sum(labels == 1))]
        knn_class = int(knn.majority_vote(labels[None, :])[0])
        return Query(self.query_x, self.query_y, [int(i) for i in nearest], votes, knn_class, **parametric)

    def accuracies(self) -> dict[str, float | None]:
        """Train and test accuracy of both models (kNN's None once the data is thrown away)."""
        found: dict[str, float | None] = {}
        for part, data in (("train", self.train), ("test", self.test)):
            found[f"logistic_{part}"] = logistic.accuracy(logistic.predict(self.model, data.x), data.y)
            found[f"knn_{part}"] = (None if self.forget else
                                    logistic.accuracy(self.knn_votes(part), data.y))
        return found

    def numbers_kept(self) -> dict[str, int]:
        return {"logistic": len(self.model.numbers),
                "knn": 0 if self.forget else knn.numbers_kept_by_knn(self.train.x)}

    def results(self) -> dict[str, Any]:
        query = self.query()
        return {
            "n_train": len(self.train.y), "n_test": len(self.test.y), "k": self.k,
            "logistic_numbers": self.model.numbers,
            "numbers_kept": self.numbers_kept(),
            "accuracy": self.accuracies(),
            "query": {"x": query.x, "y": query.y, "neighbours": query.neighbours,
                      "neighbour_points": self.train.x[query.neighbours].tolist(),
                      "votes": query.votes, "knn_class": query.knn_class, "logit": query.logit,
                      "probability": query.probability, "logistic_class": query.logistic_class},
            "forgotten": self.forget,
            "timings": [list(row) for row in self.timings],
            "summary": self.summary(),
        }

    def summary(self) -> str:
        accuracy = self.accuracies()
        return words.summary(self.k, accuracy["knn_test"], accuracy["logistic_test"], self.query())

    # ---- actions -------------------------------------------------------------------------

    async def do_measure(self) -> None:
        self.measure()

    def measure(self) -> None:
        """Time one prediction of each model, here, for training sets of TIMED_SIZES points."""
        point = np.array([[self.query_x, self.query_y]])
        rows = []
        for n in TIMED_SIZES:
            data = make_dataset(self.dataset, n, self.noise, self.seed)
            k = min(self.k, n)
            knn_seconds = time_per_call(lambda data=data, k=k: knn.knn_predict(data.x, data.y, point, k))
            logistic_seconds = time_per_call(lambda: logistic.predict(self.model, point))
            rows.append([n, knn_seconds * 1e6, logistic_seconds * 1e6])
        self.timings = (self.timings + rows)[-MOST_TIMINGS:]
