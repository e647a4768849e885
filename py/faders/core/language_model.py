"""A character-level language model: read a few characters, output logits for the next one.

Two models share one interface (`vocabulary`, `context`, `next_logits(ids)`), so `generate` runs either:
- `BigramModel`: a table of how often each character follows each other one, smoothed (add-α).
- `CharMLP`: an MLP that reads the last `context` characters, one-hot encoded, and outputs one
  logit per character of the vocabulary, trained by faders.core.training with cross-entropy and Adam.

Conventions:
- Characters become ids 0 … V−1 in sorted order (`Vocabulary`).
- Training and `loss` use full windows only: the first `context` characters of a text are read as
  context but never predicted. A loss is the mean negative log-likelihood in nats.
- A prompt shorter than the context is padded on the left with `Vocabulary.padding_id`: the space
  if the vocabulary has one, else its first character. Padding is read, never returned.
- Every random draw takes a seed (an int) or a numpy Generator.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from faders.core.losses import cross_entropy
from faders.core.mlp import MLP
from faders.core.optimizers import Adam, Optimizer
from faders.core.softmax import sample, softmax
from faders.core.training import Epoch, train, train_step

Seed = int | np.random.Generator


@dataclass(frozen=True)
class Vocabulary:
    """The distinct characters of a text, sorted: character i has id i."""

    characters: str

    def __post_init__(self) -> None:
        if not self.characters or list(self.characters) != sorted(set(self.characters)):
            raise ValueError("a vocabulary needs at least one character, each once, in sorted order")

    @classmethod
    def from_text(cls, text: str) -> Vocabulary:
        return cls("".join(sorted(set(text))))

    @property
    def size(self) -> int:
        return len(self.characters)

    @property
    def padding_id(self) -> int:
        """What pads a short prompt on the left: the space if there is one, else the first character."""
        return self.characters.index(" ") if " " in self.characters else 0

    def encode(self, text: str) -> np.ndarray:
        """The id of each character of `text`; ValueError naming the first one not in the vocabulary."""
        codes = np.array([ord(c) for c in self.characters])
        text_codes = np.fromiter(map(ord, text), dtype=int, count=len(text))
        # The characters are sorted, so a binary search finds every id at once.
        ids = np.minimum(np.searchsorted(codes, text_codes), self.size - 1)
        unknown = np.flatnonzero(codes[ids] != text_codes)
        if unknown.size:
            raise ValueError(f"character {text[unknown[0]]!r} is not in the vocabulary {self.characters!r}")
        return ids

    def decode(self, ids: Sequence[int] | np.ndarray) -> str:
        """The text whose characters have these ids."""
        ids = check_ids(ids, self.size)
        return "".join(self.characters[i] for i in ids)


def check_ids(ids: Sequence[int] | np.ndarray, vocabulary_size: int) -> np.ndarray:
    """ids as a 1-D integer array, each 0 … vocabulary_size − 1, or a ValueError saying what is wrong."""
    ids = np.asarray(ids)
    if ids.ndim != 1 or (ids.size and not np.issubdtype(ids.dtype, np.integer)):
        raise ValueError(f"ids must be a 1-D list of whole numbers; got shape {ids.shape}, type {ids.dtype}")
    if ids.size and (ids.min() < 0 or ids.max() >= vocabulary_size):
        raise ValueError(f"ids must be 0 … {vocabulary_size - 1}; got {ids.min()} … {ids.max()}")
    return ids.astype(np.intp)


def as_ids(vocabulary: Vocabulary, text_or_ids: str | Sequence[int] | np.ndarray) -> np.ndarray:
    """A text encoded with `vocabulary`, or ids checked against it."""
    if isinstance(text_or_ids, str):
        return vocabulary.encode(text_or_ids)
    return check_ids(text_or_ids, vocabulary.size)


def is_count(value: object, least: int) -> bool:
    """True for a whole number (not a bool) ≥ least."""
    return isinstance(value, int | np.integer) and not isinstance(value, bool) and value >= least


def check_context(context: int) -> int:
    if not is_count(context, 1):
        raise ValueError(f"context must be a whole number of characters ≥ 1; got {context!r}")
    return int(context)


def context_windows(ids: Sequence[int] | np.ndarray, context: int) -> tuple[np.ndarray, np.ndarray]:
    """Every full window of `context` ids, x (n, context), and the id that follows each, y (n,).

    x[i] = ids[i : i + context] and y[i] = ids[i + context], so n = len(ids) − context: the first
    `context` ids are read but never predicted. A text that has no full window is a ValueError.
    """
    context = check_context(context)
    ids = np.asarray(ids)
    if ids.ndim != 1:
        raise ValueError(f"ids must be a 1-D list; got shape {ids.shape}")
    if len(ids) <= context:
        raise ValueError(f"a context of {context} needs at least {context + 1} characters; got {len(ids)}")
    # A window over all but the last id: row i is a view of ids[i : i + context], nothing is copied.
    return sliding_window_view(ids[:-1], context), ids[context:]


def last_context(ids: Sequence[int] | np.ndarray, context: int, padding_id: int) -> np.ndarray:
    """The last `context` ids, padded on the left with `padding_id` when there are fewer."""
    ids = np.asarray(ids, dtype=np.intp)[-context:]
    return np.concatenate([np.full(context - len(ids), padding_id, dtype=np.intp), ids])


class LanguageModel(Protocol):
    """What `generate` needs: a vocabulary, a context length and logits for the next character."""

    vocabulary: Vocabulary

    @property
    def context(self) -> int: ...

    def next_logits(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Logits (V,) for the character after `ids` (any length, even 0: short ones are padded)."""
        ...


# --- Bigram: counting ------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class BigramModel:
    """P(next | previous) = (count(previous, next) + α) / (count(previous) + α·V).

    Add-α smoothing gives a pair never seen a small share, so no character has probability 0.
    """

    vocabulary: Vocabulary
    counts: np.ndarray  # counts[a, b]: how often b follows a
    smoothing: float = 1.0
    context = 1

    @classmethod
    def fit(cls, ids: Sequence[int] | np.ndarray, vocabulary: Vocabulary,
            smoothing: float = 1.0) -> BigramModel:
        """Count every pair of neighbouring characters in `ids` (or in a text)."""
        if not smoothing > 0:
            raise ValueError(f"smoothing must be > 0 (0 gives unseen pairs probability 0); got {smoothing}")
        previous, following = context_windows(as_ids(vocabulary, ids), 1)
        size = vocabulary.size
        # Pair (a, b) is cell a·V + b of the flattened table: one bincount counts them all.
        counts = np.bincount(previous[:, 0] * size + following, minlength=size * size)
        return cls(vocabulary, counts.reshape(size, size).astype(float), float(smoothing))

    @property
    def probabilities(self) -> np.ndarray:
        """The (V, V) table P(next = b | previous = a); each row sums to 1."""
        smoothed = self.counts + self.smoothing
        return smoothed / smoothed.sum(axis=1, keepdims=True)

    @property
    def parameter_count(self) -> int:
        return self.counts.size  # one number per (previous, next) pair

    def logits(self, previous_id: int) -> np.ndarray:
        """log P(next | previous_id): logits that softmax turns back into the smoothed probabilities."""
        return np.log(self.probabilities[previous_id])

    def next_logits(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        return self.logits(last_context(ids, 1, self.vocabulary.padding_id)[0])

    def loss(self, ids: Sequence[int] | np.ndarray) -> float:
        """Mean −log P(next | previous) over every pair of neighbours, in nats."""
        previous, following = context_windows(as_ids(self.vocabulary, ids), 1)
        return float(-np.mean(np.log(self.probabilities[previous[:, 0], following])))


# --- A small MLP over the last few characters --------------------------------------------------------


def one_hot_windows(windows: np.ndarray, vocabulary_size: int) -> np.ndarray:
    """(n, context) ids → (n, context·V) zeros with a 1 at position p·V + id for each slot p."""
    windows = np.atleast_2d(windows)
    n, context = windows.shape
    encoded = np.zeros((n, context * vocabulary_size))
    columns = windows + np.arange(context) * vocabulary_size  # slot p owns columns p·V … p·V + V − 1
    encoded[np.arange(n)[:, None], columns] = 1.0
    return encoded


class CharMLP:
    """An MLP [context·V, hidden, V] with tanh: the last `context` characters in, next-character logits out.

    The embedding: a one-hot input times the first weight matrix W₁ just picks and adds rows of W₁,
    one per slot. So W₁, viewed as (context, V, hidden), is a table of one learned vector per
    character per slot (`embeddings`); the one-hot product is that lookup written as a matrix product.
    """

    def __init__(self, vocabulary: Vocabulary, context: int = 3, hidden: int = 32, seed: Seed = 0) -> None:
        if vocabulary.size < 2:
            raise ValueError("a character model needs at least 2 distinct characters to choose between")
        self.vocabulary = vocabulary
        self._context = check_context(context)
        size = vocabulary.size
        self.network = MLP([self._context * size, hidden, size], activation="tanh", seed=seed)

    @property
    def context(self) -> int:
        return self._context

    @property
    def parameter_count(self) -> int:
        return self.network.parameter_count

    @property
    def embeddings(self) -> np.ndarray:
        """W₁ as (context, V, hidden): row [p, c] is what character c in slot p adds to the hidden layer."""
        return self.network.layers[0].weights.reshape(self.context, self.vocabulary.size, -1)

    def examples(self, text_or_ids: str | Sequence[int] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """One-hot windows x (n, context·V) and next-character labels y (n,) for a text."""
        windows, following = context_windows(as_ids(self.vocabulary, text_or_ids), self.context)
        return one_hot_windows(windows, self.vocabulary.size), following

    def train(self, text_or_ids: str | Sequence[int] | np.ndarray, epochs: int, batch_size: int = 32,
              learning_rate: float = 0.01, seed: Seed = 0) -> Iterator[Epoch]:
        """Train with cross-entropy and Adam, yielding an Epoch (its mean loss in nats) after each epoch.

        A generator: nothing trains until it is iterated. Each call continues from the current
        weights with a fresh Adam; `seed` fixes the order of the mini-batches.
        """
        x, y = self.examples(text_or_ids)
        optimizer = Adam(learning_rate=learning_rate)
        yield from train(self.network, x, y, epochs, optimizer, batch_size, loss="cross_entropy", seed=seed)

    def logits(self, context_ids: Sequence[int] | np.ndarray) -> np.ndarray:
        """Next-character logits: (V,) for one window of `context` ids, (n, V) for n windows."""
        windows = np.asarray(context_ids)
        if windows.shape[-1:] != (self.context,) or windows.ndim > 2:
            raise ValueError(f"context_ids must have shape ({self.context},) or (n, {self.context}); "
                             f"got {windows.shape}")
        windows = check_ids(windows.reshape(-1), self.vocabulary.size).reshape(windows.shape)
        logits = self.network.predict(one_hot_windows(windows, self.vocabulary.size))
        return logits[0] if windows.ndim == 1 else logits

    def next_logits(self, ids: Sequence[int] | np.ndarray) -> np.ndarray:
        return self.logits(last_context(ids, self.context, self.vocabulary.padding_id))

    def loss(self, text_or_ids: str | Sequence[int] | np.ndarray) -> float:
        """Mean −log P(next | previous `context` characters) over every full window, in nats."""
        x, y = self.examples(text_or_ids)
        return cross_entropy(self.network.predict(x), y)[0]

    def windows_loss(self, windows: np.ndarray, following: np.ndarray) -> float:
        """Mean −log P(following | window) over windows (n, context) of ids, in nats."""
        return cross_entropy(self.logits(windows), np.asarray(following))[0]

    def update(self, windows: np.ndarray, following: np.ndarray, optimizer: Optimizer,
               rng: np.random.Generator, batch_size: int = 32) -> float:
        """One step of training on `batch_size` windows drawn at random: forward, loss, backward,
        update. Returns the batch's loss before the update, in nats."""
        batch = rng.integers(0, len(windows), batch_size)
        x = one_hot_windows(windows[batch], self.vocabulary.size)
        return train_step(self.network, optimizer, x, following[batch], loss="cross_entropy")[0]


# --- Names as data: one name a line, each read on its own ------------------------------------------

BOUNDARY = " "  # what comes before and after every name, as "." does in makemore


def split_names(names: Sequence[str], validation_share: float = 0.1,
                seed: Seed = 0) -> tuple[list[str], list[str]]:
    """The names shuffled with `seed` and cut in two: (training, validation), the validation set
    round(share · n) names (at least one, and at least one left to train on)."""
    if len(names) < 2 or not 0 < validation_share < 1:
        raise ValueError("a split needs at least 2 names and a validation share between 0 and 1")
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    order = rng.permutation(len(names))
    held_out = min(max(1, round(validation_share * len(names))), len(names) - 1)
    return [names[i] for i in order[held_out:]], [names[i] for i in order[:held_out]]


def names_text(names: Sequence[str]) -> str:
    """The names as one text, each between spaces: " emma olivia ". Its pairs of neighbours are the
    bigram's data: (" ", "e") starts a name, ("a", " ") ends one."""
    return BOUNDARY + BOUNDARY.join(names) + BOUNDARY


def name_windows(names: Sequence[str], vocabulary: Vocabulary, context: int) -> tuple[np.ndarray, np.ndarray]:
    """Every window of `context` ids (n, context) and the id that follows it (n,), each name read on
    its own: padded on the left with `context` spaces, ended by one. Each name of L letters gives
    L + 1 windows (its letters and its end), so with context 1 they are the pairs of names_text."""
    context = check_context(context)
    padding = vocabulary.characters[vocabulary.padding_id] * context
    # All the padded names in one text, encoded at once; a window may not start so late in one
    # name's stretch that it reaches into the next.
    ids = vocabulary.encode("".join(padding + name + BOUNDARY for name in names))
    stretch = np.array([context + len(name) + 1 for name in names], dtype=np.intp)
    stretch_start = np.repeat(np.cumsum(stretch) - stretch, stretch)
    offset = np.arange(len(ids)) - stretch_start
    starts = np.flatnonzero(offset < np.repeat(stretch - context, stretch))
    return sliding_window_view(ids, context)[starts], ids[starts + context]


# --- Using a model: next-character probabilities and generation ------------------------------------


def prompt_logits(model: LanguageModel, prompt: str) -> np.ndarray:
    """The model's output for a prompt: one logit per character of the vocabulary."""
    return model.next_logits(model.vocabulary.encode(prompt))


def next_character_probabilities(model: LanguageModel, prompt: str, temperature: float = 1.0,
                                 top_k: int | None = None) -> np.ndarray:
    """P(next character | prompt) over the vocabulary, after temperature and top-k."""
    return softmax(prompt_logits(model, prompt), temperature, top_k)


def check_generation(length: int, temperature: float, top_k: int | None) -> None:
    """Fail before any work, even when length is 0, with a message that names the bad setting."""
    if not is_count(length, 0):
        raise ValueError(f"length must be a whole number of characters ≥ 0; got {length!r}")
    if not float(temperature) >= 0 or np.isinf(temperature):
        raise ValueError(f"temperature must be 0 or more (0 means always the likeliest); got {temperature}")
    if top_k is not None and not is_count(top_k, 1):
        raise ValueError(f"top_k must be a whole number ≥ 1 or None; got {top_k!r}")


def generate(model: LanguageModel, prompt: str, length: int, temperature: float = 1.0,
             top_k: int | None = None, seed: Seed = 0) -> str:
    """`length` new characters after `prompt` (the prompt itself is not returned).

    Each step: logits for the next character, softmax with temperature and top-k, one seeded draw,
    append, repeat. Temperature 0 always takes the likeliest character (argmax), as top_k=1 does.
    """
    steps = generation_steps(model, prompt, length, temperature, top_k, seed)
    return model.vocabulary.decode([step.drawn for step in steps])


@dataclass(frozen=True)
class GenerationStep:
    """One generated character: the distribution it was drawn from and the id drawn."""

    probabilities: np.ndarray  # (V,), after temperature and top-k
    drawn: int


def generation_steps(model: LanguageModel, prompt: str, length: int, temperature: float = 1.0,
                     top_k: int | None = None, seed: Seed = 0) -> list[GenerationStep]:
    """What `generate` does, step by step: each new character with the distribution it came from."""
    check_generation(length, temperature, top_k)
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    ids = list(model.vocabulary.encode(prompt))
    steps = []
    for _ in range(length):
        probabilities = softmax(model.next_logits(ids), temperature, top_k)
        ids.append(int(sample(probabilities, 1, rng)[0]))
        steps.append(GenerationStep(probabilities, ids[-1]))
    return steps
