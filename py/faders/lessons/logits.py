"""Lesson `logits`: softmax turns a model's raw scores into probabilities; temperature, top-k and
seeded draws turn those into choices: deterministic, probabilistic, statistical."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import panel as pn
import param

from faders.core import softmax as sm
from faders.lessons.kit.formatting import format_count, format_number, format_probability
from faders.lessons.kit.lesson import Lesson
from faders.lessons.kit.safe_text import quote
from faders.lessons.kit.urlstate import LabelList, NumberList, format_value, parse_item

DEFAULT_LABELS = ["cat", "dog", "car"]
DEFAULT_LOGITS = [4.2, 2.1, -1.3]
MIN_ROWS, MAX_ROWS = 2, 12
LOGIT_LIMIT = 1000.0
LOGIT_LIMIT_REASON = ("real models' logits seldom pass a few dozen, and within ±1000 every number "
                      "here can be shown")
# Names offered for a new row, the first one not yet taken.
NEW_LABELS = ("bird", "fish", "tree", "boat", "apple", "house", "horse", "chair", "train", "cloud",
              "lamp", "shoe", "cup", "star")
# The convergence chart is drawn at about this many draw counts, spread evenly on a log scale.
CHECKPOINTS = 150
SHOWN_DRAWS = 30  # the first draws, listed by name
LOGGED_DRAWS = 12  # the first draws of each press of Draw, in the log
LOG_LENGTH = 6  # presses of Draw / New seed remembered
NEW_SEEDS = 100_000  # New seed picks from 1 to this

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


@dataclass(frozen=True)
class Outcome:
    """Every number the lesson shows for the current knobs, computed once per change."""

    probabilities: np.ndarray
    kept: np.ndarray  # True for the labels top-k keeps
    working: sm.SoftmaxWorking | None  # the formula over the kept labels; None at temperature 0
    entropy: float  # bits
    even_entropy: float  # bits, if every kept label were equally likely
    top: int  # the label with the largest logit: the choice at temperature 0
    draws: np.ndarray  # label indices, in the order drawn
    counts: np.ndarray
    frequencies: np.ndarray
    checkpoints: np.ndarray  # draw counts at which the convergence chart is drawn
    running: np.ndarray  # each label's share of the first `checkpoints[i]` draws

    @property
    def digest(self) -> str:
        """A fingerprint of the whole sequence of draws, to tell two sequences apart."""
        return hashlib.sha256(self.draws.astype(np.int64).tobytes()).hexdigest()[:16]


def compute(logits: list[float], temperature: float, top_k: int, seed: int, n_draws: int) -> Outcome:
    """Softmax, entropy and seeded draws for one setting, all from faders.core."""
    z = np.asarray(logits, dtype=float)
    k = top_k or None  # 0 keeps every label
    kept = sm.top_k_mask(z, k or z.size)
    probabilities = sm.softmax(z, temperature, top_k=k)
    working = sm.softmax_working(z[kept], temperature) if temperature > 0 else None
    draws = sm.sample(probabilities, n_draws, seed)
    checkpoints = np.unique(np.geomspace(1, n_draws, CHECKPOINTS).round().astype(int))
    running = sm.running_frequencies(draws, z.size)[checkpoints - 1]
    n_kept = int(kept.sum())
    return Outcome(
        probabilities=probabilities, kept=kept, working=working,
        entropy=sm.entropy(probabilities), even_entropy=sm.entropy(np.full(n_kept, 1 / n_kept)),
        top=int(np.argmax(sm.argmax_one_hot(z))), draws=draws,
        counts=sm.draw_counts(draws, z.size), frequencies=sm.draw_frequencies(draws, z.size),
        checkpoints=checkpoints, running=running)


class LogitsLesson(Lesson):
    """Logits to probabilities to choices."""

    slug: ClassVar[str] = "logits"
    title: ClassVar[str] = "Logits, softmax and temperature"
    teaser: ClassVar[str] = ("Turn a model's raw scores into probabilities, sharpen or flatten them "
                             "with temperature, and draw: one answer, or many.")
    prose: ClassVar[str] = PROSE
    url_names: ClassVar[dict[str, str]] = {
        "labels": "labels", "logits": "logits", "t": "temperature", "k": "top_k", "seed": "seed",
        "n": "n_draws"}
    actions: ClassVar[tuple[str, ...]] = ("draw", "new_seed", "add_label", "remove_label", "reset")
    embed_height: ClassVar[int] = 2100

    labels = LabelList(list(DEFAULT_LABELS), bounds=(MIN_ROWS, MAX_ROWS), max_length=20,
                       doc="One name per possible answer.")
    logits = NumberList(list(DEFAULT_LOGITS), bounds=(MIN_ROWS, MAX_ROWS),
                        item_bounds=(-LOGIT_LIMIT, LOGIT_LIMIT), bounds_reason=LOGIT_LIMIT_REASON,
                        doc="The model's raw score for each label.")
    temperature = param.Number(1.0, bounds=(0.0, 100.0), doc="Divides the logits; 0 means argmax.")
    top_k = param.Integer(0, bounds=(0, MAX_ROWS), doc="Keep the k largest logits; 0 keeps them all.")
    seed = param.Integer(0, bounds=(0, 999_999_999), doc="Where the random draws start.")
    n_draws = param.Integer(1000, bounds=(1, 100_000), doc="How many labels to draw.")

    outcome = param.Parameter(doc="The numbers for the current knobs (an Outcome).")
    row_messages = param.Dict(default={}, doc="Row -> why what the reader typed there was refused.")
    draw_log = param.List(default=[], doc="The last presses of Draw and New seed, oldest first.")

    def __init__(self, **params: Any) -> None:
        self._compared: tuple | None = None
        super().__init__(**params)

    # ---- numbers -------------------------------------------------------------------------

    @param.depends("labels", "logits", "temperature", "top_k", "seed", "n_draws", watch=True,
                   on_init=True)
    def _compute(self) -> None:
        if len(self.labels) != len(self.logits):
            raise ValueError(f"{len(self.labels)} labels but {len(self.logits)} logits: set both "
                             "together, e.g. lesson.param.update(labels=[...], logits=[...])")
        # Draws stay comparable while only the seed changes; anything else starts a new log.
        compared = (tuple(self.labels), tuple(self.logits), self.temperature, self.top_k, self.n_draws)
        if compared != self._compared and self.draw_log:
            self.draw_log = []
        # New rows make every message about what was typed into the old ones stale.
        if self._compared and compared[:2] != self._compared[:2] and self.row_messages:
            self.row_messages = {}
        self._compared = compared
        self.outcome = compute(self.logits, self.temperature, self.top_k, self.seed, self.n_draws)

    def results(self) -> dict[str, Any]:
        out: Outcome = self.outcome
        working = out.working
        return {
            "labels": list(self.labels), "logits": list(self.logits),
            "temperature": self.temperature, "top_k": self.top_k,
            "kept": out.kept.tolist(),
            "probabilities": out.probabilities.tolist(),
            "entropy_bits": out.entropy, "even_entropy_bits": out.even_entropy,
            "argmax": self.labels[out.top],
            "formula": None if working is None else {
                "labels": [label for label, kept in zip(self.labels, out.kept, strict=True) if kept],
                "scaled": working.scaled.tolist(), "shift": working.shift,
                "terms": working.terms.tolist(), "total": working.total},
            "seed": self.seed, "n_draws": self.n_draws,
            "first_draws": [self.labels[i] for i in out.draws[:SHOWN_DRAWS]],
            "draws": out.draws[:1000].tolist(),  # the first thousand, in order
            "counts": out.counts.tolist(), "frequencies": out.frequencies.tolist(),
            "convergence": {"n": out.checkpoints.tolist(), "frequencies": out.running.tolist()},
            "draw_log": self.draw_history(),
            "row_messages": {str(row): text for row, text in self.row_messages.items()},
            "explanation": self.explanation(),
        }

    def check_together(self, values: dict[str, object]) -> list[str]:
        notices = []
        labels, logits = values.get("labels", self.labels), values.get("logits", self.logits)
        assert isinstance(labels, list) and isinstance(logits, list)
        if len(labels) != len(logits):
            given = " and ".join(key for key in ("labels", "logits") if key in values)
            notices.append(f"Ignored {given}: that makes {len(labels)} labels and {len(logits)} "
                           f"logits, and each label needs one logit; kept labels="
                           f"{format_value(self.labels)} and logits={format_value(self.logits)}.")
            values.pop("labels", None)
            values.pop("logits", None)
            labels = self.labels
        top_k = values.get("top_k", self.top_k)
        assert isinstance(top_k, int)
        if top_k > len(labels):
            kept = min(self.top_k, len(labels))  # k = number of labels keeps them all, as k > it did
            if "top_k" in values:
                notices.append(f"Ignored k='{top_k}': there are only {len(labels)} labels (k = 0 "
                               f"keeps them all); kept {kept}.")
            values["top_k"] = kept
        return notices

    # ---- words ---------------------------------------------------------------------------

    def summary(self) -> str:
        """The result in one sentence, for the page's live region."""
        out: Outcome = self.outcome
        top = quote(self.labels[out.top])
        share = out.counts[out.top]
        return (f"Most likely: {top}, probability {format_probability(float(out.probabilities[out.top]))} "
                f"at temperature {self.temperature:g}; entropy {out.entropy:.2f} bits. In "
                f"{self.n_draws:,} draws, {top} came up {int(share):,} times.")

    def explanation(self) -> str:
        """Deterministic, probabilistic or statistical: what the current setting shows, in words."""
        out: Outcome = self.outcome
        top, n = self.labels[out.top], format_count(self.n_draws)
        if self.temperature == 0:
            return (f"**Deterministic.** At temperature 0 nothing is left to chance: the answer is "
                    f"the label with the largest logit, **{top}**, every time. Same input, same "
                    f"answer, whatever the seed: all {n} draws below are {top}.")
        certain = np.flatnonzero(out.probabilities == 1.0)
        if certain.size:
            only = self.labels[certain[0]]
            return (f"**Deterministic here too.** Even at temperature {self.temperature:g}, "
                    f"**{only}** gets all the probability (top-k, or gaps between logits far "
                    f"wider than the temperature, leave the others none), so every draw is {only}.")
        shares = ", ".join(f"{label} {p:.1%}" for label, p, kept in
                           zip(self.labels, out.probabilities, out.kept, strict=True) if kept)
        frequency, p = out.frequencies[out.top], out.probabilities[out.top]
        return (f"**Probabilistic.** At temperature {self.temperature:g} the model gives not one "
                f"answer but a distribution: {shares}. A single draw can be any label with a "
                f"chance above zero, and the next draw may differ.\n\n"
                f"**Statistical.** Over many draws, how often each label comes up settles near its "
                f"probability: in these {n} draws {top} came up {frequency:.1%} of the time, for a "
                f"probability of {p:.1%}. The more draws, the closer they get.")

    def formula(self) -> str:
        """The softmax formula with the reader's numbers filled in, as a Markdown table."""
        out: Outcome = self.outcome
        if out.working is None:
            rows = "".join(f"| {label} | {format_number(z)} | **{'1' if i == out.top else '0'}** |\n"
                           for i, (label, z) in enumerate(zip(self.labels, self.logits, strict=True)))
            return (f"At temperature 0 the formula would divide by zero. The rule is the limit it "
                    f"tends to: all the probability goes to the largest logit, "
                    f"**{self.labels[out.top]}** (the argmax).\n\n"
                    f"| label | logit z | p |\n|---|---|---|\n{rows}")
        working, t = out.working, format_number(self.temperature)
        shifted = f" − {format_number(working.shift)}" if working.shift else ""
        total = format_number(working.total)
        kept_terms = iter(zip(working.scaled, working.terms, strict=True))
        rows = ""
        for label, z, p, kept in zip(self.labels, self.logits, out.probabilities, out.kept, strict=True):
            if not kept:
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

    def entropy_text(self) -> str:
        out: Outcome = self.outcome
        kept = int(out.kept.sum())
        return (f"**Entropy {out.entropy:.3f} bits.** 0 would mean one certain answer; "
                f"{out.even_entropy:.3f} bits (log₂ {kept}) would mean all {kept} kept labels "
                f"equally likely.")

    def draws_text(self) -> str:
        """The draws: the first few in order, then counts and shares beside the probabilities."""
        out: Outcome = self.outcome
        first = " ".join(self.labels[i] for i in out.draws[:SHOWN_DRAWS])
        more = " …" if self.n_draws > SHOWN_DRAWS else ""
        shown = min(self.n_draws, SHOWN_DRAWS)
        rows = "".join(
            f"| {label} | {format_probability(p)} | {format_count(int(count))} | "
            f"{format_probability(share)} |\n"
            for label, p, count, share in zip(self.labels, out.probabilities, out.counts,
                                              out.frequencies, strict=True))
        return (f"The first {shown} of {format_count(self.n_draws)} draws (seed {self.seed}): "
                f"{first}{more}\n\n"
                f"| label | probability | count | share of draws |\n|---|---|---|---|\n{rows}")

    def draw_history(self) -> list[dict[str, Any]]:
        """The logged draws, each with the number of the first earlier one it repeats exactly."""
        history: list[dict[str, Any]] = []
        for entry in self.draw_log:
            same = next((number for number, earlier in enumerate(history, 1)
                         if earlier["digest"] == entry["digest"]), None)
            history.append({**entry, "same_as": same})
        return history

    def log_text(self) -> str:
        if not self.draw_log:
            return ("Press **Draw** to draw again with the same seed, or **New seed** for a new "
                    "sequence; each press is listed here.")
        lines = []
        for number, entry in enumerate(self.draw_history(), 1):
            same = entry["same_as"]
            verdict = (f"the same {format_count(entry['n'])} draws as #{same}" if same
                       else "a new sequence")
            lines.append(f"{number}. seed {entry['seed']}: {' '.join(entry['first'])} … "
                         f"— **{verdict}**")
        return "Your draws:\n\n" + "\n".join(lines)

    # ---- the page's own edits ------------------------------------------------------------

    def edit_label(self, row: int, text: str) -> None:
        """The reader typed a label into a row: take it, or say why not (nothing else changes)."""
        try:
            label = parse_item(self.param.labels, text)
            if label in self.labels[:row] + self.labels[row + 1:]:
                raise ValueError("is already the name of another row, and each label must differ")
        except ValueError as reason:
            return self._refuse(row, text, reason, self.labels[row])
        self._accept(row, labels=[*self.labels[:row], label, *self.labels[row + 1:]])

    def edit_logit(self, row: int, text: str) -> None:
        """The reader typed a logit into a row: take it, or say why not (nothing else changes)."""
        try:
            logit = parse_item(self.param.logits, text)
        except ValueError as reason:
            return self._refuse(row, text, reason, format_value(self.logits[row]))
        self._accept(row, logits=[*self.logits[:row], logit, *self.logits[row + 1:]])

    def _refuse(self, row: int, text: str, reason: ValueError, kept: str) -> None:
        self.row_messages = {**self.row_messages, row: f"'{quote(text)}' {reason}; kept {kept}."}

    def _accept(self, row: int, **change: list) -> None:
        if change == {name: getattr(self, name) for name in change}:  # typed again, or as 4.20
            self.row_messages = {r: text for r, text in self.row_messages.items() if r != row}
        self.param.update(change)  # new rows clear the messages

    def add_row(self) -> None:
        if len(self.labels) >= MAX_ROWS:
            raise ValueError(f"There are already {MAX_ROWS} labels, the most this lesson shows.")
        label = next(name for name in NEW_LABELS if name not in self.labels)
        self.param.update(labels=[*self.labels, label], logits=[*self.logits, 0.0])

    def remove_row(self, row: int) -> None:
        if len(self.labels) <= MIN_ROWS:
            raise ValueError(f"A choice needs at least {MIN_ROWS} labels.")
        labels, logits = list(self.labels), list(self.logits)
        del labels[row], logits[row]
        # Top-k of more labels than there are keeps them all, as k = len(labels) does.
        self.param.update(labels=labels, logits=logits, top_k=min(self.top_k, len(labels)))

    # ---- actions -------------------------------------------------------------------------

    async def do_draw(self) -> None:
        """Draw N again, from the current seed, and log it beside the earlier draws."""
        self.outcome = out = compute(self.logits, self.temperature, self.top_k, self.seed, self.n_draws)
        entry = {"seed": self.seed, "n": self.n_draws, "digest": out.digest,
                 "first": [self.labels[i] for i in out.draws[:LOGGED_DRAWS]]}
        self.draw_log = [*self.draw_log, entry][-LOG_LENGTH:]

    async def do_new_seed(self) -> None:
        """Pick a new seed at random (never the current one), then draw."""
        seed = self.seed
        while seed == self.seed:
            seed = 1 + secrets.randbelow(NEW_SEEDS)
        self.seed = seed
        await self.do_draw()

    async def do_add_label(self) -> None:
        self.add_row()

    async def do_remove_label(self) -> None:
        """Remove the last row (the page has a Remove button on every row)."""
        self.remove_row(len(self.labels) - 1)

    async def do_reset(self) -> None:
        self.param.update(labels=list(DEFAULT_LABELS), logits=list(DEFAULT_LOGITS), temperature=1.0,
                          top_k=0, seed=0, n_draws=1000, row_messages={}, draw_log=[], notices=[])

    # ---- view ----------------------------------------------------------------------------

    def view(self, with_prose: bool = False) -> pn.viewable.Viewable:
        from faders.lessons.logits_view import LogitsView

        return LogitsView(self, with_prose=with_prose).layout
