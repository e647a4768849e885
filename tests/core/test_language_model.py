"""faders.core.language_model: vocabulary, windows, a bigram counted by hand, a trained MLP, generation."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from faders.core.language_model import (
    BigramModel,
    CharMLP,
    Vocabulary,
    context_windows,
    generate,
    last_context,
    next_character_probabilities,
    one_hot_windows,
    prompt_logits,
)
from faders.core.softmax import softmax

# The next character often depends on more than one before it: after "t", "h" or "." or " " can
# follow, while after " th" it is always "e". A context of 3 can learn what a bigram cannot.
CORPUS = "the cat sat on the mat. the rat ate the hat. a bat saw the cat. " * 6
VOCABULARY = Vocabulary.from_text(CORPUS)


@pytest.fixture(scope="module")
def trained() -> tuple[CharMLP, list[float]]:
    """A CharMLP (context 3, 32 hidden units) after 20 seeded epochs on CORPUS: about 0.1 s in CPython."""
    model = CharMLP(VOCABULARY, context=3, hidden=32, seed=0)
    epochs = model.train(CORPUS, epochs=20, batch_size=32, learning_rate=0.02, seed=0)
    losses = [epoch.loss for epoch in epochs]
    return model, losses


# --- Vocabulary --------------------------------------------------------------------------------------


def test_vocabulary_is_the_sorted_distinct_characters() -> None:
    vocabulary = Vocabulary.from_text("hello world")
    assert vocabulary.characters == " dehlorw"
    assert vocabulary.size == 8
    assert vocabulary.encode("hello").tolist() == [3, 2, 4, 4, 5]
    assert vocabulary.decode([3, 2, 4, 4, 5]) == "hello"
    assert vocabulary.padding_id == 0  # the space
    assert Vocabulary.from_text("cab").padding_id == 0  # no space: the first character, "a"
    assert VOCABULARY.characters == " .abcehmnorstw"


@given(st.text(min_size=1, max_size=50))
def test_encode_then_decode_gives_the_text_back(text: str) -> None:
    vocabulary = Vocabulary.from_text(text)
    ids = vocabulary.encode(text)
    assert ids.min() >= 0 and ids.max() < vocabulary.size
    assert vocabulary.decode(ids) == text


def test_encoding_a_character_outside_the_vocabulary_names_it() -> None:
    with pytest.raises(ValueError, match="character 'z' is not in the vocabulary"):
        Vocabulary.from_text("abc").encode("abzc")
    with pytest.raises(ValueError, match="character '~' is not in"):
        Vocabulary.from_text("abc").encode("~")  # beyond the last character too
    with pytest.raises(ValueError, match=r"ids must be 0 … 2; got 0 … 3"):
        Vocabulary.from_text("abc").decode([0, 3])
    with pytest.raises(ValueError, match="at least one character"):
        Vocabulary.from_text("")


# --- Context windows ---------------------------------------------------------------------------------


def test_context_windows_by_hand() -> None:
    x, y = context_windows([5, 6, 7, 8, 9], 2)
    assert x.tolist() == [[5, 6], [6, 7], [7, 8]]
    assert y.tolist() == [7, 8, 9]
    x, y = context_windows([5, 6], 1)
    assert x.tolist() == [[5]] and y.tolist() == [6]


def test_context_windows_need_a_full_window_and_a_positive_context() -> None:
    with pytest.raises(ValueError, match="a context of 3 needs at least 4 characters; got 3"):
        context_windows([1, 2, 3], 3)
    with pytest.raises(ValueError, match="context must be a whole number of characters ≥ 1; got 0"):
        context_windows([1, 2, 3], 0)


def test_short_prompts_are_padded_on_the_left() -> None:
    assert last_context([4, 5], 3, padding_id=0).tolist() == [0, 4, 5]
    assert last_context([], 2, padding_id=7).tolist() == [7, 7]
    assert last_context([1, 2, 3, 4], 2, padding_id=0).tolist() == [3, 4]


# --- Bigram ------------------------------------------------------------------------------------------


def test_bigram_counts_and_smoothed_probabilities_by_hand() -> None:
    # "ababa": pairs ab, ba, ab, ba. Counts [[a→a 0, a→b 2], [b→a 2, b→b 0]].
    vocabulary = Vocabulary.from_text("ab")
    model = BigramModel.fit(vocabulary.encode("ababa"), vocabulary, smoothing=1.0)
    assert model.counts.tolist() == [[0, 2], [2, 0]]
    # P(b | a) = (2 + 1) / (2 + 2·1) = 3/4.
    np.testing.assert_allclose(model.probabilities, [[0.25, 0.75], [0.75, 0.25]], rtol=0, atol=1e-15)
    half = BigramModel.fit("ababa", vocabulary, smoothing=0.5)
    np.testing.assert_allclose(half.probabilities[0], [0.5 / 3, 2.5 / 3], rtol=0, atol=1e-15)
    assert model.parameter_count == 4


def test_bigram_rows_sum_to_one_and_logits_give_them_back() -> None:
    model = BigramModel.fit(CORPUS, VOCABULARY)
    np.testing.assert_allclose(model.probabilities.sum(axis=1), np.ones(VOCABULARY.size), atol=1e-12)
    for previous in range(VOCABULARY.size):
        np.testing.assert_allclose(softmax(model.logits(previous)), model.probabilities[previous], atol=1e-12)
    # Each of the 6 sentences has "t" before: "h" 5 times (the), " " 4 (cat sat rat bat), "." 3
    # (mat. hat. cat.), "e" once (ate): 78 pairs in all, so P(h | t) = (30 + 1) / (78 + 14·1).
    t = VOCABULARY.encode("t")[0]
    after_t = dict(zip(VOCABULARY.characters, model.counts[t].tolist(), strict=True))
    assert {c: n for c, n in after_t.items() if n} == {"h": 30, " ": 24, ".": 18, "e": 6}
    assert model.probabilities[t, VOCABULARY.encode("h")[0]] == pytest.approx(31 / 92, rel=1e-12)


def test_bigram_loss_is_the_mean_negative_log_likelihood() -> None:
    model = BigramModel.fit("ababa", Vocabulary.from_text("ab"))
    assert model.loss("ababa") == pytest.approx(math.log(4 / 3), rel=1e-12)  # four pairs, each P = 3/4
    # "aab": P(a | a) = 1/4, P(b | a) = 3/4.
    assert model.loss("aab") == pytest.approx(-(math.log(0.25) + math.log(0.75)) / 2, rel=1e-12)
    assert BigramModel.fit(CORPUS, VOCABULARY).loss(CORPUS) == pytest.approx(1.18265, abs=1e-5)


def test_bigram_smoothing_must_be_positive() -> None:
    with pytest.raises(ValueError, match="smoothing must be > 0"):
        BigramModel.fit("abab", Vocabulary.from_text("ab"), smoothing=0)


# --- The MLP -----------------------------------------------------------------------------------------


def test_one_hot_puts_each_slot_in_its_own_block_of_columns() -> None:
    encoded = one_hot_windows(np.array([[0, 2], [1, 1]]), vocabulary_size=3)
    assert encoded.tolist() == [[1, 0, 0, 0, 0, 1], [0, 1, 0, 0, 1, 0]]


def test_the_first_layer_product_is_an_embedding_lookup() -> None:
    model = CharMLP(VOCABULARY, context=3, hidden=8, seed=1)
    window = VOCABULARY.encode("cat")
    product = one_hot_windows(window[None, :], VOCABULARY.size) @ model.network.layers[0].weights
    looked_up = sum(model.embeddings[slot, window[slot]] for slot in range(3))
    np.testing.assert_allclose(product[0], looked_up, atol=1e-12)


def test_parameter_count() -> None:
    v = VOCABULARY.size  # 14
    model = CharMLP(VOCABULARY, context=3, hidden=32)
    assert model.parameter_count == (3 * v) * 32 + 32 + 32 * v + v == 1838


def test_the_mlp_beats_uniform_and_bigram_on_text_with_longer_structure(trained) -> None:
    model, losses = trained
    uniform = math.log(VOCABULARY.size)  # 2.639
    bigram = BigramModel.fit(CORPUS, VOCABULARY).loss(CORPUS)  # 1.183
    assert len(losses) == 20
    assert losses[0] < uniform
    assert losses[-1] < 0.5 * losses[0]
    assert model.loss(CORPUS) < 0.35 < bigram < uniform
    # The windows "e c", " ca" have one continuation each in CORPUS, and the model knows it.
    assert generate(model, "the c", 2, temperature=0) == "at"


def test_training_repeats_with_a_seed() -> None:
    def run(seed: int) -> list[float]:
        model = CharMLP(VOCABULARY, context=2, hidden=8, seed=seed)
        return [epoch.loss for epoch in model.train(CORPUS, epochs=2, batch_size=16, seed=seed)]

    assert run(3) == run(3)
    assert run(3) != run(4)


def test_logits_take_one_window_or_many(trained) -> None:
    model, _ = trained
    windows, _ = context_windows(VOCABULARY.encode("the cat"), 3)
    many = model.logits(windows)
    assert many.shape == (4, VOCABULARY.size)
    np.testing.assert_allclose(model.logits(windows[1]), many[1], atol=1e-12)
    with pytest.raises(ValueError, match=r"context_ids must have shape \(3,\) or \(n, 3\)"):
        model.logits([1, 2])


# --- Generation --------------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["bigram", "mlp"])
def test_seeded_generation_repeats_and_stays_in_the_vocabulary(which: str, trained) -> None:
    model = BigramModel.fit(CORPUS, VOCABULARY) if which == "bigram" else trained[0]
    text = generate(model, "the ", 80, temperature=1.0, seed=7)
    assert len(text) == 80
    assert set(text) <= set(VOCABULARY.characters)
    assert generate(model, "the ", 80, temperature=1.0, seed=7) == text
    assert generate(model, "the ", 80, temperature=1.0, seed=8) != text


def greedy(model, prompt: str, length: int) -> str:
    """Always the largest logit, written out step by step."""
    ids = list(model.vocabulary.encode(prompt))
    for _ in range(length):
        ids.append(int(np.argmax(model.next_logits(ids))))
    return model.vocabulary.decode(ids[len(prompt):])


@pytest.mark.parametrize("which", ["bigram", "mlp"])
def test_temperature_zero_is_top_1_is_greedy_argmax(which: str, trained) -> None:
    model = BigramModel.fit(CORPUS, VOCABULARY) if which == "bigram" else trained[0]
    cold = generate(model, "a b", 30, temperature=0, seed=1)
    assert cold == generate(model, "a b", 30, temperature=0, seed=2)  # the seed no longer matters
    assert cold == generate(model, "a b", 30, temperature=1.0, top_k=1, seed=3)
    assert cold == greedy(model, "a b", 30)


def test_bigram_greedy_text_by_hand() -> None:
    # After " " the likeliest character is "t" (from "the"), after "t" it is "h", after "h" it is "e".
    assert generate(BigramModel.fit(CORPUS, VOCABULARY), " ", 6, temperature=0) == "the th"


def test_prompts_shorter_than_the_context_are_padded(trained) -> None:
    model, _ = trained
    np.testing.assert_allclose(prompt_logits(model, "t"), model.logits(VOCABULARY.encode("  t")), atol=1e-12)
    np.testing.assert_allclose(prompt_logits(model, ""), model.logits(VOCABULARY.encode("   ")), atol=1e-12)
    assert len(generate(model, "", 10, seed=0)) == 10
    with pytest.raises(ValueError, match="character 'z' is not in the vocabulary"):
        generate(model, "zebra", 5)


def test_next_character_probabilities_are_the_softmax_of_the_logits(trained) -> None:
    model, _ = trained
    p = next_character_probabilities(model, "the c")
    assert p.shape == (VOCABULARY.size,)
    assert p.sum() == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(p, softmax(prompt_logits(model, "the c")), atol=1e-15)
    assert VOCABULARY.characters[int(np.argmax(p))] == "a"
    assert p[VOCABULARY.encode("a")[0]] > 0.9
    top2 = next_character_probabilities(model, "the c", temperature=2.0, top_k=2)
    assert np.count_nonzero(top2) == 2
    bigram = BigramModel.fit(CORPUS, VOCABULARY)
    t = VOCABULARY.encode("t")[0]
    after_t = bigram.probabilities[t]
    np.testing.assert_allclose(next_character_probabilities(bigram, "cat"), after_t, atol=1e-12)


def test_bad_settings_raise_clear_errors(trained) -> None:
    model, _ = trained
    with pytest.raises(ValueError, match="length must be a whole number of characters ≥ 0; got -1"):
        generate(model, "the", -1)
    with pytest.raises(ValueError, match="temperature must be 0 or more"):
        generate(model, "the", 0, temperature=-0.5)  # checked even when nothing would be generated
    with pytest.raises(ValueError, match="top_k must be a whole number ≥ 1 or None; got 0"):
        generate(model, "the", 5, top_k=0)
    with pytest.raises(ValueError, match="context must be a whole number of characters ≥ 1; got 0"):
        CharMLP(VOCABULARY, context=0)
    with pytest.raises(ValueError, match="at least 2 distinct characters"):
        CharMLP(Vocabulary.from_text("aaaa"))
    assert generate(model, "the", 0) == ""
