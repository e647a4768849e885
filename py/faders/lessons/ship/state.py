"""Lesson `ship`: before you ship, the four questions a senior engineer asks first.

The state: its knobs (one declaration each), its results and its actions. The page is view.py, the
words words.py; the maths is faders.core's (datasets, mlp, training, knn, metrics, shift).

What is computed when: the trained models when first asked for after a data knob changed (a link
that sets `data` or `seed` trains once, not twice); the timings and the fine-tuning comparison
when first asked for, and again by their actions (`measure`, `fine_tune`). The fine-tuning keeps
the shift it was measured for: moving a shift slider does not train anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import param

from faders.core import knn, metrics
from faders.core.datasets import Dataset
from faders.core.mlp import MLP
from faders.core.optimizers import Adam
from faders.core.shift import Recovery, recover, shifted, with_positive_share
from faders.core.training import accuracy
from faders.lessons.kit.knobs import knob
from faders.lessons.kit.lesson import Lesson
from faders.lessons.kit.timing import time_per_call
from faders.lessons.ship import words
from faders.lessons.ship.preset import (
    ACTIVATION,
    BATCH_SIZE,
    DATASETS,
    HIDDEN,
    LEARNING_RATE,
    USES,
    Trained,
    p_yes,
    train_preset,
)

# Question 3: how many neighbours kNN asks.
KNN_K = 5
# Question 1: the accuracy as the shift grows, at these fractions of the reader's shift.
DRIFT_FRACTIONS = (0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
# Question 2: the examples met in use, drawn from the preset's pool (99 "no" in 100 at most).
IN_USE = 2000
THRESHOLDS = tuple(round(t / 100, 2) for t in range(1, 100))
# Question 4: how far out the confidence is traced, and the wide map's half-width.
RAY_STEPS = 61
FAR_LIMIT = 60.0
WIDE_HALF_WIDTH = 40.0
WIDE_RESOLUTION = 60
# Fine-tuning: "recovered" is within this much of the accuracy before the shift; both runs stop there.
RECOVERY_GAP = 0.02
MOST_EPOCHS = 100
WEIGHTS_FORMAT = "faders-ship-weights"
# The two classes' colours (no, then yes), on the page and in the picture.
ORANGE, BLUE, PALE = "#f59322", "#0877bd", "#e8eaeb"
# The four scores of question 2, each its colour on the page and in the picture (kit.charts' ink,
# model blue and accent, and a green).
SCORE_COLOURS = {"accuracy": "#1f2933", "precision": "#1c7ed6", "recall": "#d9480f", "f1": "#2f9e44"}


@dataclass(frozen=True)
class InUse:
    """Question 2's cases: the examples, the model's P(yes) for each, its confusion at each threshold."""

    data: Dataset
    scores: np.ndarray
    counts: list[np.ndarray]
    sweep: list[metrics.Scores]


@dataclass(frozen=True)
class FineTuning:
    """Fine-tuning against training from scratch, on one shift."""

    shift: dict[str, float]
    target: float
    fine_tuned: Recovery
    from_scratch: Recovery



class ShipLesson(Lesson):
    """A trained classifier and the four questions to ask before it meets the world."""

    slug: ClassVar[str] = "ship"
    title: ClassVar[str] = words.TITLE
    teaser: ClassVar[str] = words.TEASER
    prose: ClassVar[str] = words.PROSE
    actions: ClassVar[tuple[str, ...]] = ("measure", "fine_tune")
    embed_height: ClassVar[int] = 4700  # px: measured at 700 px wide in embed mode (4,565) with a margin

    # ---- knobs: one declaration each (kit.knobs) ------------------------------------------
    dataset = knob(param.Selector(default="moons", objects=list(DATASETS), doc=words.HELP_DATASET),
                   key="data", label="Dataset", restarts=True)
    seed = knob(param.Integer(1, bounds=(0, 2**31 - 1), doc=words.HELP_SEED),
                key="seed", label="Seed", restarts=True, widget="input")
    move_x = knob(param.Number(1.5, bounds=(-4.0, 4.0), step=0.1, doc=words.HELP_MOVE_X),
                  key="dx", label="Move across", widget="slider", format="0.0")
    move_y = knob(param.Number(0.0, bounds=(-4.0, 4.0), step=0.1, doc=words.HELP_MOVE_Y),
                  key="dy", label="Move up", widget="slider", format="0.0")
    angle = knob(param.Number(30.0, bounds=(-180.0, 180.0), step=5.0, doc=words.HELP_ANGLE),
                 key="angle", label="Turn (degrees)", widget="slider", format="0")
    spread = knob(param.Number(1.0, bounds=(0.5, 3.0), step=0.1, doc=words.HELP_SPREAD),
                  key="spread", label="Widen (×)", widget="slider", format="0.0")
    yes_percent = knob(param.Integer(1, bounds=(1, 50), step=1, doc=words.HELP_YES),
                       key="yes", label="Share of yes (%)", widget="slider")
    threshold = knob(param.Number(0.5, bounds=(0.01, 0.99), step=0.01, doc=words.HELP_THRESHOLD),
                     key="t", label="Decision threshold", widget="slider", format="0.00")
    price = knob(param.Number(0.05, bounds=(0.001, 10.0), step=0.01, doc=words.HELP_PRICE),
                 key="price", label="Price of a CPU core ($ per hour)", widget="input")
    probe_distance = knob(param.Number(30.0, bounds=(0.0, FAR_LIMIT), step=1.0, doc=words.HELP_FAR),
                          key="far", label="Distance from the data", widget="slider", format="0")
    probe_direction = knob(param.Number(45.0, bounds=(-180.0, 180.0), step=5.0, doc=words.HELP_DIRECTION),
                           key="dir", label="Direction (degrees)", widget="slider", format="0")
    use = knob(param.Selector(default="fraud", objects=list(USES), doc=words.HELP_USE),
               key="use", label="Stated use")

    # ---- results -------------------------------------------------------------------------
    data_version = param.Integer(0, doc="Counts new presets (a restart): the page redraws everything then.")
    timings = param.List(default=[], doc="Measured µs of one prediction: [this model, larger MLP, kNN].")
    fine_tuning = param.Parameter(default=None, doc="The last fine-tuning comparison (FineTuning).")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._trained: Trained | None = None
        self._in_use: dict[int, InUse] = {}  # by share of yes: question 2's cases, scored once

    def restart(self) -> None:
        """A new preset: forget the models, the timings and the fine-tuning (made again when asked)."""
        self._trained = None
        self._in_use = {}
        self.param.update(timings=[], fine_tuning=None, data_version=self.data_version + 1)

    # ---- the preset, trained ------------------------------------------------------------

    @property
    def trained(self) -> Trained:
        if self._trained is None:
            self._trained = train_preset(self.dataset, self.seed)
        return self._trained

    def accuracies(self) -> dict[str, float]:
        t = self.trained
        return {"train": accuracy(t.model, t.train.x, t.train.y),
                "test": accuracy(t.model, t.test.x, t.test.y)}

    # ---- question 1: the input distribution -------------------------------------------------

    def shift_settings(self, fraction: float = 1.0) -> dict[str, float]:
        """The reader's shift, or a fraction of it (a fraction 0 is no shift at all)."""
        return {"dx": fraction * self.move_x, "dy": fraction * self.move_y,
                "angle": fraction * self.angle, "spread": 1.0 + fraction * (self.spread - 1.0)}

    def shifted_test(self, fraction: float = 1.0) -> Dataset:
        s = self.shift_settings(fraction)
        return shifted(self.trained.test, s["dx"], s["dy"], s["angle"], s["spread"])

    def drift(self) -> list[list[float]]:
        """[fraction of the shift, accuracy on the test points shifted that far] rows."""
        model = self.trained.model
        return [[f, accuracy(model, data.x, data.y)] for f in DRIFT_FRACTIONS
                for data in [self.shifted_test(f)]]

    # ---- question 2: the eval metric ----------------------------------------------------

    def in_use(self) -> InUse:
        """The cases met in use (the pool with the reader's share of yes), the model's P(yes) for
        each, and the confusion matrix at each of THRESHOLDS: made once per share (a threshold
        dragged only looks them up)."""
        if self.yes_percent not in self._in_use:
            data = with_positive_share(self.trained.pool, IN_USE, self.yes_percent / 100)
            scores = p_yes(self.trained.model, data.x)
            counts = [metrics.confusion(metrics.answers(scores, t), data.y) for t in THRESHOLDS]
            sweep = [metrics.scores_of(at_t) for at_t in counts]
            self._in_use[self.yes_percent] = InUse(data, scores, counts, sweep)
        return self._in_use[self.yes_percent]

    def confusion_now(self) -> np.ndarray:
        """The model's confusion matrix on the cases in use at the reader's threshold."""
        cases = self.in_use()
        return metrics.confusion(metrics.answers(cases.scores, self.threshold), cases.data.y)

    def metric_numbers(self) -> dict[str, Any]:
        cases = self.in_use()
        data, counts, sweep = cases.data, self.confusion_now(), cases.sweep
        always_no = metrics.confusion(np.zeros_like(data.y), data.y)
        return {"examples": len(data.y), "yes": int(data.y.sum()), "no": int(len(data.y) - data.y.sum()),
                "threshold": self.threshold, "confusion": counts.tolist(),
                "model": metrics.scores_of(counts).as_dict(),
                "always_no": metrics.scores_of(always_no).as_dict(),
                "always_no_confusion": always_no.tolist(),
                "sweep": [[t, *s.as_dict().values()] for t, s in zip(THRESHOLDS, sweep, strict=True)],
                "costs": self.cost_numbers(cases, counts)}

    # ---- question 4 (its second half): what a mistake costs -------------------------------

    def cost_numbers(self, cases: InUse, counts: np.ndarray) -> dict[str, Any]:
        """What the mistakes at this threshold (`counts`) cost for the stated use, per 1,000 cases,
        and the threshold that would cost least."""
        use = USES[self.use]
        per_thousand = 1000 / len(cases.data.y)
        (_, fp), (fn, _) = counts.tolist()
        by_threshold = [metrics.cost(at_t, use.false_alarm, use.miss) * per_thousand for at_t in cases.counts]
        best = int(np.argmin(by_threshold))
        false_alarms, misses = use.false_alarm * fp * per_thousand, use.miss * fn * per_thousand
        return {"use": self.use, "false_alarm_price": use.false_alarm, "miss_price": use.miss,
                "false_alarms": false_alarms, "misses": misses, "total": false_alarms + misses,
                "costliest": "misses" if misses > false_alarms else "false_alarms",
                "best_threshold": THRESHOLDS[best], "best_total": by_threshold[best]}

    # ---- question 3: the inference budget -------------------------------------------------

    def budget_models(self) -> list[tuple[str, int, float]]:
        """(name, numbers it keeps, test accuracy) of the three models, smallest first."""
        t = self.trained
        knn_right = float(np.mean(knn.knn_predict(t.train.x, t.train.y, t.test.x, KNN_K) == t.test.y))
        return [(words.THIS_MODEL, t.model.parameter_count, accuracy(t.model, t.test.x, t.test.y)),
                (words.LARGER_MODEL, t.larger.parameter_count, accuracy(t.larger, t.test.x, t.test.y)),
                (words.KNN_MODEL, knn.numbers_kept_by_knn(t.train.x), knn_right)]

    def measure(self) -> None:
        """Time one prediction of each model, here: the µs of a single point's answer."""
        t, point = self.trained, np.array([[0.5, 0.5]])
        calls = [lambda: t.model.predict(point), lambda: t.larger.predict(point),
                 lambda: knn.knn_predict(t.train.x, t.train.y, point, KNN_K)]
        self.timings = [time_per_call(call) * 1e6 for call in calls]

    def budget(self) -> list[dict[str, Any]]:
        if not self.timings:
            self.measure()
        return [{"model": name, "numbers": numbers, "accuracy": right, "microseconds": us,
                 "dollars_per_million": us * self.price / 3600}
                for (name, numbers, right), us in zip(self.budget_models(), self.timings, strict=True)]

    # ---- question 4: how it fails --------------------------------------------------------

    def probe_point(self, distance: float | None = None) -> np.ndarray:
        d = self.probe_distance if distance is None else distance
        theta = np.radians(self.probe_direction)
        return np.array([d * np.cos(theta), d * np.sin(theta)])

    def failure_numbers(self) -> dict[str, Any]:
        t = self.trained
        point = self.probe_point()
        p = float(p_yes(t.model, point[None, :])[0])
        nearest = float(np.sqrt(knn.squared_distances(point[None, :], t.train.x).min()))
        distances = np.linspace(0.0, FAR_LIMIT, RAY_STEPS)
        ray = p_yes(t.model, np.array([self.probe_point(d) for d in distances]))
        return {"point": point.tolist(), "p_yes": p, "confidence": max(p, 1 - p),
                "answer": "yes" if p >= self.threshold else "no",
                "nearest_training_point": nearest, "farthest_test_point": t.farthest_test_point,
                "flagged": nearest > t.farthest_test_point,
                "ray": [[float(d), float(max(q, 1 - q))] for d, q in zip(distances, ray, strict=True)]}

    def wide_map(self) -> np.ndarray:
        """The model's confidence max(P, 1 − P) over a square far wider than the data, (res, res)."""
        step = 2 * WIDE_HALF_WIDTH / WIDE_RESOLUTION
        centres = -WIDE_HALF_WIDTH + step * (np.arange(WIDE_RESOLUTION) + 0.5)
        xs, ys = np.meshgrid(centres, centres)
        p = p_yes(self.trained.model, np.stack([xs.ravel(), ys.ravel()], axis=1))
        return np.maximum(p, 1 - p).reshape(WIDE_RESOLUTION, WIDE_RESOLUTION)

    # ---- weights released, and fine-tuning ---------------------------------------------

    def weights_json(self) -> str:
        """The trained numbers only: the network's shape and its weights and biases, as JSON."""
        return json.dumps({"format": WEIGHTS_FORMAT, "version": 1, "inputs": ["x", "y"],
                           "output": words.WEIGHTS_OUTPUT, "model": self.trained.model.to_dict()})

    def fine_tune(self) -> None:
        """Train on new data from the shifted world twice, from the released weights and from fresh
        ones (the same start the released model had), until each is within RECOVERY_GAP of the
        accuracy before the shift; count the epochs."""
        t = self.trained
        s = self.shift_settings()
        new_data = shifted(t.new_train, s["dx"], s["dy"], s["angle"], s["spread"])
        target = accuracy(t.model, t.test.x, t.test.y) - RECOVERY_GAP
        test_data = self.shifted_test()
        runs = [recover(start, Adam(learning_rate=LEARNING_RATE), new_data, test_data, target, MOST_EPOCHS,
                        BATCH_SIZE, self.seed)
                for start in (t.model.copy(), MLP([2, *HIDDEN, 1], ACTIVATION, "linear", seed=self.seed))]
        self.fine_tuning = FineTuning(s, target, *runs)

    def fine_tuning_now(self) -> FineTuning:
        if self.fine_tuning is None:
            self.fine_tune()
        return self.fine_tuning

    def fine_tuning_is_stale(self) -> bool:
        """Whether the shift has moved since the fine-tuning was measured."""
        return self.fine_tuning_now().shift != self.shift_settings()

    # ---- everything shown ----------------------------------------------------------------

    def results_of_model(self) -> dict[str, Any]:
        t = self.trained
        return {"layer_sizes": t.model.layer_sizes, "parameters": t.model.parameter_count,
                "epochs": len(t.losses), "losses": t.losses, "training_seconds": t.seconds,
                "accuracy": self.accuracies(), "n_train": len(t.train.y), "n_test": len(t.test.y)}

    def shift_numbers(self, drift: list[list[float]] | None = None) -> dict[str, Any]:
        drift = self.drift() if drift is None else drift
        return {**self.shift_settings(), "accuracy_before": drift[0][1],
                "accuracy_after": self.drift_at_one(drift), "drift": drift}

    def weights_numbers(self) -> dict[str, int]:
        return {"parameters": self.trained.model.parameter_count, "bytes": len(self.weights_json().encode())}

    def tuning_numbers(self) -> dict[str, Any]:
        tuning = self.fine_tuning_now()
        return {"shift": tuning.shift, "target": tuning.target, "stale": self.fine_tuning_is_stale(),
                "fine_tuned_epochs": tuning.fine_tuned.epochs,
                "from_scratch_epochs": tuning.from_scratch.epochs,
                "fine_tuned_accuracy": tuning.fine_tuned.accuracies,
                "from_scratch_accuracy": tuning.from_scratch.accuracies, "most_epochs": MOST_EPOCHS}

    def results(self) -> dict[str, Any]:
        return {"model": self.results_of_model(), "shift": self.shift_numbers(),
                "metric": self.metric_numbers(), "budget": self.budget(), "failure": self.failure_numbers(),
                "weights": self.weights_numbers(), "fine_tuning": self.tuning_numbers(),
                "summary": self.summary()}

    @staticmethod
    def drift_at_one(drift: list[list[float]]) -> float:
        return next(right for fraction, right in drift if fraction == 1.0)

    def summary(self) -> str:
        drift = self.drift()
        counts = self.confusion_now()
        return words.summary(drift[0][1], self.drift_at_one(drift), int(counts[1].sum()), int(counts.sum()),
                             self.threshold, metrics.scores_of(counts).as_dict())

    # ---- actions -------------------------------------------------------------------------

    async def do_measure(self) -> None:
        self.measure()

    async def do_fine_tune(self) -> None:
        self.fine_tune()
