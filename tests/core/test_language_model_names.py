"""faders.core.language_model on names: the seeded split, each name read on its own, one update,
and the gradient it follows checked against finite differences; the shipped corpus itself."""

from __future__ import annotations

import numpy as np

from faders.core.gradcheck import numerical_gradient, relative_error
from faders.core.language_model import (
    BigramModel,
    CharMLP,
    Vocabulary,
    context_windows,
    name_windows,
    names_text,
    one_hot_windows,
    split_names,
)
from faders.core.losses import cross_entropy
from faders.core.optimizers import Adam
from faders.core.training import loss_and_gradients
from faders.data import first_names

NAMES = ["emma", "olivia", "ava", "mia", "zoe", "ida"]
VOCABULARY = Vocabulary.from_text(names_text(NAMES))


def test_the_shipped_corpus_is_lower_case_first_names_each_once() -> None:
    names = first_names()
    assert len(names) == 5163 and len(set(names)) == len(names)
    assert names[:3] == ("mary", "patricia", "linda")
    assert set("".join(names)) == set("abcdefghijklmnopqrstuvwxyz")


def test_the_split_is_seeded_disjoint_and_complete() -> None:
    train, validation = split_names(NAMES, 1 / 3, seed=4)
    assert (train, validation) == split_names(NAMES, 1 / 3, seed=4)
    assert len(validation) == 2 and sorted(train + validation) == sorted(NAMES)
    assert split_names(NAMES, 1 / 3, seed=5) != (train, validation)


def test_names_text_puts_a_space_around_every_name() -> None:
    assert names_text(["ab", "c"]) == " ab c "
    assert VOCABULARY.characters == " adeilmovz"


def test_with_context_1_the_windows_are_the_pairs_of_the_text() -> None:
    windows, following = name_windows(NAMES, VOCABULARY, 1)
    pairs_windows, pairs_following = context_windows(VOCABULARY.encode(names_text(NAMES)), 1)
    assert np.array_equal(windows, pairs_windows) and np.array_equal(following, pairs_following)


def test_each_name_is_padded_on_its_own_and_ends_with_a_space() -> None:
    windows, following = name_windows(["ava"], VOCABULARY, 3)
    assert [VOCABULARY.decode(w) for w in windows] == ["   ", "  a", " av", "ava"]
    assert VOCABULARY.decode(following) == "ava "


def test_the_bigram_counts_equal_a_count_by_hand() -> None:
    model = BigramModel.fit(names_text(NAMES), VOCABULARY)
    text = names_text(NAMES)
    for a, first in enumerate(VOCABULARY.characters):
        for b, second in enumerate(VOCABULARY.characters):
            by_hand = sum(text[i:i + 2] == first + second for i in range(len(text) - 1))
            assert model.counts[a, b] == by_hand


def test_the_gradient_of_the_windows_loss_matches_finite_differences() -> None:
    model = CharMLP(VOCABULARY, context=2, hidden=5, seed=1)
    windows, following = name_windows(NAMES, VOCABULARY, 2)
    x = one_hot_windows(windows, VOCABULARY.size)
    loss_and_gradients(model.network, x, following, loss="cross_entropy")
    for parameter, gradient in zip(model.network.parameters(), model.network.gradients(), strict=True):
        numerical = numerical_gradient(lambda _: model.windows_loss(windows, following), parameter)
        assert relative_error(gradient, numerical) < 1e-6
    assert model.windows_loss(windows, following) == cross_entropy(model.network.predict(x), following)[0]


def test_updates_repeat_with_a_seed_and_lower_the_loss() -> None:
    def run() -> tuple[float, np.ndarray]:
        model = CharMLP(VOCABULARY, context=3, hidden=16, seed=0)
        windows, following = name_windows(NAMES, VOCABULARY, 3)
        optimizer, rng = Adam(learning_rate=0.02), np.random.default_rng(0)
        before = model.windows_loss(windows, following)
        for _ in range(200):
            model.update(windows, following, optimizer, rng, batch_size=8)
        assert model.windows_loss(windows, following) < before / 2
        return model.windows_loss(windows, following), model.network.parameters()[0].copy()

    (loss_a, weights_a), (loss_b, weights_b) = run(), run()
    assert loss_a == loss_b and np.array_equal(weights_a, weights_b)


def test_the_windows_equal_those_of_each_name_read_alone() -> None:
    names = ["", "a", "emma", "olivia", "zoe"]
    for context in (1, 2, 3, 8):
        padding = VOCABULARY.characters[VOCABULARY.padding_id] * context
        alone = [context_windows(VOCABULARY.encode(padding + name + " "), context) for name in names]
        windows, following = name_windows(names, VOCABULARY, context)
        assert np.array_equal(windows, np.concatenate([w for w, _ in alone]))
        assert np.array_equal(following, np.concatenate([f for _, f in alone]))
        assert windows.shape == (sum(len(name) + 1 for name in names), context)
