"""Polynomial regression in one input, pred = c₀ + c₁x + c₂x² + … + c_d·x^d, fitted in closed form.

The degree d is the capacity knob of the bias–variance lesson; ridge is its regularisation knob.
Inputs are meant to lie in [-1, 1], where the powers of x stay between -1 and 1 and fits remain
accurate up to degree 15 or so; far outside that range high powers swamp the low ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class PolynomialFit:
    """A fitted polynomial: coefficients c₀, c₁, …, c_d (the constant first) and the ridge used."""

    coefficients: np.ndarray
    ridge: float = 0.0

    @property
    def degree(self) -> int:
        return len(self.coefficients) - 1


def _one_input(x: np.ndarray | float) -> np.ndarray:
    """Accept x as a number, shape (n,) or shape (n, 1) (a dataset's x); return shape (n,)."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 2 and x.shape[1] == 1:
        return x[:, 0]
    if x.ndim > 1:
        raise ValueError(f"a polynomial here takes one input: x of shape (n,) or (n, 1), got {x.shape}")
    return np.atleast_1d(x)


def polynomial_features(x: np.ndarray | float, degree: int) -> np.ndarray:
    """The columns 1, x, x², …, x^degree side by side: shape (n, degree + 1)."""
    if degree < 0:
        raise ValueError(f"degree cannot be negative, got {degree}")
    return np.vander(_one_input(x), degree + 1, increasing=True)


def fit_polynomial(x: np.ndarray, y: np.ndarray, degree: int, ridge: float = 0.0) -> PolynomialFit:
    """The coefficients that minimise  Σ (pred - y)²  +  ridge · (c₁² + c₂² + … + c_d²).

    The penalty is on the sum of squared errors, not their mean, so its pull weakens as data grows.
    The constant c₀ is left out of it: shrinking c₀ would only drag the curve toward y = 0, not
    make it any simpler. Solved as one least-squares problem: under the features sit rows
    √ridge · (0, …, 1, …, 0) with target 0, whose squared errors are exactly the penalty. lstsq
    (SVD) avoids forming XᵀX, which would square the conditioning of high powers of x.
    With ridge = 0 and fewer points than coefficients, the answer is the exact fit whose
    coefficients have the smallest norm.
    """
    if ridge < 0:
        raise ValueError(f"ridge cannot be negative, got {ridge}")
    features = polynomial_features(x, degree)
    y = np.asarray(y, dtype=np.float64).reshape(-1)
    if len(y) != len(features):
        raise ValueError(f"x has {len(features)} points but y has {len(y)}")
    penalty_rows = np.sqrt(ridge) * np.eye(degree + 1)[1:]  # no row for c₀
    design = np.vstack([features, penalty_rows])
    targets = np.concatenate([y, np.zeros(degree)])
    coefficients, *_ = np.linalg.lstsq(design, targets, rcond=None)
    return PolynomialFit(coefficients=coefficients, ridge=float(ridge))


def predict(fit: PolynomialFit, x: np.ndarray | float) -> np.ndarray:
    """The fitted polynomial at each x: shape (n,)."""
    return polynomial_features(x, fit.degree) @ fit.coefficients


def mean_squared_error(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """The average of the squared differences."""
    return float(np.mean((np.asarray(y_pred) - np.asarray(y_true)) ** 2))


def evaluate(fit: PolynomialFit, x: np.ndarray, y: np.ndarray) -> float:
    """Mean squared error of the fit on data (x, y): the train or test error of the lesson."""
    return mean_squared_error(np.asarray(y).reshape(-1), predict(fit, x))


def least_squares(design: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """numpy.linalg.lstsq for a whole stack of problems at once: design (k, m, p), targets (k, m).

    Each answer minimises |design · c - targets|², and has the smallest norm when several do.
    Well-posed problems are solved by one batched QR (design = QR, then R c = Qᵀ targets), which
    costs a fraction of an SVD; any whose R has a near-zero diagonal (fewer independent rows than
    unknowns) go through the SVD as lstsq does (rcond=None): singular values below
    eps · max(m, p) times the largest count as zero.
    """
    rows, unknowns = design.shape[-2:]
    answers = np.empty((*design.shape[:-2], unknowns))
    ill = np.ones(len(design), dtype=bool)
    if rows >= unknowns:
        q, r = np.linalg.qr(design)
        diagonal = np.abs(np.diagonal(r, axis1=-2, axis2=-1))
        ill = diagonal.min(axis=-1) <= 1e-8 * diagonal.max(axis=-1)
        if not ill.all():
            projected = np.einsum("kmp,km->kp", q[~ill], targets[~ill])
            answers[~ill] = np.linalg.solve(r[~ill], projected[..., None])[..., 0]
    if ill.any():
        u, s, vt = np.linalg.svd(design[ill], full_matrices=False)
        cutoff = np.finfo(np.float64).eps * max(rows, unknowns) * s[..., :1]
        inverse = np.divide(1.0, s, out=np.zeros_like(s), where=s > cutoff)
        projected = np.einsum("kmr,km->kr", u, targets[ill]) * inverse
        answers[ill] = np.einsum("krp,kr->kp", vt, projected)
    return answers


def fit_polynomials(x: np.ndarray, y: np.ndarray, degree: int, ridge: float = 0.0) -> np.ndarray:
    """fit_polynomial on many training sets at once: x and y of shape (k, n), one set a row.

    Returns the coefficients, shape (k, degree + 1). The same penalty rows as fit_polynomial sit
    under each set's features, so each row is the answer fit_polynomial gives for its set.
    """
    if ridge < 0:
        raise ValueError(f"ridge cannot be negative, got {ridge}")
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.ndim != 2 or x.shape != y.shape:
        raise ValueError(f"x and y must both have shape (sets, points), got {x.shape} and {y.shape}")
    sets = len(x)
    features = np.vander(x.ravel(), degree + 1, increasing=True).reshape(sets, -1, degree + 1)
    penalty_rows = np.broadcast_to(np.sqrt(ridge) * np.eye(degree + 1)[1:], (sets, degree, degree + 1))
    design = np.concatenate([features, penalty_rows], axis=1)
    targets = np.concatenate([y, np.zeros((sets, degree))], axis=1)
    return least_squares(design, targets)
