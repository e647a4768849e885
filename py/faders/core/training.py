"""Training an MLP: forward, loss, backward, penalty, update, over shuffled mini-batches.

Targets by loss (n examples, k outputs):
- "mse": numbers, shape (n, k), or (n,) when k = 1.
- "cross_entropy", k = 1: labels 0 or 1 (binary, P(1) = σ(output)).
- "cross_entropy", k ≥ 2: integer labels 0 … k−1 (softmax over the k outputs).
The cross-entropies read the output as logits, so the model's output_activation must be "linear".

The regularisation penalty, rate × Σ penalty(W) over the weight matrices (never the biases), is
reported apart from the data loss; its gradient is added to the weight gradients.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from faders.core.linear import DIVERGENCE_FACTOR
from faders.core.losses import loss_function
from faders.core.mlp import MLP
from faders.core.optimizers import SGD, Optimizer
from faders.core.regularization import get_regularizer


def prepare_data(model: MLP, x: np.ndarray, y: np.ndarray, loss: str) -> tuple[np.ndarray, np.ndarray]:
    """x as floats of shape (n, n_in) and y in the form `loss` expects, checked once up front.

    Raises ValueError for mismatched shapes and for labels the loss would misread (e.g. −1/+1 labels
    for a cross-entropy, which would otherwise index the last class silently).
    """
    n_in, n_out = model.layer_sizes[0], model.layer_sizes[-1]
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != n_in or len(x) == 0:
        raise ValueError(f"x must have shape (n, {n_in}) with n ≥ 1; got {x.shape}")
    y = np.asarray(y)
    if len(y) != len(x):
        raise ValueError(f"x has {len(x)} examples but y has {len(y)}")
    loss_function(loss, n_out)  # an unknown loss name fails here
    if loss == "cross_entropy" and model.output_activation != "linear":
        raise ValueError("cross_entropy reads the outputs as logits: use output_activation='linear'")
    if loss == "cross_entropy" and n_out >= 2:
        if y.ndim != 1 or not np.all(np.mod(y, 1) == 0) or y.min() < 0 or y.max() >= n_out:
            raise ValueError(f"cross_entropy with {n_out} outputs needs integer labels 0 … {n_out - 1}")
        return x, y.astype(np.intp)
    if loss == "cross_entropy" and (y.min() < 0 or y.max() > 1):
        raise ValueError("cross_entropy with one output needs labels 0 or 1")
    if y.size != len(x) * n_out:
        raise ValueError(f"y must have shape (n, {n_out}); got {y.shape}")
    return x, y.astype(float).reshape(len(x), n_out)


def regularization_penalty(model: MLP, regularization: str = "none", rate: float = 0.0) -> float:
    """rate × Σ penalty(W) over the model's weight matrices."""
    penalty = get_regularizer(regularization)
    return rate * sum(penalty(layer.weights)[0] for layer in model.layers)


def add_regularization_gradients(model: MLP, regularization: str = "none", rate: float = 0.0) -> float:
    """Add rate × dpenalty/dW to each layer's weight gradient; returns the penalty itself."""
    penalty = get_regularizer(regularization)
    if regularization == "none" or rate == 0:
        return 0.0
    total = 0.0
    for layer in model.layers:
        value, grad = penalty(layer.weights)
        total += value
        layer.grad_weights += rate * grad
    return rate * total


def loss_and_gradients(model: MLP, x: np.ndarray, y: np.ndarray, loss: str = "mse",
                       regularization: str = "none", regularization_rate: float = 0.0) -> tuple[float, float]:
    """Forward, loss, backward on one batch: returns (data loss, penalty); gradients in model.gradients()."""
    output = model.forward(x)
    data_loss, grad_output = loss_function(loss, output.shape[1])(output, y)
    model.backward(grad_output, input_gradient=False)  # the data is not trained: skip dL/dx
    penalty = add_regularization_gradients(model, regularization, regularization_rate)
    return data_loss, penalty


def train_step(model: MLP, optimizer: Optimizer, x: np.ndarray, y: np.ndarray, loss: str = "mse",
               regularization: str = "none", regularization_rate: float = 0.0) -> tuple[float, float]:
    """One update from one batch (already prepared): returns (data loss, penalty) before the update."""
    data_loss, penalty = loss_and_gradients(model, x, y, loss, regularization, regularization_rate)
    optimizer.step(model.parameters(), model.gradients())
    return data_loss, penalty


def train_epoch(model: MLP, optimizer: Optimizer, x: np.ndarray, y: np.ndarray, rng: np.random.Generator,
                batch_size: int = 10, loss: str = "mse", regularization: str = "none",
                regularization_rate: float = 0.0, shuffle: bool = True) -> float:
    """One pass over the data in mini-batches; returns the mean data loss over the epoch.

    Each batch's loss is taken before its update, weighted by the batch's size (the last batch may
    be smaller). The shuffle draws from `rng`, so a seeded generator makes the run repeatable.
    """
    x, y = prepare_data(model, x, y, loss)
    if shuffle:
        order = rng.permutation(len(x))
        x, y = x[order], y[order]  # one shuffled copy per epoch; the batches below are views of it
    total = 0.0
    for start in range(0, len(x), batch_size):
        x_batch, y_batch = x[start:start + batch_size], y[start:start + batch_size]
        data_loss, _ = train_step(model, optimizer, x_batch, y_batch, loss, regularization,
                                  regularization_rate)
        total += data_loss * len(x_batch)
    return total / len(x)


@dataclass(frozen=True)
class Epoch:
    """One row of a training trace."""

    epoch: int  # passes over the data so far, from 1
    loss: float  # mean data loss over the epoch's batches
    penalty: float  # regularisation penalty at the end of the epoch


def train(model: MLP, x: np.ndarray, y: np.ndarray, epochs: int, optimizer: Optimizer | None = None,
          batch_size: int = 10, loss: str = "mse", regularization: str = "none",
          regularization_rate: float = 0.0, seed: int | np.random.Generator = 0) -> Iterator[Epoch]:
    """Train for up to `epochs` epochs, yielding an Epoch after each.

    The default optimiser is plain SGD at learning rate 0.03. Stops early, without yielding it,
    when an epoch's loss is not finite or passes DIVERGENCE_FACTOR × max(lowest loss so far, 1).
    """
    optimizer = SGD(learning_rate=0.03) if optimizer is None else optimizer
    rng = np.random.default_rng(seed)
    x, y = prepare_data(model, x, y, loss)
    limit = np.inf
    for epoch in range(1, epochs + 1):
        mean_loss = train_epoch(model, optimizer, x, y, rng, batch_size, loss, regularization,
                                regularization_rate)
        penalty = regularization_penalty(model, regularization, regularization_rate)
        total = mean_loss + penalty
        if not np.isfinite(total) or total > limit:
            return
        limit = min(limit, DIVERGENCE_FACTOR * max(total, 1.0))
        yield Epoch(epoch, mean_loss, penalty)


def evaluate_loss(model: MLP, x: np.ndarray, y: np.ndarray, loss: str = "mse") -> float:
    """The data loss (no penalty) over all of x, without changing the model."""
    x, y = prepare_data(model, x, y, loss)
    output = model.predict(x)
    return loss_function(loss, output.shape[1])(output, y)[0]


def predicted_labels(model: MLP, x: np.ndarray, threshold: float = 0.0) -> np.ndarray:
    """Class per example: argmax over k ≥ 2 outputs; with one output, 1 where output > threshold, else 0.

    threshold 0 suits logits (cross-entropy) and tanh outputs; 0.5 suits outputs fit to 0/1 targets by mse.
    """
    output = model.predict(x)
    if output.shape[1] == 1:
        return (output[:, 0] > threshold).astype(np.intp)
    return np.argmax(output, axis=1)


def accuracy(model: MLP, x: np.ndarray, labels: np.ndarray, threshold: float = 0.0) -> float:
    """The fraction of examples whose predicted class matches its label.

    With k ≥ 2 outputs labels are 0 … k−1. With one output any label above 0 counts as the positive
    class, so labels may be 0/1 or −1/+1.
    """
    labels = np.asarray(labels).reshape(-1)
    predicted = predicted_labels(model, x, threshold)
    truth = (labels > 0).astype(np.intp) if model.layer_sizes[-1] == 1 else labels
    return float(np.mean(predicted == truth))
