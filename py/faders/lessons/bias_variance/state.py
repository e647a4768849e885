"""Lesson `bias-variance`: a polynomial's degree from too simple to too flexible, and many refits that
show bias and variance.

The state: its knobs (one declaration each), its results and its one action. The page is view.py,
the words words.py; the maths is faders.core.bias_variance's and faders.core.polynomial's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar
from urllib.parse import urlencode

import numpy as np
import param

from faders.core import bias_variance as bv
from faders.core.datasets import TARGETS_1D, Dataset, regression_1d
from faders.core.polynomial import PolynomialFit, evaluate, fit_polynomial, polynomial_features
from faders.lessons.bias_variance import words
from faders.lessons.kit.knobs import knob
from faders.lessons.kit.lesson import Lesson

DEGREES = range(0, 21)
TEST_POINTS = 200
GRID = np.linspace(-1.0, 1.0, 101)  # where curves are drawn
CURVES_DRAWN = 50  # thin resampled curves drawn (all of them count in the numbers)
RIDGE_BOUNDS = (1e-6, 100.0)
# Lesson `network`'s playground, set to overfit: 40 noisy points of the circle, half for training, a
# network of three layers of eight, one point per update. Its link keys, written here as data.
NETWORK_PAGE = "network.html"
OVERFITTING_NETWORK = {"dataset": "circle", "noise": "30", "points": "40", "train": "50",
                       "hidden": "8,8,8", "act": "tanh,tanh,tanh", "batch": "1", "lr": "0.03",
                       "seed": "0", "test": "1", "epochs": "1000"}


def network_link() -> str:
    """The link (relative to this lesson's page) into the playground with the overfitting preset."""
    return f"{NETWORK_PAGE}?{urlencode(OVERFITTING_NETWORK, safe=',')}"


class BiasVarianceLesson(Lesson):
    """Fit polynomials of any degree to noisy points; refit on many training sets to see why the test
    error makes a U."""

    slug: ClassVar[str] = "bias-variance"
    title: ClassVar[str] = words.TITLE
    teaser: ClassVar[str] = words.TEASER
    prose: ClassVar[str] = words.PROSE
    actions: ClassVar[tuple[str, ...]] = ("resample",)
    # px: measured at 700 px wide in embed mode (1,797; 1,854 with the longest verdict) with a margin
    embed_height: ClassVar[int] = 1900

    # ---- knobs: one declaration each (kit.knobs) ------------------------------------------
    truth = knob(param.Selector(default="sine", objects=list(TARGETS_1D), doc=words.HELP_TRUTH),
                 key="truth", label="True function")
    points = knob(param.Integer(20, bounds=(2, 200), doc=words.HELP_POINTS),
                  key="n", label="Training points", widget="slider")
    noise = knob(param.Number(0.3, bounds=(0.0, 1.0), step=0.05, doc=words.HELP_NOISE),
                 key="noise", label="Noise", widget="slider", format="0.00")
    seed = knob(param.Integer(1, bounds=(0, 999_999_999), doc=words.HELP_SEED),
                key="seed", label="Seed", widget="input")
    degree = knob(param.Integer(3, bounds=(DEGREES.start, DEGREES.stop - 1), doc=words.HELP_DEGREE),
                  key="degree", label="Polynomial degree", widget="slider")
    ridge_on = knob(param.Boolean(False, doc=words.HELP_RIDGE_ON), key="ridge", label="Ridge penalty")
    ridge = knob(param.Number(0.01, bounds=RIDGE_BOUNDS, doc=words.HELP_RIDGE),
                 key="lam", label="Ridge λ", widget="input", bounds_reason=words.RIDGE_REASON)
    fits = knob(param.Integer(100, bounds=(10, 200), step=10, doc=words.HELP_FITS),
                key="fits", label="Training sets to resample", widget="slider")
    draw = knob(param.Integer(0, bounds=(0, 999_999), doc=words.HELP_DRAW),
                key="draw", label="Resampling round", widget="input")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self._cache: dict[str, tuple[tuple, Any]] = {}

    def _cached(self, name: str, key: tuple, compute: Any) -> Any:
        """compute() once per key: the page redraws on every knob, most results depend on few."""
        kept = self._cache.get(name)
        if kept is None or kept[0] != key:
            kept = (key, compute())
            self._cache[name] = kept
        return kept[1]

    def _per_degree(self, name: str, key: tuple, degree: int, compute: Callable[[int], Any]) -> Any:
        """compute(degree) once per key and degree: a reader dragging the degree back and forth over
        the same data meets each fit again, and then it is a lookup."""
        by_degree = self._cached(name, key, dict)
        if degree not in by_degree:
            by_degree[degree] = compute(degree)
        return by_degree[degree]

    # ---- numbers -------------------------------------------------------------------------

    @property
    def penalty(self) -> float:
        """The ridge λ in use: 0 while the penalty is off."""
        return self.ridge if self.ridge_on else 0.0

    def _data_key(self) -> tuple:
        return (self.truth, self.points, self.noise, self.seed)

    def data(self) -> tuple[Dataset, Dataset]:
        """The training points and the held-out test points, from the same truth and noise."""
        def draw() -> tuple[Dataset, Dataset]:
            return (regression_1d(self.truth, self.points, self.noise, np.random.default_rng((self.seed, 0))),
                    regression_1d(self.truth, TEST_POINTS, self.noise, np.random.default_rng((self.seed, 1))))
        return self._cached("data", self._data_key(), draw)

    def error_curve(self) -> tuple[np.ndarray, np.ndarray]:
        """Training and test error at every degree, for the current data and penalty."""
        return self._cached("curve", (*self._data_key(), self.penalty),
                            lambda: bv.error_curve(*self.data(), DEGREES, self.penalty))

    def fit(self) -> PolynomialFit:
        """The polynomial of the current degree fitted to the current training points."""
        train, _ = self.data()
        return self._per_degree("fit", (*self._data_key(), self.penalty), self.degree,
                                lambda degree: fit_polynomial(train.x, train.y, degree, self.penalty))

    def resampling(self) -> bv.Resampling:
        """`fits` fresh training sets of the same size and truth (drawn once for every degree)."""
        _, test = self.data()
        return self._cached("sets", (*self._data_key(), self.fits, self.draw), lambda: bv.draw_resampling(
            self.truth, self.points, self.noise, test.x[:, 0], self.fits,
            np.random.default_rng((self.seed, 2, self.draw))))

    def _resampling_key(self) -> tuple:
        return (*self._data_key(), self.fits, self.draw, self.penalty)

    def resampled(self, degree: int | None = None) -> bv.Resampled:
        """Each resampled training set fitted at `degree` (the current one unless given)."""
        degree = self.degree if degree is None else degree
        return self._per_degree("resampled", self._resampling_key(), degree,
                                lambda degree: bv.refit(self.resampling(), degree, self.penalty))

    def fit_curve(self) -> np.ndarray:
        """The current fit along GRID."""
        return polynomial_features(GRID, self.degree) @ self.fit().coefficients

    def resampled_curves(self) -> np.ndarray:
        """Every resampled fit along GRID, one row each."""
        return self._per_degree("curves", self._resampling_key(), self.degree, lambda degree: (
            self.resampled(degree).coefficients @ polynomial_features(GRID, degree).T))

    @property
    def exact(self) -> bool:
        """The fit has as many coefficients as there are points, or more, and no penalty: it can pass
        through every training point."""
        return self.degree >= self.points - 1 and not self.ridge_on

    def results(self) -> dict[str, Any]:
        train, test = self.data()
        train_errors, test_errors = self.error_curve()
        best = bv.sweet_spot(test_errors, DEGREES)
        parts = self.resampled().decomposition
        curves = self.resampled_curves()
        return {
            "degree": self.degree, "ridge": self.penalty,
            "train_error": evaluate(self.fit(), train.x, train.y),
            "test_error": evaluate(self.fit(), test.x, test.y),
            "coefficients": self.fit().coefficients.tolist(),
            "degrees": list(DEGREES), "train_errors": train_errors.tolist(),
            "test_errors": test_errors.tolist(), "sweet_spot": best,
            "bias_squared": parts.bias_squared, "variance": parts.variance, "noise": parts.noise,
            "total": parts.total, "measured_error": parts.measured_error,
            "sampling_error": parts.sampling_error,
            "resampled": {"fits": self.fits, "draw": self.draw,
                          "average_curve": curves.mean(axis=0).tolist(),
                          "spread": float(curves.std(axis=0).mean())},
            "verdict": self.verdict(), "network_link": network_link(),
        }

    def verdict(self) -> str:
        """Where the current degree stands on the U."""
        train, test = self.data()
        _, test_errors = self.error_curve()
        best = bv.sweet_spot(test_errors, DEGREES)
        return words.verdict(self.degree, best, evaluate(self.fit(), train.x, train.y),
                             evaluate(self.fit(), test.x, test.y), float(test_errors.min()),
                             self.points, self.exact)

    def summary(self) -> str:
        _, test = self.data()
        parts = self.resampled().decomposition
        return words.summary(self.degree, evaluate(self.fit(), test.x, test.y), parts.bias_squared,
                             parts.variance)

    # ---- actions -------------------------------------------------------------------------

    async def do_resample(self) -> None:
        """Draw the next batch of training sets (a link keeps which one: `draw`)."""
        self.draw = (self.draw + 1) % (self.param.draw.bounds[1] + 1)
