"""Bias and variance of polynomial fits, measured by refitting on many training sets from one truth.

The data: y = truth(x) + noise, x uniform in [-1, 1] (faders.core.datasets' 1-D targets). A fit
made from one training set is one draw of a random curve; draw many training sets, fit each, and
look at the curves at fixed test inputs x₁ … x_m:

    bias²    = mean over x of (average curve - truth)²          how far off the fits are on average
    variance = mean over x and sets of (curve - average curve)²  how much they differ from set to set
    noise    = σ²                                                what no fit can predict

and the expected squared error on a new noisy point is their sum. Here that error is also measured
directly, against fresh noisy targets, so the identity can be checked in the reader's own numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from faders.core.datasets import TARGETS_1D, Dataset
from faders.core.polynomial import evaluate, fit_polynomial, fit_polynomials, polynomial_features


@dataclass(frozen=True, eq=False)
class Decomposition:
    """Expected test error split into its three parts, and that error measured directly."""

    bias_squared: float
    variance: float
    noise: float
    measured_error: float  # mean squared error of the fits against fresh noisy test targets
    sampling_error: float  # the standard error of measured_error (it is an average over sets)

    @property
    def total(self) -> float:
        """bias² + variance + noise: what the measured error should come to."""
        return self.bias_squared + self.variance + self.noise


def decompose(predictions: np.ndarray, truth: np.ndarray, noise_std: float,
              noisy_targets: np.ndarray) -> Decomposition:
    """Split the error of many fits' predictions, shape (sets, m), at m test inputs.

    `truth` (m,) is the true function there; `noisy_targets` (sets, m) are fresh draws of
    truth + noise, one row per set, against which the error is measured.
    """
    average = predictions.mean(axis=0)
    bias_squared = float(np.mean((average - truth) ** 2))
    variance = float(np.mean((predictions - average) ** 2))
    errors = np.mean((predictions - noisy_targets) ** 2, axis=1)  # one test error per training set
    spread = float(errors.std(ddof=1)) if len(errors) > 1 else 0.0
    return Decomposition(bias_squared, variance, noise_std**2, float(errors.mean()),
                         spread / float(np.sqrt(len(errors))))


def training_sets(target: str, n: int, noise: float, sets: int,
                  rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """`sets` training sets of n points each from the same truth: x and y of shape (sets, n)."""
    x = rng.uniform(-1.0, 1.0, size=(sets, n))
    return x, TARGETS_1D[target](x) + noise * rng.standard_normal((sets, n))


@dataclass(frozen=True, eq=False)
class Resampling:
    """Many training sets from one truth, and fresh noisy targets at the test inputs to measure
    against: drawn once, then fitted at any degree (so every degree sees the same sets)."""

    x: np.ndarray  # (sets, n)
    y: np.ndarray  # (sets, n)
    test_x: np.ndarray  # (m,)
    truth: np.ndarray  # (m,): the true function at test_x
    noisy_targets: np.ndarray  # (sets, m): truth + fresh noise, one row per set
    noise: float


def draw_resampling(target: str, n: int, noise: float, test_x: np.ndarray, sets: int,
                    rng: np.random.Generator) -> Resampling:
    """`sets` training sets of n points, and fresh noisy targets at `test_x` for each."""
    x, y = training_sets(target, n, noise, sets, rng)
    truth = TARGETS_1D[target](test_x)
    return Resampling(x, y, test_x, truth, truth + noise * rng.standard_normal((sets, len(test_x))), noise)


@dataclass(frozen=True, eq=False)
class Resampled:
    """Many fits of one degree, each on its own training set, and what they say together."""

    coefficients: np.ndarray  # (sets, degree + 1), one fit a row
    decomposition: Decomposition


def refit(sets: Resampling, degree: int, ridge: float) -> Resampled:
    """Fit a polynomial of `degree` to every training set (all at once) and split their error at the
    test inputs into bias², variance and noise."""
    coefficients = fit_polynomials(sets.x, sets.y, degree, ridge)
    predictions = coefficients @ polynomial_features(sets.test_x, degree).T
    return Resampled(coefficients, decompose(predictions, sets.truth, sets.noise, sets.noisy_targets))


def resample(target: str, n: int, noise: float, degree: int, ridge: float, test_x: np.ndarray,
             sets: int, rng: np.random.Generator) -> Resampled:
    """Draw `sets` training sets, fit a polynomial of `degree` to each, and split their error."""
    return refit(draw_resampling(target, n, noise, test_x, sets, rng), degree, ridge)


def error_curve(train: Dataset, test: Dataset, degrees: range,
                ridge: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Training and test error of one fit per degree: the two arms of the U."""
    fits = [fit_polynomial(train.x, train.y, degree, ridge) for degree in degrees]
    return (np.array([evaluate(fit, train.x, train.y) for fit in fits]),
            np.array([evaluate(fit, test.x, test.y) for fit in fits]))


def sweet_spot(test_errors: np.ndarray, degrees: range) -> int:
    """The degree with the lowest test error (the lowest such degree on a tie)."""
    return degrees[int(np.argmin(test_errors))]

