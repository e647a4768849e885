"""Losses: each returns (value, gradient of the value with respect to the model's output).

Conventions. The first axis of every array is the example, so a batch of n outputs has shape (n, k).
- `mean_squared_error`: squared error summed over the k outputs, averaged over the n examples.
- `cross_entropy`: k ≥ 2 logits per example, integer labels 0 … k−1, softmax over the k classes.
- `binary_cross_entropy`: one logit per example, labels 0 or 1 (soft labels in [0, 1] work too).
Every loss is a mean over examples, so the gradient carries a factor 1/n.
The cross-entropies take logits (unbounded scores), never probabilities: working in log space keeps
them finite even for logits of ±1e300.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

Loss = Callable[[np.ndarray, np.ndarray], tuple[float, np.ndarray]]


def mean_squared_error(pred: np.ndarray, target: np.ndarray) -> tuple[float, np.ndarray]:
    """L = (1/n) Σᵢ Σₖ (predᵢₖ − targetᵢₖ)²; with one output, the familiar mean of (pred − target)².

    `target` is reshaped to pred's shape, so targets of shape (n,) fit outputs of shape (n, 1).
    """
    n = pred.shape[0]
    err = pred - np.asarray(target).reshape(pred.shape)
    loss = np.vdot(err, err) / n  # Σ err², as the dot product of err with itself
    grad = err * (2 / n)
    return float(loss), grad


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """log of softmax along the last axis: zᵢ − log Σⱼ e^zⱼ, stable for any logits.

    Subtracting the largest logit first changes nothing mathematically and keeps every exp ≤ 1.
    """
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.sum(np.exp(shifted), axis=-1, keepdims=True))


def softmax(logits: np.ndarray) -> np.ndarray:
    """Class probabilities e^zᵢ / Σⱼ e^zⱼ along the last axis."""
    return np.exp(log_softmax(logits))


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
    """L = −(1/n) Σᵢ log softmax(zᵢ)[labelᵢ], for logits of shape (n, k) and integer labels (n,).

    The gradient is (softmax(z) − one_hot(label)) / n: probability pushed off the wrong classes,
    onto the right one.
    """
    n = logits.shape[0]
    rows = np.arange(n)
    labels = np.asarray(labels).reshape(n).astype(np.intp, copy=False)
    log_probs = log_softmax(logits)
    loss = -np.sum(log_probs[rows, labels]) / n
    grad = np.exp(log_probs)
    grad[rows, labels] -= 1.0
    grad /= n
    return float(loss), grad


def log_sigmoid(z: np.ndarray) -> np.ndarray:
    """log σ(z) = −log(1 + e^(−z)), written so exp never sees a positive number."""
    return np.minimum(z, 0.0) - np.log1p(np.exp(-np.abs(z)))


def binary_cross_entropy(logit: np.ndarray, label01: np.ndarray) -> tuple[float, np.ndarray]:
    """L = −(1/n) Σᵢ [yᵢ·log σ(zᵢ) + (1 − yᵢ)·log(1 − σ(zᵢ))], for one logit per example.

    P(label 1) = σ(z). The gradient is (σ(z) − y) / n, the same shape as `logit`.
    """
    n = logit.shape[0]
    y = np.asarray(label01).reshape(logit.shape)
    log_p = log_sigmoid(logit)  # log P(label 1)
    log_not_p = log_p - logit  # log P(label 0) = log σ(−z) = log σ(z) − z
    loss = -np.sum(y * log_p + (1 - y) * log_not_p) / n
    grad = (np.exp(log_p) - y) / n  # σ(z) − y, with σ(z) = exp(log σ(z)) already at hand
    return float(loss), grad


LOSS_NAMES = ("mse", "cross_entropy")


def loss_function(name: str, n_outputs: int) -> Loss:
    """The loss called `name` for a model with `n_outputs` outputs.

    "cross_entropy" with one output is the binary (sigmoid) loss; with k ≥ 2 outputs, softmax over k.
    """
    if name == "mse":
        return mean_squared_error
    if name == "cross_entropy":
        return binary_cross_entropy if n_outputs == 1 else cross_entropy
    raise ValueError(f"unknown loss {name!r}; choose one of {list(LOSS_NAMES)}")
