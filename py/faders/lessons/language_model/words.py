"""Every word lesson `language-model` says: its prose, headings, chart titles, help and sentences."""

from __future__ import annotations

import math

from faders.data import NAMES_LICENCE, NAMES_SOURCE, NAMES_SOURCE_URL
from faders.lessons.kit.formatting import format_count, format_number, format_probability

TITLE = "A tiny language model"
TEASER = "Count which letter follows which in 5,000 first names, train a small network, and generate."
# The other lessons this one leans on, as links (never imported: each lesson stands alone).
LOGITS_PAGE = "logits.html"
SCALE_PAGE = "scale.html"

PROSE = f"""
A **language model** reads some text and outputs one number per character it knows, a **logit**,
for what comes next; softmax turns the logits into probabilities, and drawing from them generates
text, one character at a time. Large language models do this over tens of thousands of word pieces
with billions of parameters. This one does it over 27 characters (a to z, and the space that starts
and ends a name) with a few thousand, so you can watch every part of it.

The data: {format_count(5163)} first names, one in ten of them kept aside (the
**validation** set) to check the model on names it never trained on. Source: {NAMES_SOURCE}
([{NAMES_SOURCE_URL}]({NAMES_SOURCE_URL})). Licence: {NAMES_LICENCE}.
"""

COUNTING_HEADING = "### 1 · Counting: which letter follows which"
COUNTING_INTRO = (
    "The simplest language model counts. For every pair of neighbouring characters in the training "
    "names, add one to its cell: the row is the character before, the column the one after. A name "
    f"starts after a space and ends before one. The log of each count (plus one, so that no pair is "
    f"impossible) is a logit: softmax over a row gives the next-character probabilities. "
    f"[The logits lesson]({LOGITS_PAGE}) shows softmax and temperature on their own.")
HEATMAP_TITLE = "How often each pair occurs (log scale)"
HEATMAP_X = "next character"
HEATMAP_Y = "character before"
NEXT_TITLE = "P(next character | the character before)"
TRAINING_HEADING = "### 2 · Training a small network"
TRAINING_INTRO = (
    "Counting sees one character back. A network can read several: the last few characters, each "
    "as a one-hot vector, go through one hidden layer (tanh) to 27 logits. Training repeats forward, "
    "loss, backward, update on random batches of windows from the training names (Adam). The curve "
    "shows its loss on those batches and on the validation names; the dashed line is the bigram's "
    f"validation loss, the dotted one knowing nothing (ln 27). Training costs about 6 · N · D "
    f"floating-point operations for N parameters and D examples seen: [the scale lesson]({SCALE_PAGE}) "
    "works that out for models a billion times larger.")
CURVE_TITLE = "Loss while training (nats per character)"
SAMPLE_HEADING = "What the network writes now (temperature 1, seed 0):"
GENERATING_HEADING = "### 3 · Generating: one character at a time"
GENERATING_INTRO = (
    "Start from a prompt (the first letters of a name, or nothing), ask the model for the next "
    "character's probabilities, draw one with the seed, append it, repeat. Temperature 0 always takes "
    "the likeliest character, so the same prompt gives the same text; above 0 the seed decides, and "
    "the same seed gives the same text again. Top-k keeps only the k likeliest characters.")
STEP_TITLE = "The distribution the chosen character was drawn from (10 likeliest)"
PREVIEW_LABEL = ("How often each letter follows each other one in 5,163 first names, as a colour map, "
                 "and the probabilities of the first letter of a name")

HELP_ROW = "The character before: its row of the table becomes next-character probabilities."
HELP_PROMPT = "The start of the text: lower-case letters a to z and spaces (a space ends a name)."
HELP_TEMPERATURE = ("Divides the logits before softmax: 0 always takes the likeliest, 1 leaves them "
                    "as they are.")
HELP_TOP_K = "Keep only the k likeliest characters before drawing (27 keeps all)."
HELP_SEED = "The seed of the draws: the same seed gives the same text."
HELP_LENGTH = "How many characters to generate."
HELP_MODEL = "Which model generates: the bigram counts, or the network (trained or not)."
HELP_PICK = "Which generated character to look at: its distribution is drawn below."
HELP_CONTEXT = "How many characters before the next one the network reads."
HELP_HIDDEN = "How many hidden units (tanh) the network has between its input and its logits."
HELP_LEARNING_RATE = "How far each update moves the weights (Adam); it can change while training runs."
HELP_BATCH = "How many windows each update learns from."
HELP_STEPS = "Training stops by itself after this many updates."
K_REASON = "there are 27 characters"
PROMPT_RULE = "letters a to z and spaces only, at most 40"


def character_name(character: str) -> str:
    """A character as the page names it: the space is "␣" (a name's start or end)."""
    return "␣" if character == " " else character


def refused_prompt(bad: list[str], kept: str) -> str:
    """Why a prompt was refused, naming its characters outside the vocabulary (already quoted)."""
    listed = ", ".join(f"'{char}'" for char in bad[:5]) + (" and more" if len(bad) > 5 else "")
    return (f"Ignored the prompt: it holds {listed}, which the model does not know ({PROMPT_RULE}); "
            f"kept '{kept}'.")


def losses(vocabulary_size: int, uniform: float, train: float, validation: float) -> str:
    """The loss of knowing nothing against the bigram's, in nats and in words (Markdown)."""
    return (f"**Knowing nothing**: every character equally likely, 1 in {vocabulary_size}: the loss is "
            f"ln {vocabulary_size} = **{format_number(uniform)} nats** per character.  \n"
            f"**Counting pairs**: **{format_number(validation)} nats** on the validation names "
            f"({format_number(train)} on the training names). As if choosing among "
            f"e^{format_number(validation)} ≈ **{format_number(math.exp(validation))}** equally likely "
            f"characters instead of {vocabulary_size}: the loss is the surprise, −ln P, of each true "
            f"next character, averaged.")


def training_message(status: str, updates: int, validation: float, bigram: float,
                     beaten: dict | None) -> str:
    """How training stands, in words."""
    beat = (f" It beat the bigram's {format_number(bigram)} nats after {format_count(beaten['updates'])} "
            f"updates, {beaten['seconds']:.2f} s of training here." if beaten else
            f" The bigram's validation loss to beat: {format_number(bigram)} nats.")
    now = f"validation loss {format_number(validation)} nats after {format_count(updates)} updates."
    if status == "training":
        return f"Training: {now}{beat}"
    if status in ("stopped", "done"):
        return f"Stopped: {now}{beat} Train continues from here; Reset starts again."
    if status == "diverged":
        return "Training diverged: the loss grew beyond what can be shown. Press Reset, try a smaller rate."
    return f"An untrained network: {now} Press Train.{beat}"


def cost(updates: int, parameters: int, examples: int, flops: float) -> str:
    """The network's size and the work of its training so far (Markdown)."""
    return (f"Update **{format_count(updates)}** · **N = {format_count(parameters)}** parameters · "
            f"**D = {format_count(examples)}** examples seen · training ≈ 6 · N · D = **{flops:.3g}** FLOPs")


def row_formula(character: str, top: list[tuple[str, int, float, float]]) -> str:
    """The softmax of one row's log-counts, for its likeliest characters (Markdown table)."""
    lines = [f"After **{character_name(character)}**: logit z = ln(count + 1), P = e^z / Σ e^z",
             "", "| next | count | logit z | P |", "|---|---|---|---|"]
    lines += [f"| {character_name(c)} | {format_count(n)} | {z:.3f} | {format_probability(p)} |"
              for c, n, z, p in top]
    return "\n".join(lines)


def generated(prompt: str, text: str, model: str) -> str:
    """A sentence on what was generated (plain text; the page shows the characters themselves)."""
    who = "the bigram counts" if model == "bigram" else "the network"
    start = f"after the prompt '{prompt}'" if prompt else "from the start of a name"
    names = [name for name in text.split(" ") if name]
    return f"Generated by {who} {start}: {len(text)} characters, {len(names)} name(s) or pieces."


def step_caption(index: int, character: str, probability: float, rank: int) -> str:
    """What the chosen generated character's distribution says (plain text)."""
    return (f"Character {index + 1}, '{character_name(character)}', was drawn with probability "
            f"{format_probability(probability)}: the {ordinal(rank)} likeliest choice at that step.")


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def summary(character: str, likeliest: str, probability: float, text: str) -> str:
    """The lesson in one sentence, for the live region."""
    return (f"After {character_name(character)}, the likeliest next character is "
            f"{character_name(likeliest)} with probability {format_probability(probability)}. "
            f"Generated: {text.strip() or 'spaces only'}.")
