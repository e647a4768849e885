"""Every word lesson `kinds` says: its prose, help, headings, chart titles and sentences on its numbers."""

from __future__ import annotations

from typing import Any

from faders.lessons.kit.formatting import format_count

TITLE = "Three ways to learn"
TEASER = ("Learn from answers, from the data alone, or from rewards: a classifier, k-means and a "
          "slot-machine player on the same page.")

PROSE = """
A model can learn in three ways, and they differ in what it is given. In **supervised** learning
it gets examples *with the answers*: each point comes with its class, and training shrinks a loss
that measures how far its guesses are from those answers. In **unsupervised** learning it gets
the same points *without* answers and has to find structure on its own, such as groups of points
that lie close together. In **reinforcement** learning there are no examples at all: the learner
acts, the world pays a reward or not, and it has to find out which actions pay best while it plays.

Below, the first two work on the very same points, once with the labels and once with them
hidden; the third is a player at a row of slot machines.
"""

# The knobs' help (shown beside each widget and read to a screen reader).
HELP_DATASET = "Which set of two-class points both the classifier and k-means see."
HELP_N_POINTS = "How many points are drawn; k-means groups them all, the classifier trains on half."
HELP_NOISE = "How much the two classes blur into each other."
HELP_SEED = "The random draw of the points: the same seed gives the same points."
HELP_K = "How many groups k-means looks for."
HELP_START = "Which data points k-means takes as its first centres: the same start, the same run."
HELP_STEPS = "How many half-steps of k-means are shown (assign, then move, then assign again ...)."
HELP_ARMS = "How many slot machines there are, each paying out at its own hidden rate."
HELP_EPSILON = "The share of pulls spent exploring (a machine at random) instead of playing the best so far."
HELP_PULLS = "How many times the learner pulls a lever in one run."
HELP_BANDIT_SEED = "The hidden payout rates and the luck of the draws: the same luck, the same run."

# Headings, chart titles and button labels, the same on the live page and in the still picture.
SUPERVISED_HEADING = "### 1 · Supervised: learn from the answers"
UNSUPERVISED_HEADING = "### 2 · Unsupervised: the same points, answers hidden"
REINFORCEMENT_HEADING = "### 3 · Reinforcement: no answers, only rewards"
USES_HEADING = "### Where each is used"
DATA_NOTE = "These points are shared by parts 1 and 2: change them here and both learn again."
SUPERVISED_TITLE = "Logistic regression, trained on the labels: P(blue)"
LOSS_TITLE = "Its loss while it learns: the gap to the answers"
LOSS_X = "update"
LOSS_Y = "cross-entropy"
GROUPS_TITLE = "k-means, labels hidden: groups and centres"
INERTIA_TITLE = "Spread (inertia) after each step"
INERTIA_X = "step"
INERTIA_Y = "sum of squared distances"
STARTS_TITLE = "Where each start settles: spread"
STARTS_X = "start"
STARTS_Y = "settled spread"
ESTIMATES_TITLE = "The learner's estimates (dotted: hidden rates)"
REWARD_TITLE = "Reward per pull so far (dashed: the best machine's rate)"
REGRET_TITLE = "Regret against always playing the best machine"
PULLS_X = "pulls"
ESTIMATE_Y = "estimated payout rate"
REWARD_Y = "average reward"
REGRET_Y = "regret (payouts missed)"
MACHINE_LEGEND = "machine"
YOURS_LEGEND = "your ε"
GREEDY_LEGEND = "ε = 0 (never explores)"
RANDOM_LEGEND = "ε = 1 (always random)"
STEP_LABEL = "Next step"
SETTLE_LABEL = "Run to the end"
RESET_LABEL = "Back to the start"
NEW_START_LABEL = "New start"
NEW_LUCK_LABEL = "New machines"
CLASS_NAMES = ("orange", "blue")
# The k-means groups' colours in words, in the order of state.GROUP_COLOURS.
GROUP_NAMES = ("green", "purple", "teal", "pink", "olive", "violet", "crimson", "indigo", "red", "blue")
PREVIEW_LABEL = ("Two blobs of orange and blue points: on the left a classifier's boundary learned "
                 "from the colours, on the right the two groups k-means finds with the colours hidden")

UNSUPERVISED_INTRO = """
k-means looks for k groups in two steps, repeated: **assign** each point to its nearest centre,
then **move** each centre to the mean of its points. Press *Next step* to take one. The spread
(the sum of each point's squared distance to its centre) can only fall; when an assignment changes
nothing the run has settled. Different starts can settle in different, worse groupings: try k = 3
or the xor data, then *New start*.
"""

REINFORCEMENT_INTRO = """
A row of slot machines, each paying 1 at a rate the learner cannot see. An **ε-greedy** learner
pulls the machine whose estimate is highest, except for a share ε of pulls when it tries one at
random. After each pull it updates that machine's estimate to the average of what it has paid.
With ε = 0 it may lock onto the first machine that paid and never find a better one; with ε = 1
it never uses what it learned. Regret counts what it gave up against always playing the best one.
"""

USES = """
- **Supervised**, where answers are on record: spam filters learn from mail people marked as spam;
  price estimates learn from past sales; image and speech recognition learn from labelled examples.
- **Unsupervised and self-supervised**, where data is plentiful and answers are not: grouping
  customers or documents, **embeddings** that place similar words or images near each other, and
  the **pre-training** of language models, which hide the next word of ordinary text and learn to
  guess it, so the text supplies its own answers.
- **Reinforcement**, where only the outcome can be scored: game play (chess, Go, video games),
  robots and controllers, ads and recommendations that learn from clicks, as the bandit here does,
  and the feedback step that tunes chat models from people's ratings of their answers.

Most systems mix them: a chat model is pre-trained without labels, tuned on written answers, then
tuned again from rewards.
"""


# Below this test accuracy the page says that a straight boundary cannot split these classes.
STRAIGHT_LINE_FAILS = 0.8
STRAIGHT_LINE = (" Its boundary is a straight line, and these classes do not split along one: a "
                 "[neural network](network.html) bends its boundary to fit them.")


def percent(share: float) -> str:
    return f"{100 * share:.0f}%"


def past_the_end(asked: int, last: int) -> str:
    return (f"Ignored step={asked}: this k-means run ends after {last} steps; showing its last step, "
            f"{last}.")


def supervised(numbers: list[float], loss_before: float, loss_after: float, train_accuracy: float,
               test_accuracy: float, n_train: int, n_test: int) -> str:
    """What the classifier learned from the answers (Markdown)."""
    w1, w2, b = numbers
    return (f"Trained on {format_count(n_train)} labelled points. The loss (cross-entropy, the gap "
            f"between its guesses and the answers) fell from {loss_before:.3f}, a coin toss for every "
            f"point, to **{loss_after:.3f}**. It gets **{percent(train_accuracy)}** of its training "
            f"points right and **{percent(test_accuracy)}** of {format_count(n_test)} points it never "
            f"saw. What it keeps: `w₁ = {w1:.3f}`, `w₂ = {w2:.3f}`, `b = {b:.3f}`."
            + (STRAIGHT_LINE if test_accuracy < STRAIGHT_LINE_FAILS else ""))


def kmeans_step(step: int, last: int, kind: str, inertia: float | None, counts: list[int],
                settled: bool) -> str:
    """Where the stepped run stands (Markdown)."""
    if kind == "start":
        now = ("Step 0: the start. k data points, chosen at random, are the first centres (crosses); "
               "no point belongs to a group yet. Next: assign.")
    elif kind == "assign":
        now = (f"Step {step}: each point joined its nearest centre. Spread **{inertia:.1f}**. "
               + ("Next: move." if not settled else ""))
    else:
        now = (f"Step {step}: each centre moved to the mean of its points. Spread **{inertia:.1f}**. "
               "Next: assign.")
    sizes = "" if kind == "start" else " Group sizes: " + ", ".join(map(str, counts)) + "."
    end = (f" **Settled** after {last} steps: this assignment changed no point's group." if settled
           else f" ({last} steps in all.)" if step == last else "")
    return now + sizes + end


def agreement(found: dict[str, Any] | None) -> str:
    """How the settled groups line up with the hidden labels (Markdown table)."""
    if found is None:
        return ("Once the run settles, its groups are compared here with the labels it never saw. "
                "Press *Run to the end*.")
    rows = "".join(f"| group {group + 1} ({GROUP_NAMES[group]}) | {orange} | {blue} |\n"
                   for group, (orange, blue) in enumerate(found["table"]))
    return ("| | orange | blue |\n|---|---|---|\n" + rows + "\n"
            f"Labelled by the colour most of its points have, the groups agree with the hidden labels on "
            f"**{percent(found['share'])}** of the points. k-means found groups of nearby points; "
            "whether they are the groups the labels mean depends on the data.")


# A settled spread this share above the best start's is called a worse grouping.
CLEARLY_WORSE = 0.01


def starts(rows: list[list[float]], start: int) -> str:
    """The reader's start among its neighbours (Markdown)."""
    spreads = [row[1] for row in rows]
    mine = next(row for row in rows if row[0] == start)
    best = min(spreads)
    worse = sum(spread > best * (1 + 1e-9) for spread in spreads)
    if not worse:
        return (f"Start {start} settles at spread {mine[1]:.1f} after {int(mine[2])} steps, and so does "
                f"every start from {int(rows[0][0])} to {int(rows[-1][0])}: for these points and this k "
                "the start only changes how many steps it takes. Try k = 3, or the xor data.")
    verdict = ("the best of them" if mine[1] <= best * (1 + 1e-9)
               else f"{mine[1] / best - 1:.1%} more than the best of them")
    # Groupings a hair apart are near enough the same: count those clearly worse.
    clearly = sum(spread > best * (1 + CLEARLY_WORSE) for spread in spreads)
    return (f"Start {start} settles at spread {mine[1]:.1f} after {int(mine[2])} steps: {verdict}. "
            f"Of starts {int(rows[0][0])}–{int(rows[-1][0])}, {clearly} "
            f"{'settles' if clearly == 1 else 'settle'} in a grouping more than "
            f"{CLEARLY_WORSE:.0%} worse than the best ({best:.1f}).")


def bandit_table(rates: list[float], estimates: list[float], counts: list[int]) -> str:
    """Each machine: its hidden rate, the learner's estimate, its pulls (Markdown table)."""
    best = max(range(len(rates)), key=rates.__getitem__)
    rows = "".join(f"| {arm + 1}{' (best)' if arm == best else ''} | {rate:.2f} | {estimate:.2f} | "
                   f"{format_count(count)} |\n"
                   for arm, (rate, estimate, count) in enumerate(zip(rates, estimates, counts, strict=True)))
    return "| machine | hidden rate | estimate | pulls |\n|---|---|---|---|\n" + rows


def bandit(epsilon: float, pulls: int, total: float, regret: float, greedy: float, random: float,
           best: int, most_pulled: int) -> str:
    """The run in sentences (Markdown)."""
    found = (f"It played machine {most_pulled + 1} most: the best one." if most_pulled == best
             else f"It played machine {most_pulled + 1} most, not the best one ({best + 1}).")
    return (f"With ε = {epsilon:.2f}, {format_count(pulls)} pulls paid {format_count(int(total))}. "
            f"{found} Regret **{regret:.1f}**; with the same luck, never exploring (ε = 0) gives "
            f"{greedy:.1f} and always exploring (ε = 1) gives {random:.1f}.")


def summary(test_accuracy: float, step: int, inertia: float | None, found: dict[str, Any] | None,
            epsilon: float, regret: float, best: int, most_pulled: int) -> str:
    """The lesson's result in a sentence, for a screen reader."""
    spread = "no spread yet" if inertia is None else f"spread {inertia:.1f}"
    agreeing = "" if found is None else f", settled, agreeing with the labels on {percent(found['share'])}"
    played = "the best machine" if most_pulled == best else f"machine {most_pulled + 1}, not the best"
    return (f"The classifier gets {percent(test_accuracy)} of unseen points right; k-means at step "
            f"{step}, {spread}{agreeing}; the bandit with ε = {epsilon:.2f} played {played} most, "
            f"regret {regret:.1f}.")
