"""The glossary: every term the course teaches, a line each in our own words, and where to touch it.

Each term links to a lesson at a place (a section its view marks with kit.places.place) with the
settings that show the idea, as a link the reader can follow: lessons/<slug>.html?<settings>#<place>.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlencode

from faders.lessons import LESSON_CLASSES


@dataclass(frozen=True)
class Term:
    name: str
    definition: str
    lesson: str
    place: str
    settings: dict[str, str] = field(default_factory=dict)
    # Other ways the prose writes it (plurals and the like are found without being listed).
    forms: tuple[str, ...] = ()
    # Lessons whose prose uses the word in another sense (not linked there).
    not_in: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        """The term's id on the glossary page."""
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")

    def link(self) -> str:
        """The lesson at the term's place and settings, relative to the site's root."""
        query = urlencode(self.settings, safe=",:")
        return f"lessons/{self.lesson}.html" + (f"?{query}" if query else "") + f"#{self.place}"


TERMS: tuple[Term, ...] = (
    Term("model", "A function with knobs that turns an input into an answer; training sets the knobs.",
         "function", "hand"),
    Term("function", "A rule that gives exactly one output for each input: here, pred = w·x + b.",
         "function", "hand", {"w": "2", "b": "1"}),
    Term("parameter",
         "One of a model's knobs, set by training rather than by you; a large model has billions.",
         "function", "hand", {"w": "1.5"}),
    Term("weight", "A parameter that multiplies an input: how strongly that input pushes the answer.",
         "function", "hand", {"w": "3"}),
    Term("bias", "A parameter added on at the end, whatever the input: it shifts the answer up or down.",
         "function", "hand", {"b": "2"}, not_in=("bias-variance",)),  # there: bias as in bias–variance
    Term("feature", "One number the model reads about each example, such as x, y or x times y.",
         "network", "features", {"features": "x,y,xy"}),
    Term("logit", "A raw score a model gives each possible answer, before it becomes a probability.",
         "logits", "logits"),
    Term("softmax", "Turns a list of logits into probabilities that are all positive and add up to 1.",
         "logits", "softmax"),
    Term("temperature", "Divides the logits before softmax: low sharpens the choice, high evens it out.",
         "logits", "temperature", {"t": "2"}),
    Term("top-k", "Keeps only the k likeliest answers and shares their probability among them.",
         "logits", "top-k", {"k": "2"}),
    Term("sampling", "Picking an answer at random, each with its probability, instead of always the top one.",
         "logits", "drawing", {"n": "100"}, ("sample", "samples", "drawn at random")),
    Term("seed", "The number that starts a random sequence: the same seed repeats the same draws.",
         "logits", "seed", {"seed": "42"}),
    Term("deterministic", "Always the same output for the same input, as at temperature 0.",
         "logits", "temperature", {"t": "0"}),
    Term("probabilistic",
         "Gives a spread of possible outputs with chances, so one run can differ from the next.",
         "logits", "drawing", {"t": "1", "n": "10"}),
    Term("statistical", "About many draws at once: their shares settle near the probabilities.",
         "logits", "drawing", {"n": "10000"}),
    Term("training", "Turning the knobs a little at a time so the model's outputs fit the data better.",
         "function", "training", forms=("trains", "trained")),
    Term("inference", "Using a trained model: one forward pass on a new input, with the knobs frozen.",
         "function", "inference", {"x": "10"}),
    Term("forward pass", "Running the input through the model to get its output with the current knobs.",
         "function", "loop"),
    Term("loss", "One number that says how wrong the model is on the data; training pushes it down.",
         "function", "surface"),
    Term("gradient", "Which way, and how steeply, the loss changes as each knob turns.",
         "function", "loop"),
    Term("gradient descent",
         "Training by stepping every knob a little against its gradient, again and again.",
         "function", "training", {"steps": "1000"}),
    Term("backpropagation",
         "Working out every weight's gradient by passing the error backwards layer by layer.",
         "network", "curve", {"fwidth": "4"}),
    Term("learning rate",
         "How big each training step is: too small crawls, too large overshoots and diverges.",
         "function", "learning-rate", {"lr": "0.2"}),
    Term("hyperparameter",
         "A setting you choose before training, such as the learning rate; training never turns it.",
         "function", "training", {"lr": "0.05", "steps": "200"}),
    Term("epoch", "One full pass of training over every training example.",
         "network", "output", {"epochs": "100"}),
    Term("batch", "The handful of examples used for one training step; its size is a hyperparameter.",
         "network", "data", {"batch": "5"}, ("batch size",)),
    Term("overfitting", "Fitting the training points, noise and all, so closely that new points are missed.",
         "bias-variance", "fit", {"degree": "15"}, ("overfits", "overfit")),
    Term("underfitting", "A model too simple to follow the pattern, wrong on training and new points alike.",
         "bias-variance", "fit", {"degree": "0"}, ("underfits", "underfit")),
    Term("bias–variance", "Test error splits into bias (too simple), variance (too jumpy) and noise.",
         "bias-variance", "resample", {"degree": "9"}, ("bias and variance", "bias-variance")),
    Term("regularisation", "A penalty on large weights that keeps a flexible model calmer.",
         "bias-variance", "capacity", {"degree": "15", "ridge": "1", "lam": "0.01"},
         ("regularization", "ridge penalty")),
    Term("parametric", "Keeps a fixed set of numbers learned from the data; the data can then go.",
         "knn", "keep"),
    Term("non-parametric", "Keeps the training data itself and looks it up at each prediction.",
         "knn", "maps", {"k": "1"}),
    Term("token",
         "The unit a language model reads and writes: here one character, in big models a word piece.",
         "language-model", "generating"),
    Term("language model", "A model that scores every possible next token given the ones before it.",
         "language-model", "counting"),
    Term("FLOPs",
         "Floating-point operations, the arithmetic a model costs: about 6·N·D to train, 2·N a token to use.",
         "scale", "compute"),
    Term("GPU", "A chip that does thousands of multiply-adds at once, the work of matrix products.",
         "gpus", "benchmark", forms=("GPUs",)),
    Term("precision (fp32/bf16/int8)",
         "How many bits store each number: fewer bits, less memory, coarser values.",
         "scale", "memory", forms=("precision", "fp32", "bf16", "int8")),
    # A few more the lessons use.
    Term("neural network",
         "Layers of weighted sums, each bent by an activation, that can fit almost any curve.",
         "network", "curve", {"fwidth": "8"}, ("neural networks", "network")),
    Term("k nearest neighbours", "Answers for a new point by a vote of the k stored points nearest to it.",
         "knn", "maps", {"k": "15"}, ("kNN",)),
    # Three ways to learn.
    Term("supervised", "Learning from examples that come with the right answer, such as labelled points.",
         "kinds", "supervised", forms=("supervised learning",)),
    Term("unsupervised", "Finding structure in examples with no answers given, such as clusters.",
         "kinds", "unsupervised", {"step": "4"}, ("unsupervised learning",)),
    Term("reinforcement", "Learning from rewards alone, by trying actions and keeping what pays.",
         "kinds", "reinforcement", {"eps": "0.1"}, ("reinforcement learning",)),
    # Before you ship.
    Term("weights released / open weights", "The trained parameters published as files anyone can run.",
         "ship", "weights-released", forms=("open weights", "weights released", "released weights")),
    Term("fine-tuning",
         "Training released weights a little further on your own data instead of from scratch.",
         "ship", "fine-tuning", forms=("fine-tune", "fine-tuned")),
)

def terms() -> list[Term]:
    """The glossary as shown: every term whose lesson is registered, in alphabetical order."""
    shown = [term for term in TERMS if term.lesson in LESSON_CLASSES]
    return sorted(shown, key=lambda term: term.name.lower())
