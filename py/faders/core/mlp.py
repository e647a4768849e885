"""A multilayer perceptron: dense layers, each with its forward pass and its backward pass side by side.

Shapes: a batch x has one row per example, (n, n_in). A layer's weights W are (n_in, n_out) and its
bias b is (n_out,), so z = x·W + b is (n, n_out), one column per unit. Every matrix product goes
through the backend, so a faster engine can take over without changes here.

Initialisation (biases start at 0): weights are drawn according to the activation that follows them.
- relu: He normal, W ~ N(0, 2 / n_in). relu zeroes about half its inputs; doubling the variance
  keeps the signal's size from layer to layer.
- tanh, sigmoid, linear: Glorot (Xavier) uniform, W ~ U(−√(6 / (n_in + n_out)), +√(…)), variance
  2 / (n_in + n_out), which balances the size of the forward signal and of the backward gradient.
Layers are drawn first to last from one generator, so a seed fixes the whole network.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from faders.backend import NUMPY, Backend
from faders.core.activations import get_activation


def initial_weights(n_in: int, n_out: int, activation: str, rng: np.random.Generator) -> np.ndarray:
    """A fresh (n_in, n_out) weight matrix: He for relu, Glorot for every other activation."""
    if activation == "relu":
        return rng.normal(0.0, np.sqrt(2.0 / n_in), size=(n_in, n_out))
    limit = np.sqrt(6.0 / (n_in + n_out))
    return rng.uniform(-limit, limit, size=(n_in, n_out))


class Dense:
    """One fully connected layer: z = x·W + b, then a = f(z) elementwise."""

    def __init__(self, weights: np.ndarray, bias: np.ndarray, activation: str = "linear",
                 backend: Backend = NUMPY) -> None:
        self.weights = np.array(weights, dtype=float)  # always a copy: the layer owns its parameters
        self.bias = np.array(bias, dtype=float)
        if self.weights.ndim != 2 or self.bias.shape != (self.weights.shape[1],):
            raise ValueError(f"weights must be (n_in, n_out) and bias (n_out,); got "
                             f"{self.weights.shape} and {self.bias.shape}")
        self.activation = get_activation(activation)
        self.backend = backend
        self.grad_weights = np.zeros_like(self.weights)
        self.grad_bias = np.zeros_like(self.bias)
        self.input: np.ndarray | None = None
        self.pre_activation: np.ndarray | None = None

    @property
    def n_in(self) -> int:
        return self.weights.shape[0]

    @property
    def n_out(self) -> int:
        return self.weights.shape[1]

    def forward(self, x: np.ndarray) -> np.ndarray:
        """a = f(x·W + b), remembering x and z for the backward pass."""
        self.input = x
        self.pre_activation = self.backend.matmul(x, self.weights) + self.bias
        return self.activation.forward(self.pre_activation)

    def backward(self, grad_output: np.ndarray, input_gradient: bool = True) -> np.ndarray | None:
        """Given dL/da, store dL/dW and dL/db and return dL/dx (for the layer below).

        The first layer's dL/dx is a gradient for the data, which training never changes: pass
        input_gradient=False to skip that product (None is returned).
        """
        if self.activation.name == "linear":
            grad_z = grad_output  # f(z) = z: its derivative is 1
        else:
            grad_z = grad_output * self.activation.derivative(self.pre_activation)  # chain rule through f
        self.grad_weights = self.backend.matmul(self.input, grad_z, transpose_a=True)  # xᵀ·dL/dz
        self.grad_bias = grad_z.sum(axis=0)  # b is added to every example: sum their gradients
        if not input_gradient:
            return None
        return self.backend.matmul(grad_z, self.weights, transpose_b=True)  # dL/dz·Wᵀ

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The same output as `forward`, remembering nothing (for inference and pictures)."""
        return self.activation.forward(self.backend.matmul(x, self.weights) + self.bias)


class MLP:
    """A stack of Dense layers: layer_sizes [2, 8, 8, 1] means 2 inputs, two hidden layers of 8, 1 output.

    `activation` is one name for every hidden layer or a list with one name per hidden layer;
    the output layer uses `output_activation` ("linear" gives logits, as the cross-entropies need).
    `seed` is an int or a numpy Generator (which is then advanced).
    """

    def __init__(self, layer_sizes: Sequence[int], activation: str | Sequence[str] = "tanh",
                 output_activation: str = "linear", seed: int | np.random.Generator = 0,
                 backend: Backend = NUMPY) -> None:
        sizes = [int(size) for size in layer_sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"layer_sizes needs an input and an output size, all ≥ 1; got {sizes}")
        n_hidden = len(sizes) - 2
        hidden = [activation] * n_hidden if isinstance(activation, str) else list(activation)
        if len(hidden) != n_hidden:
            raise ValueError(f"{n_hidden} hidden layers need {n_hidden} activations; got {hidden}")
        rng = np.random.default_rng(seed)
        self.layers = [
            Dense(initial_weights(n_in, n_out, name, rng), np.zeros(n_out), name, backend)
            for n_in, n_out, name in zip(sizes[:-1], sizes[1:], [*hidden, output_activation], strict=True)
        ]

    @property
    def layer_sizes(self) -> list[int]:
        return [self.layers[0].n_in] + [layer.n_out for layer in self.layers]

    @property
    def hidden_activations(self) -> list[str]:
        return [layer.activation.name for layer in self.layers[:-1]]

    @property
    def output_activation(self) -> str:
        return self.layers[-1].activation.name

    def forward(self, x: np.ndarray) -> np.ndarray:
        """The output for a batch x of shape (n, n_in), each layer remembering what backward needs."""
        for layer in self.layers:
            x = layer.forward(x)
        return x

    def backward(self, grad_output: np.ndarray, input_gradient: bool = True) -> np.ndarray | None:
        """Backpropagate dL/d(output) from the last `forward`; returns dL/dx, leaves gradients() set.

        input_gradient=False skips dL/dx (training needs only the weights' gradients) and returns None.
        """
        grad: np.ndarray | None = grad_output
        for layer in reversed(self.layers):
            assert grad is not None
            grad = layer.backward(grad, input_gradient or layer is not self.layers[0])
        return grad

    def parameters(self) -> list[np.ndarray]:
        """[W₁, b₁, W₂, b₂, …]: the arrays themselves, which optimisers update in place."""
        return [p for layer in self.layers for p in (layer.weights, layer.bias)]

    def gradients(self) -> list[np.ndarray]:
        """[dL/dW₁, dL/db₁, …] from the last `backward`, in the order of `parameters()`."""
        return [g for layer in self.layers for g in (layer.grad_weights, layer.grad_bias)]

    @property
    def parameter_count(self) -> int:
        return sum(p.size for p in self.parameters())

    def predict(self, x: np.ndarray) -> np.ndarray:
        """The output for x of shape (n, n_in), without touching what backward will use."""
        x = np.asarray(x, dtype=float)
        for layer in self.layers:
            x = layer.predict(x)
        return x

    def hidden_outputs(self, x: np.ndarray) -> list[np.ndarray]:
        """Every layer's activations for x: one (n, units) array per hidden layer, then the output.

        Column j of a hidden layer's array is unit j's output at each point: a per-neuron map.
        """
        x = np.asarray(x, dtype=float)
        outputs = []
        for layer in self.layers:
            x = layer.predict(x)
            outputs.append(x)
        return outputs

    def to_dict(self) -> dict[str, Any]:
        """Everything needed to rebuild this network, as plain lists and strings (JSON-able)."""
        return {
            "layer_sizes": self.layer_sizes,
            "activations": self.hidden_activations,
            "output_activation": self.output_activation,
            "weights": [layer.weights.tolist() for layer in self.layers],
            "biases": [layer.bias.tolist() for layer in self.layers],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], backend: Backend = NUMPY) -> MLP:
        """The network that `to_dict` described, with exactly its weights."""
        model = cls(data["layer_sizes"], data["activations"], data["output_activation"], backend=backend)
        for layer, weights, bias in zip(model.layers, data["weights"], data["biases"], strict=True):
            layer.weights = np.array(weights, dtype=float).reshape(layer.weights.shape)
            layer.bias = np.array(bias, dtype=float).reshape(layer.bias.shape)
        return model

    def copy(self) -> MLP:
        """An independent network with the same weights (training one leaves the other alone)."""
        return MLP.from_dict(self.to_dict(), backend=self.layers[0].backend)
