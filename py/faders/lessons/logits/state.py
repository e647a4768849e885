"""Lesson `logits`: softmax turns a model's raw scores into probabilities; temperature, top-k and
seeded draws turn those into choices: deterministic, probabilistic, statistical.

The state: its knobs (one declaration each), the numbers they give, the page's own edits of the rows
and its actions. The page is view.py, the words words.py; the maths is faders.core.softmax's.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import param

from faders.core import softmax as sm
from faders.lessons.kit.knobs import knob
from faders.lessons.kit.lesson import Lesson
from faders.lessons.kit.urlstate import LabelList, NumberList, format_value, parse_item
from faders.lessons.logits import words

DEFAULT_LABELS = ["cat", "dog", "car"]
DEFAULT_LOGITS = [4.2, 2.1, -1.3]
MIN_ROWS, MAX_ROWS = 2, 12
LOGIT_LIMIT = 1000.0
# Names offered for a new row, the first one not yet taken.
NEW_LABELS = ("bird", "fish", "tree", "boat", "apple", "house", "horse", "chair", "train", "cloud",
              "lamp", "shoe", "cup", "star")
# The convergence chart is drawn at about this many draw counts, spread evenly on a log scale.
CHECKPOINTS = 150
SHOWN_DRAWS = 30  # the first draws, listed by name
LOGGED_DRAWS = 12  # the first draws of each press of Draw, in the log
LOG_LENGTH = 6  # presses of Draw / New seed remembered
NEW_SEEDS = 100_000  # New seed picks from 1 to this

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
    title: ClassVar[str] = words.TITLE
    teaser: ClassVar[str] = words.TEASER
    prose: ClassVar[str] = words.PROSE
    actions: ClassVar[tuple[str, ...]] = ("draw", "new_seed", "add_label", "remove_label", "reset")
    embed_height: ClassVar[int] = 2100

    # ---- knobs: one declaration each (kit.knobs) ------------------------------------------
    # Labels and logits are rows the page edits itself; a label must pass the label list's rule
    # (letters and digits, kit.urlstate.LabelList) wherever it comes from.
    labels = knob(LabelList(list(DEFAULT_LABELS), bounds=(MIN_ROWS, MAX_ROWS), max_length=20,
                            doc=words.HELP_LABELS),
                  key="labels", label="Labels")
    logits = knob(NumberList(list(DEFAULT_LOGITS), bounds=(MIN_ROWS, MAX_ROWS),
                             item_bounds=(-LOGIT_LIMIT, LOGIT_LIMIT), bounds_reason=words.LOGIT_LIMIT_REASON,
                             doc=words.HELP_LOGITS),
                  key="logits", label="Logits")
    # The slider covers 0 to 5, where temperature does its work; a box beside it reaches 100.
    temperature = knob(param.Number(1.0, bounds=(0.0, 100.0), step=0.01, doc=words.HELP_TEMPERATURE),
                       key="t", label="Temperature T", widget="slider", start=0.0, end=5.0, format="0.00")
    top_k = knob(param.Integer(0, bounds=(0, MAX_ROWS), doc=words.HELP_TOP_K),
                 key="k", label="Top-k (0 keeps all)", widget="slider")
    seed = knob(param.Integer(0, bounds=(0, 999_999_999), doc=words.HELP_SEED),
                key="seed", label="Seed", widget="input")
    n_draws = knob(param.Integer(1000, bounds=(1, 100_000), step=100, doc=words.HELP_N_DRAWS),
                   key="n", label="Draws N (1 to 100,000)", widget="input")

    # ---- results -------------------------------------------------------------------------
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
            "first_draws": self.first_draws(),
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
            notices.append(words.rows_disagree(given, len(labels), len(logits), format_value(self.labels),
                                               format_value(self.logits)))
            values.pop("labels", None)
            values.pop("logits", None)
            labels = self.labels
        top_k = values.get("top_k", self.top_k)
        assert isinstance(top_k, int)
        if top_k > len(labels):
            kept = min(self.top_k, len(labels))  # k = number of labels keeps them all, as k > it did
            if "top_k" in values:
                notices.append(words.too_large_k(top_k, len(labels), kept))
            values["top_k"] = kept
        return notices

    # ---- words (words.py, with the current numbers) ---------------------------------------

    def summary(self) -> str:
        """The result in one sentence, for the page's live region."""
        out: Outcome = self.outcome
        return words.summary(self.labels[out.top], float(out.probabilities[out.top]), self.temperature,
                             out.entropy, self.n_draws, int(out.counts[out.top]))

    def explanation(self) -> str:
        """Deterministic, probabilistic or statistical: what the current setting shows, in words."""
        out: Outcome = self.outcome
        return words.explanation(self.labels, out.probabilities, out.kept, out.frequencies, out.top,
                                 self.temperature, self.n_draws)

    def formula(self) -> str:
        """The softmax formula with the reader's numbers filled in, as a Markdown table."""
        out: Outcome = self.outcome
        return words.formula(self.labels, self.logits, out.probabilities, out.kept, out.top,
                             self.temperature, out.working)

    def entropy_text(self) -> str:
        out: Outcome = self.outcome
        return words.entropy_text(out.entropy, out.even_entropy, int(out.kept.sum()))

    def first_draws(self, count: int = SHOWN_DRAWS) -> list[str]:
        """The labels of the first `count` draws, in the order drawn."""
        return [self.labels[i] for i in self.outcome.draws[:count]]

    def draws_text(self) -> str:
        """The draws: the first few in order, then counts and shares beside the probabilities."""
        out: Outcome = self.outcome
        return words.draws_text(self.labels, out.probabilities, out.counts, out.frequencies,
                                self.first_draws(), self.n_draws, self.seed)

    def draw_history(self) -> list[dict[str, Any]]:
        """The logged draws, each with the number of the first earlier one it repeats exactly."""
        history: list[dict[str, Any]] = []
        for entry in self.draw_log:
            same = next((number for number, earlier in enumerate(history, 1)
                         if earlier["digest"] == entry["digest"]), None)
            history.append({**entry, "same_as": same})
        return history

    def log_text(self) -> str:
        return words.log_text(self.draw_history())

    # ---- the page's own edits ------------------------------------------------------------

    def edit_label(self, row: int, text: str) -> None:
        """The reader typed a label into a row: take it, or say why not (nothing else changes)."""
        try:
            label = parse_item(self.param.labels, text)
            if label in self.labels[:row] + self.labels[row + 1:]:
                raise ValueError(words.LABEL_TAKEN)
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
        self.row_messages = {**self.row_messages, row: words.refused_row(text, reason, kept)}

    def _accept(self, row: int, **change: list) -> None:
        if change == {name: getattr(self, name) for name in change}:  # typed again, or as 4.20
            self.row_messages = {r: text for r, text in self.row_messages.items() if r != row}
        self.param.update(change)  # new rows clear the messages

    def add_row(self) -> None:
        if len(self.labels) >= MAX_ROWS:
            raise ValueError(words.too_many_rows(MAX_ROWS))
        label = next(name for name in NEW_LABELS if name not in self.labels)
        self.param.update(labels=[*self.labels, label], logits=[*self.logits, 0.0])

    def remove_row(self, row: int) -> None:
        if len(self.labels) <= MIN_ROWS:
            raise ValueError(words.too_few_rows(MIN_ROWS))
        labels, logits = list(self.labels), list(self.logits)
        del labels[row], logits[row]
        # Top-k of more labels than there are keeps them all, as k = len(labels) does.
        self.param.update(labels=labels, logits=logits, top_k=min(self.top_k, len(labels)))

    # ---- actions -------------------------------------------------------------------------

    async def do_draw(self) -> None:
        """Draw N again, from the current seed, and log it beside the earlier draws."""
        self.outcome = out = compute(self.logits, self.temperature, self.top_k, self.seed, self.n_draws)
        entry = {"seed": self.seed, "n": self.n_draws, "digest": out.digest,
                 "first": self.first_draws(LOGGED_DRAWS)}
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
