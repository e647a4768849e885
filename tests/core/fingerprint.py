"""Seeded computations across faders.core, as plain numbers, to compare CPython with Pyodide.

Not a test module: tests/e2e/test_core_in_pyodide.py runs `fingerprint()` in both and compares.
"""

from __future__ import annotations

import numpy as np

from faders.core import bandit, datasets, kmeans, knn, language_model, linear, polynomial, scale, softmax
from faders.core.mlp import MLP
from faders.core.optimizers import make_optimizer
from faders.core.training import accuracy, train


def _floats(values: object) -> list[float]:
    return [float(v) for v in np.ravel(np.asarray(values, dtype=float))]


def _losses(model: MLP, data: datasets.Dataset, epochs: int, optimizer: str,
            **options: object) -> list[float]:
    run = train(model, data.x, data.y, epochs, make_optimizer(optimizer, learning_rate=0.03), seed=1,
                **options)
    return [epoch.loss for epoch in run]


def fingerprint() -> dict[str, list[float] | list[int] | str]:
    fit = linear.fit_line(linear.X, linear.Y)
    result: dict[str, list[float] | list[int] | str] = {
        "linear trace": [v for step in fit.trace[::50] for v in (step.loss, step.w, step.b)],
    }
    for name in datasets.DATASETS:
        data = datasets.make_dataset(name, 40, 0.2, seed=3)
        result[f"dataset {name}"] = _floats(np.concatenate([data.x.ravel(), data.y.ravel()]))
    circle = datasets.circle(200, 0.1, seed=4)
    tanh_net = MLP([2, 8, 8, 1], "tanh", seed=5)
    result["mlp tanh sgd mse"] = _losses(tanh_net, circle, 30, "sgd", batch_size=10)
    result["mlp tanh predictions"] = _floats(tanh_net.predict(circle.x[:10]))
    relu_net = MLP([2, 6, 1], "relu", seed=6)
    result["mlp relu adam l2 binary"] = _losses(relu_net, datasets.xor(200, 0.1, seed=7), 30, "adam",
                                                loss="cross_entropy", regularization="l2",
                                                regularization_rate=0.001)
    spiral = datasets.spiral(200, 0.1, seed=8)
    mixed = MLP([2, 8, 6, 2], ["sigmoid", "tanh"], seed=9)
    result["mlp mixed momentum softmax l1"] = _losses(mixed, spiral, 20, "momentum", loss="cross_entropy",
                                                      regularization="l1", regularization_rate=0.001)
    result["mlp accuracy"] = [accuracy(mixed, spiral.x, spiral.y)]
    sine = datasets.make_dataset("sine", 30, 0.1, seed=10)
    for ridge in (0.0, 0.1):
        fitted = polynomial.fit_polynomial(sine.x[:, 0], sine.y, 7, ridge=ridge)
        result[f"polynomial ridge {ridge}"] = _floats(fitted.coefficients)
    grid = np.stack(np.meshgrid(np.linspace(-6, 6, 7), np.linspace(-6, 6, 7)), -1).reshape(-1, 2)
    result["knn classification"] = knn.knn_predict(circle.x, circle.y, grid, 5).tolist()
    result["knn regression"] = _floats(knn.knn_predict(circle.x, circle.y, grid, 7, task="regression"))
    grouped = kmeans.run(spiral.x, 4, seed=15)
    result["kmeans spreads"] = _floats([step.inertia for step in grouped[1:]])
    result["kmeans centres"] = _floats(grouped[-1].centres)
    rates = bandit.hidden_rates(6, seed=16)
    played = bandit.play(rates, 0.1, bandit.draw(500, 6, seed=16))
    result["bandit arms"] = played.arms.tolist()
    result["bandit regret"] = _floats(bandit.regret(rates, played.arms)[::50])
    logits = [4.2, 2.1, -1.3]
    for temperature in (0.0, 0.5, 1.0, 2.0):
        result[f"softmax T={temperature}"] = _floats(softmax.softmax(logits, temperature))
    result["entropy"] = [softmax.entropy(softmax.softmax(logits))]
    result["samples"] = softmax.sample(softmax.softmax(logits, 2.0), 200, seed=11).tolist()
    result["parameter counts"] = [scale.parameter_count(p.config) for p in scale.PRESETS.values()]
    text = "a model is a function with knobs. training turns the knobs until the output fits. " * 4
    vocabulary = language_model.Vocabulary.from_text(text)
    bigram = language_model.BigramModel.fit(vocabulary.encode(text), vocabulary)
    char_mlp = language_model.CharMLP(vocabulary, context=3, hidden=16, seed=12)
    result["char mlp losses"] = [epoch.loss for epoch in char_mlp.train(text, epochs=5, seed=13)]
    result["bigram loss"] = [bigram.loss(vocabulary.encode(text))]
    result["generated"] = language_model.generate(char_mlp, "a mod", 40, temperature=0.8, seed=14)
    return result
