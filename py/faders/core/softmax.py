"""Logits to probabilities and choices: softmax, temperature, top-k, entropy and seeded sampling.

Conventions used throughout:
- Logits are a 1-D vector of finite numbers, one per label (NaN or ±inf raise ValueError).
- Temperature 0 means argmax. When several labels share the largest logit, the first of them
  (lowest index) wins, as `numpy.argmax` and greedy decoding do: the answer is a one-hot vector.
- Top-k keeps exactly k labels; a tie at the cut-off is broken the same way, lower index first.
- Every random draw takes a seed (an int) or a `numpy.random.Generator`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# A numpy Generator is used as given (its state advances); an int seeds a fresh one.
Seed = int | np.random.Generator

# Probabilities handed in by a caller may be off by rounding, not by more than this.
SUM_TOLERANCE = 1e-6


def _as_logits(logits: Sequence[float] | np.ndarray) -> np.ndarray:
    z = np.asarray(logits, dtype=float)
    if z.ndim != 1 or z.size == 0:
        raise ValueError(f"logits must be a non-empty list of numbers, got shape {z.shape}")
    if not np.all(np.isfinite(z)):
        raise ValueError("logits must be finite numbers (no NaN or infinity)")
    return z


def _as_temperature(temperature: float) -> float:
    t = float(temperature)
    if math.isnan(t) or math.isinf(t):
        raise ValueError(f"temperature must be a finite number, got {temperature}")
    if t < 0:
        raise ValueError(f"temperature must be 0 or more (0 means always pick the top label), got {t}")
    return t


def _as_probabilities(probabilities: Sequence[float] | np.ndarray) -> np.ndarray:
    p = np.asarray(probabilities, dtype=float)
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"probabilities must be a non-empty list of numbers, got shape {p.shape}")
    if not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError("probabilities must be finite and not negative")
    if abs(p.sum() - 1) > SUM_TOLERANCE:
        raise ValueError(f"probabilities must add up to 1, these add up to {p.sum():.6g}")
    return p


def _as_count(value: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise ValueError(f"{what} must be a whole number, got {value!r}")
    if value < 1:
        raise ValueError(f"{what} must be at least 1, got {value}")
    return int(value)


def _generator(seed: Seed) -> np.random.Generator:
    if isinstance(seed, np.random.Generator):
        return seed
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a whole number ≥ 0 or a numpy Generator, got {seed!r}")
    return np.random.default_rng(int(seed))


def top_k_mask(logits: Sequence[float] | np.ndarray, k: int) -> np.ndarray:
    """Which labels survive top-k: True for the k largest logits (all of them when k ≥ labels)."""
    z = _as_logits(logits)
    k = _as_count(k, "k")
    # A stable sort of -z lists the largest first and, among equals, the lower index first.
    kept = np.argsort(-z, kind="stable")[:k]
    mask = np.zeros(z.size, dtype=bool)
    mask[kept] = True
    return mask


def argmax_one_hot(logits: Sequence[float] | np.ndarray) -> np.ndarray:
    """Temperature 0: probability 1 on the largest logit (the first one if tied), 0 elsewhere."""
    z = _as_logits(logits)
    one_hot = np.zeros(z.size)
    one_hot[np.argmax(z)] = 1.0
    return one_hot


def softmax(logits: Sequence[float] | np.ndarray, temperature: float = 1.0,
            top_k: int | None = None) -> np.ndarray:
    """p_i = exp(z_i / T) / Σ_j exp(z_j / T), over the top-k labels only when top_k is given.

    Subtracting the largest logit first leaves the answer unchanged (it cancels between the top
    and the bottom of the fraction) and keeps every exponential between 0 and 1, so even logits
    of ±1e308 give probabilities, never NaN. Temperature 0 gives the one-hot argmax.
    """
    z = _as_logits(logits)
    t = _as_temperature(temperature)
    keep = np.ones(z.size, dtype=bool) if top_k is None else top_k_mask(z, top_k)
    if t == 0:
        return argmax_one_hot(z)  # the argmax is always among the top k
    # Differences of huge logits may overflow to -inf; exp(-inf) = 0 is the right answer there.
    with np.errstate(over="ignore"):
        terms = np.exp((z - z.max()) / t)
    terms[~keep] = 0.0
    return terms / terms.sum()


def top_k(logits: Sequence[float] | np.ndarray, k: int, temperature: float = 1.0) -> np.ndarray:
    """Softmax over the k largest logits only: the others get probability 0, the rest sum to 1."""
    return softmax(logits, temperature, top_k=k)


@dataclass(frozen=True)
class SoftmaxWorking:
    """The softmax formula with the reader's numbers filled in, label by label.

    terms[i] = exp(scaled[i] - shift), total = Σ terms, probabilities[i] = terms[i] / total.
    shift is 0 whenever the plain exponentials fit in a float; otherwise it is the largest
    scaled logit, which changes every term by the same factor and so not the probabilities
    (if z_i / T itself overflows, scaled and shift show ±inf but terms are still right).
    """

    scaled: np.ndarray  # z_i / T
    shift: float
    terms: np.ndarray  # exp(z_i / T - shift)
    total: float
    probabilities: np.ndarray


def softmax_working(logits: Sequence[float] | np.ndarray, temperature: float = 1.0) -> SoftmaxWorking:
    """Each step of softmax for display. Temperature 0 has no formula (it is argmax): ValueError."""
    z = _as_logits(logits)
    t = _as_temperature(temperature)
    if t == 0:
        raise ValueError("temperature 0 has no softmax formula: it picks the top label (argmax)")
    with np.errstate(over="ignore"):
        scaled = z / t
        terms = np.exp(scaled)
        total = terms.sum()
    shift = 0.0
    if not (np.isfinite(total) and total > 0):
        # Too big (or all too small) for a float: show the stable form softmax itself uses.
        shift = float(np.max(scaled))
        with np.errstate(over="ignore"):
            terms = np.exp((z - z.max()) / t)
        total = terms.sum()
    return SoftmaxWorking(scaled, shift, terms, float(total), terms / total)


def entropy(probabilities: Sequence[float] | np.ndarray, base: float = 2) -> float:
    """H = -Σ p_i log p_i, in bits by default; labels with p_i = 0 add nothing (0·log 0 = 0)."""
    p = _as_probabilities(probabilities)
    if not base > 0 or base == 1 or math.isinf(base):
        raise ValueError(f"base must be a positive number other than 1, got {base}")
    nonzero = p[p > 0]
    h = -np.sum(nonzero * np.log(nonzero)) / math.log(base)
    return max(0.0, float(h))  # a one-hot vector gives -0.0; show it as 0


def sample(probabilities: Sequence[float] | np.ndarray, n: int, seed: Seed) -> np.ndarray:
    """n label indices drawn independently with the given probabilities.

    Each draw is a uniform number u in [0, 1) located on the cumulative bar
    p_0 | p_0 + p_1 | ... : the label whose stretch of the bar contains u is chosen.
    The same seed gives the same draws.
    """
    p = _as_probabilities(probabilities)
    n = _as_count(n, "n")
    rng = _generator(seed)
    cumulative = np.cumsum(p)
    cumulative /= cumulative[-1]  # the bar ends exactly at 1, so u < 1 always lands on it
    u = rng.random(n)
    # side="right": a label with probability 0 has an empty stretch and is never chosen.
    return np.searchsorted(cumulative, u, side="right")


def draw_counts(draws: Sequence[int] | np.ndarray, n_labels: int) -> np.ndarray:
    """How many times each label was drawn (a histogram with one bar per label)."""
    draws = np.asarray(draws, dtype=int)
    n_labels = _as_count(n_labels, "n_labels")
    if draws.size and (draws.min() < 0 or draws.max() >= n_labels):
        raise ValueError(f"draws must be label indices from 0 to {n_labels - 1}")
    return np.bincount(draws, minlength=n_labels)


def draw_frequencies(draws: Sequence[int] | np.ndarray, n_labels: int) -> np.ndarray:
    """The share of draws that went to each label (sums to 1)."""
    counts = draw_counts(draws, n_labels)
    if counts.sum() == 0:
        raise ValueError("no draws to count")
    return counts / counts.sum()


def running_frequencies(draws: Sequence[int] | np.ndarray, n_labels: int) -> np.ndarray:
    """Row t holds each label's share of the first t + 1 draws: the curves that settle on the
    probabilities as draws pile up. Shape (number of draws, n_labels)."""
    draws = np.asarray(draws, dtype=int)
    draw_counts(draws, n_labels)  # checks the indices
    one_hot = np.zeros((draws.size, n_labels))
    one_hot[np.arange(draws.size), draws] = 1.0
    return np.cumsum(one_hot, axis=0) / np.arange(1, draws.size + 1)[:, None]


def sample_logits(logits: Sequence[float] | np.ndarray, n: int, seed: Seed,
                  temperature: float = 1.0, top_k: int | None = None) -> np.ndarray:
    """Softmax (with temperature and top-k) then sample: how a language model picks its next word."""
    return sample(softmax(logits, temperature, top_k), n, seed)
