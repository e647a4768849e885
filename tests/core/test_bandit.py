"""faders.core.bandit on runs worked by hand: ε = 0 never explores, ε = 1 always does."""

from __future__ import annotations

import numpy as np
import pytest

from faders.core import bandit

RATES = np.array([0.2, 0.8])  # machine 0 pays 20% of the time, machine 1 80%
PAYOUT = np.array([0.5, 0.1, 0.9, 0.3])  # a pull pays when its number is below the machine's rate


def draws(explore: list[float], random_arm: list[int], tie: list[float]) -> bandit.Draws:
    return bandit.Draws(np.array(explore), np.array(random_arm), PAYOUT, np.array(tie))


def test_epsilon_zero_by_hand_locks_onto_the_first_machine_that_pays() -> None:
    luck = draws([0.5] * 4, [1, 1, 1, 1], [0.0, 0.0, 0.7, 0.0])
    run = bandit.play(RATES, 0.0, luck)
    # Pull 1: both estimates 0, tie 0.0 picks machine 0; 0.5 ≥ 0.2 pays nothing.
    # Pull 2: still tied at 0, machine 0 again; 0.1 < 0.2 pays 1; Q₀ = 0 + (1 − 0)/2 = 0.5.
    # Pull 3: machine 0 is best (0.5 > 0); 0.9 pays nothing; Q₀ = 0.5 + (0 − 0.5)/3 = 1/3.
    # Pull 4: machine 0; 0.3 ≥ 0.2 pays nothing; Q₀ = 1/3 + (0 − 1/3)/4 = 1/4.
    assert run.arms.tolist() == [0, 0, 0, 0]
    assert run.rewards.tolist() == [0, 1, 0, 0]
    assert run.counts.tolist() == [4, 0]
    assert np.allclose(run.estimates, [[0, 0], [0.5, 0], [1 / 3, 0], [0.25, 0]])
    # Each pull of machine 0 gives up 0.8 − 0.2 against always pulling machine 1.
    assert bandit.regret(RATES, run.arms).tolist() == pytest.approx([0.6, 1.2, 1.8, 2.4])
    assert bandit.reward_per_pull(run.rewards).tolist() == pytest.approx([0, 0.5, 1 / 3, 0.25])


def test_a_tie_at_zero_is_settled_by_the_tie_draw() -> None:
    luck = draws([0.5] * 4, [0, 0, 0, 0], [0.7, 0.0, 0.0, 0.0])
    run = bandit.play(RATES, 0.0, luck)
    # Pull 1: tied, ⌊0.7 · 2⌋ = 1 picks machine 1; 0.5 < 0.8 pays, so machine 1 leads for good.
    assert run.arms.tolist() == [1, 1, 1, 1]
    assert run.rewards.tolist() == [1, 1, 0, 1]
    assert run.estimates[-1].tolist() == pytest.approx([0, 0.75])
    assert bandit.regret(RATES, run.arms).tolist() == [0, 0, 0, 0]


def test_epsilon_one_by_hand_always_plays_the_random_machine() -> None:
    luck = draws([0.99, 0.0, 0.5, 0.3], [1, 0, 1, 1], [0.0] * 4)
    run = bandit.play(RATES, 1.0, luck)
    # Machines 1, 0, 1, 1 as drawn; rewards 0.5<0.8, 0.1<0.2, 0.9≥0.8, 0.3<0.8.
    assert run.arms.tolist() == [1, 0, 1, 1]
    assert run.rewards.tolist() == [1, 1, 0, 1]
    assert run.counts.tolist() == [1, 3]
    # Q₁: 1, then 1 + (0 − 1)/2 = 0.5, then 0.5 + (1 − 0.5)/3 = 2/3; Q₀ = 1 after its one pull.
    assert np.allclose(run.estimates, [[0, 1], [1, 1], [1, 0.5], [1, 2 / 3]])
    assert bandit.regret(RATES, run.arms).tolist() == pytest.approx([0, 0.6, 0.6, 0.6])
    assert bandit.reward_per_pull(run.rewards).tolist() == pytest.approx([1, 1, 2 / 3, 0.75])


def test_epsilon_between_explores_only_when_its_draw_is_below_epsilon() -> None:
    luck = draws([0.05, 0.5, 0.05, 0.5], [1, 0, 0, 0], [0.0] * 4)
    run = bandit.play(RATES, 0.1, luck)
    # Pull 1 explores (0.05 < 0.1) to machine 1, which pays; pull 2 exploits machine 1 (Q 1 > 0);
    # pull 3 explores to machine 0, which pays nothing (0.9); pull 4 exploits machine 1 again.
    assert run.arms.tolist() == [1, 1, 0, 1]
    assert run.rewards.tolist() == [1, 1, 0, 1]


def test_an_estimate_is_the_mean_of_its_machine_s_rewards() -> None:
    rates = bandit.hidden_rates(4, seed=3)
    run = bandit.play(rates, 0.2, bandit.draw(2000, 4, seed=3))
    for arm in range(4):
        paid = run.rewards[run.arms == arm]
        assert run.counts[arm] == len(paid)
        assert run.estimates[-1, arm] == pytest.approx(paid.mean() if len(paid) else 0.0)
    # Enough pulls: the estimates near the hidden rates, the best machine played most.
    assert np.abs(run.estimates[-1] - rates).max() < 0.1
    assert np.argmax(run.counts) == np.argmax(rates)


def test_the_rates_are_evenly_spaced_and_a_seed_gives_the_same_run() -> None:
    rates = bandit.hidden_rates(5, seed=1)
    assert sorted(rates.tolist()) == pytest.approx([0.2, 0.35, 0.5, 0.65, 0.8])
    first = bandit.play(rates, 0.1, bandit.draw(500, 5, seed=1))
    again = bandit.play(rates, 0.1, bandit.draw(500, 5, seed=1))
    assert np.array_equal(first.arms, again.arms) and np.array_equal(first.estimates, again.estimates)
    other = bandit.draw(500, 5, seed=2)
    assert not np.array_equal(other.payout, bandit.draw(500, 5, seed=1).payout)
