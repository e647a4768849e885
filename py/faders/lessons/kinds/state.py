"""Lesson `kinds`: three ways to learn (from answers, from the data alone, from rewards).

The state: its knobs (one declaration each), its results and its actions. The page is view.py, the
words words.py; the maths is faders.core's (datasets and logistic for the supervised part, kmeans for
the unsupervised one, bandit for reinforcement). Every result is a pure function of the knobs, kept
until a knob it depends on changes: a link reproduces the page, stepped k-means included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import param

from faders.core import bandit, kmeans, logistic
from faders.core.datasets import CLASSIFICATION_2D, Dataset, make_dataset, train_test_split
from faders.core.playground import grid_points
from faders.lessons.kinds import words
from faders.lessons.kit.knobs import knob
from faders.lessons.kit.lesson import Lesson

# Half the points train the classifier, the other half test it; k-means groups them all.
TEST_FRACTION = 0.5
# The supervised map: cells a side over the playground's square.
MAP_RESOLUTION = 50
# The training curve shows the loss every this many updates (of logistic.STEPS).
LOSS_EVERY = 5
# The starts whose settled spread the page compares: a block of this many holding the reader's start.
STARTS_SHOWN = 12
# The bandit's charts: at most this many pulls drawn (evenly spaced, the last included).
CHART_POINTS = 200
# The two classes' colours (class 0, then class 1) and the undecided middle, as in the playground.
ORANGE, BLUE, PALE = "#f59322", "#0877bd", "#e8eaeb"
# One colour per k-means group (k ≤ 10): none of them the labels' orange or blue, nor the grey of a
# point not yet assigned, so that groups are never read as labels.
GROUP_COLOURS = ("#2f9e44", "#ae3ec9", "#0c8599", "#e64980", "#5c940d", "#7048e8", "#c2255c",
                 "#364fc7", "#d9480f", "#1c7ed6")


@dataclass(frozen=True)
class Supervised:
    """The classifier learned from (point, answer) pairs, and its loss and accuracy."""

    train: Dataset
    test: Dataset
    model: logistic.Logistic
    losses: list[float]  # the training loss before each update: losses[0] is at w = 0, b = 0, ln 2
    loss_before: float  # at w = 0, b = 0: every answer a coin toss, ln 2
    loss_after: float  # once trained
    train_accuracy: float
    test_accuracy: float


@dataclass(frozen=True)
class Bandit:
    """A bandit run with the reader's ε, and the same luck met by ε = 0 and ε = 1."""

    rates: np.ndarray
    run: bandit.Run
    regret: np.ndarray
    greedy_regret: np.ndarray
    random_regret: np.ndarray
    reward_per_pull: np.ndarray


def chart_pulls(pulls: int) -> np.ndarray:
    """The pulls (0-based) drawn on the bandit's charts: at most CHART_POINTS, the last included."""
    return np.unique(np.linspace(0, pulls - 1, min(pulls, CHART_POINTS)).round().astype(np.intp))


def cached(*names: str) -> Callable[[Callable[[Any], Any]], Callable[[Any], Any]]:
    """A result kept until one of the knobs `names` changes (computed again only then)."""
    def wrap(compute: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def kept(self: Any) -> Any:
            key = tuple(getattr(self, name) for name in names)
            store = self.__dict__.setdefault("_kept", {})
            if store.get(compute.__name__, (None,))[0] != key:
                store[compute.__name__] = (key, compute(self))
            return store[compute.__name__][1]
        kept.__name__, kept.__doc__ = compute.__name__, compute.__doc__
        return kept
    return wrap


DATA_KNOBS = ("dataset", "n_points", "noise", "seed")
KMEANS_KNOBS = (*DATA_KNOBS, "k", "start")
MACHINE_KNOBS = ("arms", "pulls", "bandit_seed")
BANDIT_KNOBS = (*MACHINE_KNOBS, "epsilon")


class KindsLesson(Lesson):
    """The same points learned from with answers and without, and a bandit that learns from rewards."""

    slug: ClassVar[str] = "kinds"
    title: ClassVar[str] = words.TITLE
    teaser: ClassVar[str] = words.TEASER
    prose: ClassVar[str] = words.PROSE
    actions: ClassVar[tuple[str, ...]] = ("step", "settle", "reset", "new_start", "new_luck")
    embed_height: ClassVar[int] = 3450  # px: measured at 700 px wide in embed mode (3,315) with a margin

    # ---- knobs: one declaration each (kit.knobs) ------------------------------------------
    dataset = knob(param.Selector(default="gaussians", objects=list(CLASSIFICATION_2D),
                                  doc=words.HELP_DATASET), key="data", label="Dataset")
    n_points = knob(param.Integer(200, bounds=(10, 1000), step=10, doc=words.HELP_N_POINTS),
                    key="n", label="Points", widget="slider")
    noise = knob(param.Number(0.3, bounds=(0.0, 0.5), step=0.05, doc=words.HELP_NOISE),
                 key="noise", label="Noise", widget="slider", format="0.00")
    seed = knob(param.Integer(1, bounds=(0, 2**31 - 1), doc=words.HELP_SEED),
                key="seed", label="Seed", widget="input")
    k = knob(param.Integer(2, bounds=(1, 10), step=1, doc=words.HELP_K),
             key="k", label="k (groups)", widget="slider")
    start = knob(param.Integer(0, bounds=(0, 2**31 - 1), doc=words.HELP_START),
                 key="start", label="Start", widget="input")
    steps = knob(param.Integer(2, bounds=(0, 2 * kmeans.MOST_ROUNDS + 1), doc=words.HELP_STEPS),
                 key="step", label="Steps taken", widget="input")
    arms = knob(param.Integer(5, bounds=(2, 10), step=1, doc=words.HELP_ARMS),
                key="arms", label="Slot machines", widget="slider")
    epsilon = knob(param.Number(0.1, bounds=(0.0, 1.0), step=0.01, doc=words.HELP_EPSILON),
                   key="eps", label="ε (explore)", widget="slider", format="0.00")
    pulls = knob(param.Integer(1000, bounds=(10, 5000), step=10, doc=words.HELP_PULLS),
                 key="pulls", label="Pulls", widget="slider")
    bandit_seed = knob(param.Integer(1, bounds=(0, 2**31 - 1), doc=words.HELP_BANDIT_SEED),
                       key="bseed", label="Luck", widget="input")

    # ---- 1 · supervised ------------------------------------------------------------------

    @cached(*DATA_KNOBS)
    def points(self) -> Dataset:
        """Every point with its label: the classifier learns from half, k-means groups them all."""
        return make_dataset(self.dataset, self.n_points, self.noise, self.seed)

    @cached(*DATA_KNOBS)
    def supervised(self) -> Supervised:
        train, test = train_test_split(self.points(), TEST_FRACTION, self.seed)
        losses: list[float] = []
        model = logistic.fit(train.x, train.y, losses=losses)
        loss_after = logistic.loss_and_gradient(model, train.x, train.y)[0]
        return Supervised(train, test, model, losses, losses[0], loss_after,
                          logistic.accuracy(logistic.predict(model, train.x), train.y),
                          logistic.accuracy(logistic.predict(model, test.x), test.y))

    def decision_map(self) -> np.ndarray:
        """P(class 1) over the square, (resolution, resolution) with row 0 at the bottom."""
        shape = (MAP_RESOLUTION, MAP_RESOLUTION)
        return logistic.probability(self.supervised().model, grid_points(MAP_RESOLUTION)).reshape(shape)

    # ---- 2 · unsupervised ----------------------------------------------------------------

    @cached(*KMEANS_KNOBS)
    def kmeans_steps(self) -> list[kmeans.Step]:
        """Every half-step of k-means from the reader's start until it settles."""
        return kmeans.run(self.points().x, self.k, self.start)

    def shown_step(self) -> int:
        """The step on screen: the reader's, or the last one once the run has settled before it."""
        return min(self.steps, len(self.kmeans_steps()) - 1)

    def has_settled(self) -> bool:
        """Whether the step on screen is the run's last and the run settled there."""
        steps = self.kmeans_steps()
        return self.shown_step() == len(steps) - 1 and kmeans.settled(steps)

    def agreement(self) -> dict[str, Any] | None:
        """How the settled groups line up with the hidden labels (None until the run settles)."""
        if not self.has_settled():
            return None
        groups, labels = self.kmeans_steps()[-1].groups, self.points().y
        return {"table": kmeans.contingency(groups, labels, self.k).tolist(),
                "share": kmeans.agreement(groups, labels, self.k)}

    def first_start(self) -> int:
        """The first of the STARTS_SHOWN starts compared on the page (a block holding the reader's)."""
        return min(self.start // STARTS_SHOWN * STARTS_SHOWN, 2**31 - STARTS_SHOWN)

    @cached(*KMEANS_KNOBS)
    def starts(self) -> list[list[float]]:
        """[start, settled spread, half-steps] for each of the STARTS_SHOWN starts around the reader's."""
        rows = []
        for start in range(self.first_start(), self.first_start() + STARTS_SHOWN):
            steps = kmeans.run(self.points().x, self.k, start)
            rows.append([start, steps[-1].inertia, len(steps) - 1])
        return rows

    # ---- 3 · reinforcement ---------------------------------------------------------------

    @cached(*MACHINE_KNOBS)
    def machines(self) -> tuple[np.ndarray, bandit.Draws, np.ndarray, np.ndarray]:
        """The hidden rates, the luck, and the regret of ε = 0 and ε = 1 with that luck (kept while
        only ε changes)."""
        rates = bandit.hidden_rates(self.arms, self.bandit_seed)
        luck = bandit.draw(self.pulls, self.arms, self.bandit_seed)
        return (rates, luck, bandit.regret(rates, bandit.play(rates, 0.0, luck).arms),
                bandit.regret(rates, bandit.play(rates, 1.0, luck).arms))

    @cached(*MACHINE_KNOBS, "epsilon")
    def bandit(self) -> Bandit:
        rates, luck, greedy, random = self.machines()
        played = bandit.play(rates, self.epsilon, luck)
        return Bandit(rates, played, bandit.regret(rates, played.arms), greedy, random,
                      bandit.reward_per_pull(played.rewards))

    # ---- refusals --------------------------------------------------------------------------

    def check_together(self, values: dict[str, object]) -> list[str]:
        """A step past the run's end is taken as its end, and said so."""
        if "steps" not in values:
            return []
        after = {name: values.get(name, getattr(self, name)) for name in KMEANS_KNOBS}
        points = make_dataset(str(after["dataset"]), int(after["n_points"]),  # type: ignore[call-overload]
                              float(after["noise"]), int(after["seed"]))  # type: ignore[arg-type, call-overload]
        last = len(kmeans.run(points.x, int(after["k"]), int(after["start"]))) - 1  # type: ignore[call-overload]
        asked = int(values["steps"])  # type: ignore[call-overload]
        if asked <= last:
            return []
        values["steps"] = last
        return [words.past_the_end(asked, last)]

    # ---- numbers -------------------------------------------------------------------------

    def results(self) -> dict[str, Any]:
        learned = self.supervised()
        steps, shown = self.kmeans_steps(), self.shown_step()
        run = self.bandit()
        at = chart_pulls(self.pulls)
        return {
            "supervised": {
                "n_train": len(learned.train.y), "n_test": len(learned.test.y),
                "numbers": learned.model.numbers,
                "loss_before": learned.loss_before, "loss_after": learned.loss_after,
                "losses": learned.losses[::LOSS_EVERY],
                "train_accuracy": learned.train_accuracy, "test_accuracy": learned.test_accuracy,
            },
            "kmeans": {
                "step": shown, "last_step": len(steps) - 1, "kind": steps[shown].kind,
                "settled": self.has_settled(),
                "centres": steps[shown].centres.tolist(),
                "counts": steps[shown].counts(),
                "groups": steps[shown].groups.tolist(),  # each point's group (-1: not yet assigned)
                "inertia": [step.inertia for step in steps[1:shown + 1]],
                "agreement": self.agreement(),
                "starts": self.starts(),
            },
            "bandit": {
                "rates": run.rates.tolist(),
                "estimates": run.run.estimates[-1].tolist(),
                "counts": run.run.counts.tolist(),
                "total_reward": float(run.run.rewards.sum()),
                "regret": float(run.regret[-1]),
                "greedy_regret": float(run.greedy_regret[-1]),
                "random_regret": float(run.random_regret[-1]),
                "curves": {"pull": (at + 1).tolist(),
                           "estimates": run.run.estimates[at].tolist(),
                           "reward_per_pull": run.reward_per_pull[at].tolist(),
                           "regret": run.regret[at].tolist(),
                           "greedy_regret": run.greedy_regret[at].tolist(),
                           "random_regret": run.random_regret[at].tolist()},
            },
            "summary": self.summary(),
        }

    def summary(self) -> str:
        steps = self.kmeans_steps()
        run = self.bandit()
        return words.summary(self.supervised().test_accuracy, self.shown_step(),
                             steps[self.shown_step()].inertia, self.agreement(), self.epsilon,
                             float(run.regret[-1]), int(np.argmax(run.rates)),
                             int(np.argmax(run.run.counts)))

    # ---- actions -------------------------------------------------------------------------

    async def do_step(self) -> None:
        """One half-step of k-means: assign the points, or move the centres."""
        self.steps = min(self.shown_step() + 1, len(self.kmeans_steps()) - 1)

    async def do_settle(self) -> None:
        """k-means to its end."""
        self.steps = len(self.kmeans_steps()) - 1

    async def do_reset(self) -> None:
        """Back to the start's centres."""
        self.steps = 0

    async def do_new_start(self) -> None:
        """Other starting centres (the next seed), from the beginning."""
        self.param.update(start=min(self.start + 1, 2**31 - 1), steps=0)

    async def do_new_luck(self) -> None:
        """The bandit with other hidden rates and other luck."""
        self.bandit_seed = min(self.bandit_seed + 1, 2**31 - 1)

