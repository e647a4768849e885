"""A multi-armed bandit and an ε-greedy learner: learning from rewards alone, with no answers given.

Each arm (a slot machine) pays 1 with its own hidden rate and 0 otherwise. At each pull the learner
explores with probability ε (an arm at random) and otherwise exploits (the arm whose estimate is
highest, a tie settled at random). After a pull it moves that arm's estimate to the mean of the
rewards the arm has paid: Q ← Q + (reward − Q) / N.

Regret is what the learner gave up against always pulling the best arm: the sum over pulls of
(best rate − the pulled arm's rate), counted with the rates, not the lucky or unlucky draws.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

# The hidden payout rates run evenly from the worst arm's to the best arm's.
LOWEST_RATE, HIGHEST_RATE = 0.2, 0.8


@dataclass(frozen=True)
class Draws:
    """The chance behind a run, drawn up front so that the same seed gives the same run, and two
    values of ε meet the same luck: per pull, a number that decides explore or exploit, the arm an
    exploring pull takes, a number that decides whether the pulled arm pays, and one that settles
    a tie between the best estimates (at first every estimate is 0)."""

    explore: np.ndarray  # (pulls,) uniform in [0, 1): explore when below ε
    random_arm: np.ndarray  # (pulls,) integers in 0..arms-1
    payout: np.ndarray  # (pulls,) uniform in [0, 1): the arm pays when below its rate
    tie: np.ndarray  # (pulls,) uniform in [0, 1): which of the arms tied for best is played


@dataclass(frozen=True)
class Run:
    """What happened: the arm of each pull, its reward, and every arm's estimate and count after each pull."""

    arms: np.ndarray  # (pulls,)
    rewards: np.ndarray  # (pulls,) 0 or 1
    estimates: np.ndarray  # (pulls, arms): the estimates after each pull
    counts: np.ndarray  # (arms,): pulls of each arm by the end


def hidden_rates(arms: int, seed: int, lowest: float = LOWEST_RATE,
                 highest: float = HIGHEST_RATE) -> np.ndarray:
    """The arms' payout rates: evenly spaced from `lowest` to `highest` (so the best arm stands out
    by a known gap), in an order the seed shuffles."""
    rates = np.linspace(lowest, highest, arms)
    return rates[np.random.default_rng([seed, 0]).permutation(arms)]


def draw(pulls: int, arms: int, seed: int) -> Draws:
    """The luck of a run of `pulls` pulls (a stream apart from the rates')."""
    rng = np.random.default_rng([seed, 1])
    return Draws(rng.random(pulls), rng.integers(0, arms, size=pulls), rng.random(pulls), rng.random(pulls))


def choose(estimates: Sequence[float], epsilon: float, explore: float, random_arm: int, tie: float) -> int:
    """ε-greedy: a random arm with probability ε, else the best estimate; of arms tied for best,
    the one at position ⌊tie · (number tied)⌋ in index order."""
    if explore < epsilon:
        return int(random_arm)
    top = max(estimates)
    best = [arm for arm, estimate in enumerate(estimates) if estimate == top]
    return best[int(tie * len(best))]


def update(estimate: float, count: int, reward: float) -> float:
    """The mean of an arm's rewards, kept as it goes: Q ← Q + (reward − Q) / N (N counts this pull)."""
    return estimate + (reward - estimate) / count


def play(rates: np.ndarray, epsilon: float, draws: Draws) -> Run:
    """An ε-greedy learner's run, from estimates of 0 for every arm."""
    # Plain Python numbers in the loop: a few arms at a time are quicker so than as numpy arrays.
    rates_ = [float(rate) for rate in rates]
    estimates, counts = [0.0] * len(rates_), [0] * len(rates_)
    arms, rewards, history = [], [], []
    for explore, random_arm, payout, tie in zip(draws.explore.tolist(), draws.random_arm.tolist(),
                                                draws.payout.tolist(), draws.tie.tolist(), strict=True):
        arm = choose(estimates, epsilon, explore, random_arm, tie)
        reward = 1.0 if payout < rates_[arm] else 0.0
        counts[arm] += 1
        estimates[arm] = update(estimates[arm], counts[arm], reward)
        arms.append(arm)
        rewards.append(reward)
        history.append(list(estimates))
    return Run(np.array(arms, dtype=np.intp), np.array(rewards), np.array(history).reshape(-1, len(rates_)),
               np.array(counts, dtype=np.intp))


def regret(rates: np.ndarray, arms: np.ndarray) -> np.ndarray:
    """Regret after each pull: the running sum of (best rate − the pulled arm's rate)."""
    rates = np.asarray(rates, dtype=np.float64)
    return np.cumsum(rates.max() - rates[np.asarray(arms)])


def reward_per_pull(rewards: np.ndarray) -> np.ndarray:
    """The average reward so far, after each pull."""
    rewards = np.asarray(rewards, dtype=np.float64)
    return np.cumsum(rewards) / np.arange(1, len(rewards) + 1)
