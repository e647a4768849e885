"""faders.core.softmax against values computed by hand with math.exp, and its properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from faders.core import softmax as sm

LESSON_LOGITS = [4.2, 2.1, -1.3]  # cat, dog, car


def by_hand(logits: list[float], temperature: float = 1.0) -> list[float]:
    """Softmax straight from its definition, for logits small enough not to overflow."""
    terms = [math.exp(z / temperature) for z in logits]
    return [term / sum(terms) for term in terms]


# --- Known values ---------------------------------------------------------------------------------


def test_lesson_logits_match_the_definition() -> None:
    p = sm.softmax(LESSON_LOGITS)
    np.testing.assert_allclose(p, by_hand(LESSON_LOGITS), rtol=0, atol=1e-12)
    assert [round(float(x), 6) for x in p] == [0.887671, 0.108701, 0.003628]


def test_temperature_divides_the_logits() -> None:
    np.testing.assert_allclose(sm.softmax(LESSON_LOGITS, 2.0), by_hand(LESSON_LOGITS, 2.0), atol=1e-12)
    np.testing.assert_allclose(sm.softmax(LESSON_LOGITS, 0.5), by_hand(LESSON_LOGITS, 0.5), atol=1e-12)
    assert round(float(sm.softmax(LESSON_LOGITS, 2.0)[0]), 6) == 0.707281


def test_worked_formula_shows_the_readers_numbers() -> None:
    working = sm.softmax_working(LESSON_LOGITS)
    assert working.shift == 0.0
    np.testing.assert_allclose(working.terms, [math.exp(4.2), math.exp(2.1), math.exp(-1.3)], rtol=1e-15)
    assert working.total == pytest.approx(math.exp(4.2) + math.exp(2.1) + math.exp(-1.3), rel=1e-15)
    assert round(working.total, 6) == 75.125033
    np.testing.assert_allclose(working.probabilities, sm.softmax(LESSON_LOGITS), atol=1e-15)
    np.testing.assert_allclose(sm.softmax_working(LESSON_LOGITS, 2.0).scaled, [2.1, 1.05, -0.65])


def test_worked_formula_shifts_only_when_the_exponentials_overflow() -> None:
    working = sm.softmax_working([1000.0, 999.0])
    assert working.shift == 1000.0
    np.testing.assert_allclose(working.terms, [1.0, math.exp(-1.0)], rtol=1e-15)
    np.testing.assert_allclose(working.probabilities, sm.softmax([1000.0, 999.0]), atol=1e-15)
    with pytest.raises(ValueError, match="argmax"):
        sm.softmax_working(LESSON_LOGITS, 0)


# --- Temperature 0, top-k and their tie rules ------------------------------------------------------


def test_temperature_zero_is_one_hot_argmax() -> None:
    assert sm.softmax(LESSON_LOGITS, 0).tolist() == [1.0, 0.0, 0.0]
    assert sm.softmax([-3.0, 7.5, 2.0], 0.0).tolist() == [0.0, 1.0, 0.0]


def test_temperature_zero_tie_goes_to_the_first_maximum() -> None:
    assert sm.softmax([1.0, 3.0, 3.0, 2.0], 0).tolist() == [0.0, 1.0, 0.0, 0.0]
    assert sm.softmax([5.0, 5.0], 0).tolist() == [1.0, 0.0]


def test_top_k_keeps_the_largest_and_renormalises() -> None:
    p = sm.top_k(LESSON_LOGITS, 2)
    assert p[2] == 0.0
    np.testing.assert_allclose(p[:2], by_hand([4.2, 2.1]), atol=1e-12)
    assert sm.top_k(LESSON_LOGITS, 1).tolist() == [1.0, 0.0, 0.0]
    np.testing.assert_array_equal(sm.softmax(LESSON_LOGITS, top_k=2), p)


def test_top_k_at_least_the_number_of_labels_keeps_them_all() -> None:
    np.testing.assert_array_equal(sm.top_k(LESSON_LOGITS, 3), sm.softmax(LESSON_LOGITS))
    np.testing.assert_array_equal(sm.top_k(LESSON_LOGITS, 99), sm.softmax(LESSON_LOGITS))


def test_top_k_tie_at_the_cut_keeps_the_lower_index() -> None:
    assert sm.top_k_mask([1.0, 3.0, 3.0, 2.0], 1).tolist() == [False, True, False, False]
    assert sm.top_k_mask([2.0, 0.0, 2.0, 2.0], 2).tolist() == [True, False, True, False]


@pytest.mark.parametrize("k", [0, -1, 1.5, True, "2"])
def test_top_k_rejects_a_bad_k(k: object) -> None:
    with pytest.raises(ValueError, match="k must"):
        sm.top_k(LESSON_LOGITS, k)


# --- Bad input and extreme logits -------------------------------------------------------------------


@pytest.mark.parametrize("temperature", [-0.1, -1e-300, -5])
def test_negative_temperature_is_refused(temperature: float) -> None:
    with pytest.raises(ValueError, match="temperature must be 0 or more"):
        sm.softmax(LESSON_LOGITS, temperature)


@pytest.mark.parametrize("temperature", [math.nan, math.inf])
def test_non_finite_temperature_is_refused(temperature: float) -> None:
    with pytest.raises(ValueError, match="temperature must be a finite number"):
        sm.softmax(LESSON_LOGITS, temperature)


@pytest.mark.parametrize("logits", [[1.0, math.nan], [math.inf, 0.0], [0.0, -math.inf]])
def test_non_finite_logits_are_refused(logits: list[float]) -> None:
    with pytest.raises(ValueError, match="finite"):
        sm.softmax(logits)


@pytest.mark.parametrize("logits", [[], [[1.0, 2.0]]])
def test_logits_must_be_a_non_empty_vector(logits: list) -> None:
    with pytest.raises(ValueError, match="non-empty"):
        sm.softmax(logits)


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize(("logits", "temperature", "expected"), [
    ([1e308, -1e308, 1e308], 1.0, [0.5, 0.0, 0.5]),
    ([1e308, -1e308], 0.5, [1.0, 0.0]),
    ([-1e308, -1e308, -1e308], 1.0, [1 / 3, 1 / 3, 1 / 3]),
    ([1e308, 0.0, -1e308], 1e-300, [1.0, 0.0, 0.0]),
    ([1e308, 1e308 * 0.5], 1e300, [1.0, 0.0]),
    ([-1e308, 1e308], 1e308, [0.0, 1.0]),
    ([0.0, 1.0], 1e308, [0.5, 0.5]),
])
def test_huge_logits_never_give_nan(logits: list[float], temperature: float, expected: list[float]) -> None:
    p = sm.softmax(logits, temperature)
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p, expected, atol=1e-12)


# --- Properties ---------------------------------------------------------------------------------------

any_logits = st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=12)
any_temperature = st.one_of(st.just(0.0), st.floats(min_value=1e-300, max_value=1e300))
# Moderate logits: adding a constant to them loses no more than ~1e-13 to rounding.
moderate_logits = st.lists(st.floats(min_value=-100, max_value=100), min_size=1, max_size=12)
moderate_temperature = st.floats(min_value=0.05, max_value=100)


@given(any_logits, any_temperature)
def test_probabilities_are_finite_and_sum_to_one(logits: list[float], temperature: float) -> None:
    p = sm.softmax(logits, temperature)
    assert np.all(np.isfinite(p)) and np.all(p >= 0) and np.all(p <= 1)
    assert math.fsum(p) == pytest.approx(1.0, abs=1e-12)


@given(moderate_logits, st.floats(min_value=-1000, max_value=1000), moderate_temperature)
def test_adding_a_constant_to_every_logit_changes_nothing(logits: list[float], constant: float,
                                                          temperature: float) -> None:
    shifted = [z + constant for z in logits]
    np.testing.assert_allclose(sm.softmax(shifted, temperature), sm.softmax(logits, temperature),
                               rtol=0, atol=1e-9)


@given(st.lists(st.floats(min_value=-50, max_value=50), min_size=2, max_size=12),
       st.floats(min_value=0.01, max_value=100), st.floats(min_value=0.01, max_value=100))
def test_lower_temperature_is_sharper(logits: list[float], t1: float, t2: float) -> None:
    colder, warmer = sm.softmax(logits, min(t1, t2)), sm.softmax(logits, max(t1, t2))
    assert colder.max() >= warmer.max() - 1e-12
    assert sm.entropy(colder) <= sm.entropy(warmer) + 1e-9


@given(any_logits)
def test_temperature_zero_puts_everything_on_the_first_argmax(logits: list[float]) -> None:
    p = sm.softmax(logits, 0)
    assert p.sum() == 1.0 and np.count_nonzero(p) == 1
    assert int(np.argmax(p)) == logits.index(max(logits))


@given(moderate_logits, st.integers(min_value=1, max_value=15), moderate_temperature)
def test_top_k_zeroes_the_rest_and_renormalises(logits: list[float], k: int, temperature: float) -> None:
    mask = sm.top_k_mask(logits, k)
    p = sm.top_k(logits, k, temperature)
    z = np.array(logits)
    assert mask.sum() == min(k, len(logits))
    assert np.all(p[~mask] == 0.0)
    assert (~mask).sum() == 0 or z[mask].min() >= z[~mask].max()
    np.testing.assert_allclose(p[mask], sm.softmax(z[mask], temperature), rtol=0, atol=1e-12)


# --- Entropy ---------------------------------------------------------------------------------------


def test_entropy_known_values() -> None:
    assert sm.entropy([0.25, 0.25, 0.25, 0.25]) == pytest.approx(2.0, abs=1e-15)
    assert sm.entropy([0.5, 0.5]) == pytest.approx(1.0, abs=1e-15)
    assert sm.entropy([0.25] * 4, base=math.e) == pytest.approx(math.log(4), abs=1e-15)
    p = by_hand(LESSON_LOGITS)
    assert sm.entropy(p) == pytest.approx(-sum(x * math.log2(x) for x in p), abs=1e-14)
    assert round(sm.entropy(p), 6) == 0.530015


def test_entropy_of_a_certainty_is_zero() -> None:
    for one_hot in ([1.0], [0.0, 1.0, 0.0], sm.softmax(LESSON_LOGITS, 0)):
        h = sm.entropy(one_hot)
        assert h == 0.0 and math.copysign(1.0, h) == 1.0  # 0, not -0


@pytest.mark.parametrize("probabilities", [[0.5, 0.4], [1.2, -0.2], [0.5, math.nan], []])
def test_entropy_needs_probabilities(probabilities: list[float]) -> None:
    with pytest.raises(ValueError, match="probabilities"):
        sm.entropy(probabilities)


@pytest.mark.parametrize("base", [1, 0, -2, math.nan])
def test_entropy_needs_a_sensible_base(base: float) -> None:
    with pytest.raises(ValueError, match="base"):
        sm.entropy([0.5, 0.5], base)


# --- Sampling --------------------------------------------------------------------------------------


def test_same_seed_same_draws_other_seed_other_draws() -> None:
    p = sm.softmax(LESSON_LOGITS)
    first, again, other = sm.sample(p, 1000, 42), sm.sample(p, 1000, 42), sm.sample(p, 1000, 43)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)
    assert first.shape == (1000,) and set(np.unique(first)) <= {0, 1, 2}


def test_a_generator_is_used_as_given_and_advances() -> None:
    p = sm.softmax(LESSON_LOGITS)
    rng = np.random.default_rng(7)
    two_halves = np.concatenate([sm.sample(p, 500, rng), sm.sample(p, 500, rng)])
    np.testing.assert_array_equal(two_halves, sm.sample(p, 1000, 7))


def test_many_draws_settle_on_the_probabilities() -> None:
    p = sm.softmax(LESSON_LOGITS)
    n = 100_000
    frequencies = sm.draw_frequencies(sm.sample(p, n, 2024), 3)
    standard_errors = np.sqrt(p * (1 - p) / n)
    assert np.all(np.abs(frequencies - p) < 4 * standard_errors)


def test_temperature_zero_sampling_always_returns_the_argmax() -> None:
    assert np.all(sm.sample_logits(LESSON_LOGITS, 5000, 0, temperature=0) == 0)
    assert np.all(sm.sample_logits([0.0, 9.0, 9.0], 5000, 1, temperature=0) == 1)


def test_zero_probability_labels_are_never_drawn() -> None:
    draws = sm.sample_logits([3.0, 2.0, 1.0, 0.0], 20_000, 3, top_k=2)
    assert set(np.unique(draws)) == {0, 1}
    assert set(np.unique(sm.sample([0.5, 0.0, 0.5, 0.0], 20_000, 5))) == {0, 2}


def test_counts_and_running_frequencies() -> None:
    draws = np.array([0, 2, 0, 1, 0])
    assert sm.draw_counts(draws, 3).tolist() == [3, 1, 1]
    assert sm.draw_counts(draws, 4).tolist() == [3, 1, 1, 0]
    running = sm.running_frequencies(draws, 3)
    assert running.shape == (5, 3)
    np.testing.assert_allclose(running[0], [1, 0, 0])
    np.testing.assert_allclose(running[1], [0.5, 0, 0.5])
    np.testing.assert_allclose(running[-1], [0.6, 0.2, 0.2])
    np.testing.assert_allclose(running.sum(axis=1), 1.0)
    np.testing.assert_allclose(sm.draw_frequencies(draws, 3), [0.6, 0.2, 0.2])


def test_counts_reject_out_of_range_labels() -> None:
    with pytest.raises(ValueError, match="label indices"):
        sm.draw_counts([0, 3], 3)
    with pytest.raises(ValueError, match="label indices"):
        sm.running_frequencies([-1], 3)


@pytest.mark.parametrize("seed", [-1, 1.5, "7", None, True])
def test_sampling_needs_a_seed(seed: object) -> None:
    with pytest.raises(ValueError, match="seed"):
        sm.sample([0.5, 0.5], 10, seed)


@pytest.mark.parametrize("n", [0, -3, 2.0])
def test_sampling_needs_a_whole_positive_number_of_draws(n: object) -> None:
    with pytest.raises(ValueError, match="n must"):
        sm.sample([0.5, 0.5], n, 0)


@settings(max_examples=50)
@given(st.lists(st.floats(min_value=0, max_value=10), min_size=1, max_size=8).filter(lambda w: sum(w) > 0),
       st.integers(min_value=0, max_value=2**32))
def test_draws_only_land_on_labels_with_probability(weights: list[float], seed: int) -> None:
    p = np.array(weights) / sum(weights)
    draws = sm.sample(p, 200, seed)
    assert np.all(p[draws] > 0)
