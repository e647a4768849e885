"""Every word lesson `logits` says: its prose, help texts, headings, chart titles, what it answers
to refused input, and the sentences and tables on its numbers.

Labels are the reader's own words: the label list's rule keeps them to letters and digits
(kit.urlstate.LabelList), and a label quoted where it is spoken goes through kit.safe_text.quote.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from faders.core.softmax import SoftmaxWorking
from faders.lessons.kit.formatting import format_count, format_number, format_probability
from faders.lessons.kit.safe_text import quote

TITLE = "Logits, softmax and temperature"
TEASER = ("Turn a model's raw scores into probabilities, sharpen or flatten them with temperature, "
          "and draw: one answer, or many.")

PROSE = """
A classifier, or a language model choosing its next word, ends with one raw score per possible
answer: its **logits**. A logit can be any number, negative too, and only the gaps between them
matter. **Softmax** turns them into **probabilities**: it raises e to the power of each logit and
divides by the sum of all of those, so every probability is above zero and together they add up
to 1. Cat, dog and car below have logits 4.2, 2.1 and −1.3; softmax makes that about 89 %, 11 %
and 0.4 %.

**Temperature** `T` divides every logit before softmax. Below 1 it widens the gaps, and the
largest logit takes even more of the probability; above 1 it narrows them, and the probabilities
even out. At `T = 0` there is nothing to divide by: the rule is then to take the largest logit
(the **argmax**). **Top-k** keeps only the k largest logits and gives every other label
probability 0. **Entropy**, in bits, says how spread out the probabilities are: 0 when one answer
is certain, log₂ n when all n answers are equally likely.

Three words, three situations. **Deterministic**: at `T = 0` the same input gives the same answer
every time. **Probabilistic**: at `T > 0` the model gives a distribution, and one draw from it may
come out differently from the next. **Statistical**: over many draws, how often each answer comes
up settles close to its probability. The draws here start from a **seed**: a computer's random
numbers come from a formula started at the seed, so the same seed replays the same draws, and a
new seed gives new ones.
"""

# The knobs' help (shown beside each widget and read to a screen reader).
HELP_LABELS = "One name per possible answer."
HELP_LOGITS = "The model's raw score for each label."
HELP_TEMPERATURE = "Divides the logits; 0 means argmax."
HELP_TOP_K = "Keep the k largest logits; 0 keeps them all."
HELP_SEED = "Where the random draws start."
HELP_N_DRAWS = "How many labels to draw."
LOGIT_LIMIT_REASON = ("real models' logits seldom pass a few dozen, and within ±1000 every number "
                      "here can be shown")
# The second box for the temperature, which reaches past its slider's end.
TEMPERATURE_BOX = "T (0 to 100)"

# Headings and chart titles, the same on the live page and in the still picture.
ROWS_HEADING = "### 1 · Labels and their logits"
ROWS_INTRO = "Type a label and its logit; any number from −1000 to 1000."
SOFTMAX_HEADING = "### 2 · Softmax, temperature and top-k"
FORMULA_HEADING = "#### The formula with your numbers"
DRAWING_HEADING = "### 3 · Drawing: one answer, or many"
LOGIT_TITLE = "Logits: the model's raw scores"
PROBABILITY_TITLE = "Probabilities: softmax of the logits"
HISTOGRAM_TITLE = "Share of the draws, and the probability (black)"
CONVERGENCE_TITLE = "Share of the first n draws, as n grows (dashed: probability)"
CONVERGENCE_X_LABEL = "number of draws n (log scale)"
PREVIEW_LABEL = "Bars of the logits of cat, dog and car beside the probabilities softmax makes of them"


def row_label(row: int) -> str:
    """The name of a row's label box (rows count from 0, readers from 1)."""
    return f"Label {row + 1}"


def row_logit(row: int) -> str:
    """The name of a row's logit box."""
    return f"Logit {row + 1}"


# ---- refusals ---------------------------------------------------------------------------------

LABEL_TAKEN = "is already the name of another row, and each label must differ"


def refused_row(text: str, reason: object, kept: str) -> str:
    """What the reader typed into a row, quoted, and why it was not taken."""
    return f"'{quote(text)}' {reason}; kept {kept}."


def too_many_rows(most: int) -> str:
    return f"There are already {most} labels, the most this lesson shows."


def too_few_rows(fewest: int) -> str:
    return f"A choice needs at least {fewest} labels."


def rows_disagree(given: str, labels: int, logits: int, kept_labels: str, kept_logits: str) -> str:
    """Labels and logits from outside that do not pair up (`given`: which of them were sent)."""
    return (f"Ignored {given}: that makes {labels} labels and {logits} logits, and each label needs "
            f"one logit; kept labels={kept_labels} and logits={kept_logits}.")


def too_large_k(k: int, labels: int, kept: int) -> str:
    return f"Ignored k='{k}': there are only {labels} labels (k = 0 keeps them all); kept {kept}."


# ---- the numbers in words ---------------------------------------------------------------------


def summary(top: str, probability: float, temperature: float, entropy: float, n_draws: int,
            top_count: int) -> str:
    """The result in one sentence, for the page's live region."""
    top = quote(top)
    return (f"Most likely: {top}, probability {format_probability(probability)} "
            f"at temperature {temperature:g}; entropy {entropy:.2f} bits. In "
            f"{n_draws:,} draws, {top} came up {top_count:,} times.")


def explanation(labels: Sequence[str], probabilities: np.ndarray, kept: np.ndarray, frequencies: np.ndarray,
                top: int, temperature: float, n_draws: int) -> str:
    """Deterministic, probabilistic or statistical: what the current setting shows (Markdown)."""
    top_label, n = labels[top], format_count(n_draws)
    if temperature == 0:
        return (f"**Deterministic.** At temperature 0 nothing is left to chance: the answer is "
                f"the label with the largest logit, **{top_label}**, every time. Same input, same "
                f"answer, whatever the seed: all {n} draws below are {top_label}.")
    certain = np.flatnonzero(probabilities == 1.0)
    if certain.size:
        only = labels[certain[0]]
        return (f"**Deterministic here too.** Even at temperature {temperature:g}, "
                f"**{only}** gets all the probability (top-k, or gaps between logits far "
                f"wider than the temperature, leave the others none), so every draw is {only}.")
    shares = ", ".join(f"{label} {p:.1%}" for label, p, is_kept in
                       zip(labels, probabilities, kept, strict=True) if is_kept)
    frequency, p = frequencies[top], probabilities[top]
    return (f"**Probabilistic.** At temperature {temperature:g} the model gives not one "
            f"answer but a distribution: {shares}. A single draw can be any label with a "
            f"chance above zero, and the next draw may differ.\n\n"
            f"**Statistical.** Over many draws, how often each label comes up settles near its "
            f"probability: in these {n} draws {top_label} came up {frequency:.1%} of the time, for a "
            f"probability of {p:.1%}. The more draws, the closer they get.")


def formula(labels: Sequence[str], logits: Sequence[float], probabilities: np.ndarray, kept: np.ndarray,
            top: int, temperature: float, working: SoftmaxWorking | None) -> str:
    """The softmax formula with the reader's numbers filled in (a Markdown table); `working` is
    None at temperature 0, where the rule is the argmax."""
    if working is None:
        rows = "".join(f"| {label} | {format_number(z)} | **{'1' if i == top else '0'}** |\n"
                       for i, (label, z) in enumerate(zip(labels, logits, strict=True)))
        return (f"At temperature 0 the formula would divide by zero. The rule is the limit it "
                f"tends to: all the probability goes to the largest logit, "
                f"**{labels[top]}** (the argmax).\n\n"
                f"| label | logit z | p |\n|---|---|---|\n{rows}")
    t = format_number(temperature)
    shifted = f" − {format_number(working.shift)}" if working.shift else ""
    total = format_number(working.total)
    kept_terms = iter(zip(working.scaled, working.terms, strict=True))
    rows = ""
    for label, z, p, is_kept in zip(labels, logits, probabilities, kept, strict=True):
        if not is_kept:
            rows += f"| {label} | {format_number(z)} | dropped by top-k | 0 | **0** |\n"
            continue
        scaled, term = next(kept_terms)
        rows += (f"| {label} | {format_number(z)} | {format_number(scaled)} | {format_number(term)} "
                 f"| {format_number(term)} / {total} = **{format_probability(p)}** |\n")
    note = ""
    if working.shift:
        note = (f"\n\nEvery power of e is lowered by {format_number(working.shift)}, the largest "
                f"z / T: e to the {format_number(working.shift)} is too large for a computer's "
                f"numbers. Top and bottom shrink by the same factor, so the probabilities do "
                f"not change.")
    sum_terms = " + ".join(format_number(term) for term in working.terms)
    return (f"p = e<sup>z / T</sup> / Σ e<sup>z / T</sup>, here with T = {t}:\n\n"
            f"| label | logit z | z / T | e<sup>z / T{shifted}</sup> | p |\n"
            f"|---|---|---|---|---|\n{rows}\n"
            f"Σ = {sum_terms} = {total}{note}")


def entropy_text(entropy: float, even_entropy: float, kept: int) -> str:
    """The entropy against its two ends: one certain answer, every kept label alike (Markdown)."""
    return (f"**Entropy {entropy:.3f} bits.** 0 would mean one certain answer; "
            f"{even_entropy:.3f} bits (log₂ {kept}) would mean all {kept} kept labels "
            f"equally likely.")


def draws_text(labels: Sequence[str], probabilities: np.ndarray, counts: np.ndarray, frequencies: np.ndarray,
               first: Sequence[str], n_draws: int, seed: int) -> str:
    """The first draws in order, then counts and shares beside the probabilities (Markdown)."""
    more = " …" if n_draws > len(first) else ""
    rows = "".join(
        f"| {label} | {format_probability(p)} | {format_count(int(count))} | "
        f"{format_probability(share)} |\n"
        for label, p, count, share in zip(labels, probabilities, counts, frequencies, strict=True))
    return (f"The first {len(first)} of {format_count(n_draws)} draws (seed {seed}): "
            f"{' '.join(first)}{more}\n\n"
            f"| label | probability | count | share of draws |\n|---|---|---|---|\n{rows}")


def log_text(history: Sequence[dict[str, Any]]) -> str:
    """The presses of Draw and New seed, each said to repeat an earlier one or to be new (Markdown)."""
    if not history:
        return ("Press **Draw** to draw again with the same seed, or **New seed** for a new "
                "sequence; each press is listed here.")
    lines = []
    for number, entry in enumerate(history, 1):
        same = entry["same_as"]
        verdict = f"the same {format_count(entry['n'])} draws as #{same}" if same else "a new sequence"
        lines.append(f"{number}. seed {entry['seed']}: {' '.join(entry['first'])} … — **{verdict}**")
    return "Your draws:\n\n" + "\n".join(lines)
