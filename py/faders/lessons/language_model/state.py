"""Lesson `language-model`: count which letter follows which, train a small network, generate names.

The state: its knobs (one declaration each), the numbers they give and its actions. The page is
view.py, the words words.py; the maths is faders.core.language_model's, the data faders.data's.
"""

from __future__ import annotations

import math
import secrets
import time
from typing import Any, ClassVar

import numpy as np
import param

from faders.core.language_model import (
    BigramModel,
    CharMLP,
    GenerationStep,
    LanguageModel,
    Vocabulary,
    generate,
    generation_steps,
    name_windows,
    names_text,
    split_names,
)
from faders.core.optimizers import Adam
from faders.data import NAMES_LICENCE, NAMES_SOURCE, NAMES_SOURCE_URL, first_names
from faders.lessons.kit.history import LossHistory
from faders.lessons.kit.knobs import knob
from faders.lessons.kit.lesson import Lesson
from faders.lessons.kit.run import TrainingRun
from faders.lessons.kit.safe_text import quote
from faders.lessons.language_model import words

# The data, split once with a fixed seed: one name in ten is for validation only.
VALIDATION_SHARE, SPLIT_SEED = 0.1, 0
NAMES = first_names()
TRAIN_NAMES, VALIDATION_NAMES = split_names(NAMES, VALIDATION_SHARE, SPLIT_SEED)
VOCABULARY = Vocabulary.from_text(names_text(NAMES))  # the space and a to z: 27 characters
SMOOTHING = 1.0  # add-one: the log of a count + 1 is the logit, and no pair is impossible
BIGRAM = BigramModel.fit(names_text(TRAIN_NAMES), VOCABULARY, SMOOTHING)
# The characters as knobs name them (a URL cannot hold a lone space well): "space", "a" … "z".
CHARACTER_CHOICES = ["space" if c == " " else c for c in VOCABULARY.characters]
MAX_PROMPT = 40
MAX_LENGTH = 200
SHOWN_CANDIDATES = 10  # a generated character's distribution: its likeliest candidates
NEW_SEEDS = 100_000
# Training: mini-batch updates in short rounds (the page redraws between them); every MEASURE_EVERY
# updates the curve gets a row: the mean loss of those batches, and the loss on the validation names.
UPDATES_PER_ROUND = 10
MEASURE_EVERY = 100
FRAME_SECONDS = 0.05
NETWORK_SEED = 0  # the first weights and the order of the mini-batches: a run repeats
SAMPLE_LENGTH, SAMPLE_SEED = 48, 0  # what the network writes as it trains, at temperature 1
TRAIN_LOSS_SAMPLE = 4000  # windows: the training loss before the first update


def character_of(choice: str) -> str:
    return " " if choice == "space" else choice


class LanguageModelLesson(Lesson):
    """A bigram counted from first names, a small network trained on them, and seeded generation."""

    slug: ClassVar[str] = "language-model"
    title: ClassVar[str] = words.TITLE
    teaser: ClassVar[str] = words.TEASER
    prose: ClassVar[str] = words.PROSE
    actions: ClassVar[tuple[str, ...]] = ("train", "stop", "reset", "new_seed")
    embed_height: ClassVar[int] = 2400

    # ---- knobs: one declaration each (kit.knobs) ------------------------------------------
    row = knob(param.Selector(default="space", objects=CHARACTER_CHOICES, doc=words.HELP_ROW),
               key="c", label="Character before", live=True)
    model = knob(param.Selector(default="bigram", objects=["bigram", "network"], doc=words.HELP_MODEL),
                 key="model", label="Model", live=True)
    # Outside text: checked character by character (check_together), shown only as text.
    prompt = knob(param.String(default="", doc=words.HELP_PROMPT), key="prompt", label="Prompt",
                  live=True)
    temperature = knob(param.Number(1.0, bounds=(0.0, 10.0), step=0.05, doc=words.HELP_TEMPERATURE),
                       key="t", label="Temperature T", live=True, widget="slider", end=3.0,
                       format="0.00")
    top_k = knob(param.Integer(VOCABULARY.size, bounds=(1, VOCABULARY.size), doc=words.HELP_TOP_K),
                 key="k", label="Top-k", live=True, widget="slider", bounds_reason=words.K_REASON)
    seed = knob(param.Integer(0, bounds=(0, 999_999_999), doc=words.HELP_SEED), key="seed",
                label="Seed", live=True, widget="input")
    length = knob(param.Integer(40, bounds=(1, MAX_LENGTH), doc=words.HELP_LENGTH), key="n",
                  label="Length", live=True, widget="input")
    pick = knob(param.Integer(0, bounds=(0, MAX_LENGTH - 1), doc=words.HELP_PICK), key="at",
                label="Look at character #", live=True, widget="input")
    context = knob(param.Integer(3, bounds=(1, 8), doc=words.HELP_CONTEXT), key="ctx",
                   label="Context (characters read)", restarts=True, widget="slider")
    hidden = knob(param.Integer(64, bounds=(4, 256), doc=words.HELP_HIDDEN), key="hidden",
                  label="Hidden units", restarts=True, widget="input")
    learning_rate = knob(param.Number(0.01, bounds=(0.0001, 0.1), step=0.0005, doc=words.HELP_LEARNING_RATE),
                         key="lr", label="Learning rate", live=True, widget="input")
    batch_size = knob(param.Integer(32, bounds=(1, 512), doc=words.HELP_BATCH), key="batch",
                      label="Batch size", live=True, widget="input")
    max_steps = knob(param.Integer(3000, bounds=(MEASURE_EVERY, 1_000_000), step=MEASURE_EVERY,
                                   doc=words.HELP_STEPS),
                     key="steps", label="Stop after updates", widget="input")

    # ---- results -------------------------------------------------------------------------
    steps = param.List(default=[], doc="The generation: one core GenerationStep per character.")
    status = param.Selector(default="idle", objects=["idle", "training", "stopped", "done", "diverged"])
    curve = param.List(default=[], doc="[update, training loss, validation loss] rows, thinned.")
    sample = param.String(default="", doc="What the network writes now, at temperature 1.")
    progress = param.Integer(default=0, doc="Updates made so far, published with every frame.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        self.training_run = TrainingRun(self)
        self.restart()

    def restart(self) -> None:
        """A fresh network for the current context and width, untrained: update 0."""
        self.network = CharMLP(VOCABULARY, context=self.context, hidden=self.hidden, seed=NETWORK_SEED)
        self._windows = name_windows(TRAIN_NAMES, VOCABULARY, self.context)
        self._validation = name_windows(VALIDATION_NAMES, VOCABULARY, self.context)
        self._optimizer = Adam(learning_rate=self.learning_rate)
        self._rng = np.random.default_rng(NETWORK_SEED)
        self.updates, self.examples, self.seconds, self.beaten = 0, 0, 0.0, None
        self._published_rows = -1
        self._batch_losses: list[float] = []
        windows, following = self._windows
        first = (0, self.network.windows_loss(windows[:TRAIN_LOSS_SAMPLE], following[:TRAIN_LOSS_SAMPLE]),
                 self.network.windows_loss(*self._validation))
        self.training_run.history = LossHistory(first)
        self.status = "idle"
        self._publish()
        self.generate()

    # ---- numbers -------------------------------------------------------------------------

    @property
    def generator(self) -> LanguageModel:
        """The model that generates: the bigram's counts or the network."""
        return BIGRAM if self.model == "bigram" else self.network

    @param.depends("model", "prompt", "temperature", "top_k", "seed", "length", watch=True)
    def generate(self) -> None:
        """Generate again from the knobs (the same knobs give the same text)."""
        self.steps = generation_steps(self.generator, self.prompt, self.length, self.temperature,
                                      self.top_k, self.seed)

    @property
    def text(self) -> str:
        return VOCABULARY.decode([step.drawn for step in self.steps])

    @property
    def picked(self) -> int:
        """The generated character looked at: `pick`, or the last one when the text is shorter."""
        return min(self.pick, len(self.steps) - 1)

    def row_numbers(self) -> list[tuple[str, int, float, float]]:
        """The chosen row, every next character: (character, count, logit ln(count + 1), P)."""
        a = VOCABULARY.characters.index(character_of(self.row))
        counts, logits = BIGRAM.counts[a], np.log(BIGRAM.counts[a] + SMOOTHING)
        probabilities = BIGRAM.probabilities[a]
        return [(c, int(counts[b]), float(logits[b]), float(probabilities[b]))
                for b, c in enumerate(VOCABULARY.characters)]

    def losses(self) -> dict[str, float]:
        """Knowing nothing (ln V) and the bigram's, in nats per character."""
        return {"uniform": math.log(VOCABULARY.size),
                "bigram_train": BIGRAM.loss(names_text(TRAIN_NAMES)),
                "bigram_validation": BIGRAM.loss(names_text(VALIDATION_NAMES))}

    def step_numbers(self, index: int) -> dict[str, Any]:
        """One generated character: its candidates (likeliest first) and the one drawn."""
        step: GenerationStep = self.steps[index]
        order = np.argsort(-step.probabilities, kind="stable")
        return {"index": index, "character": VOCABULARY.characters[step.drawn],
                "probability": float(step.probabilities[step.drawn]),
                "rank": int(np.flatnonzero(order == step.drawn)[0]) + 1,
                "top": [[VOCABULARY.characters[i], float(step.probabilities[i])]
                        for i in order[:SHOWN_CANDIDATES]]}

    @property
    def history(self) -> LossHistory:
        assert self.training_run.history is not None
        return self.training_run.history

    def training_numbers(self) -> dict[str, Any]:
        """The network's size, the work of its training so far (≈ 6·N·D) and where it stands."""
        _, train, validation = self.history.last
        return {"status": self.status, "updates": self.updates, "train_loss": train,
                "validation_loss": validation, "parameters": self.network.parameter_count,
                "examples": self.examples, "flops": 6 * self.network.parameter_count * self.examples,
                "seconds": self.seconds,
                "beat_bigram": self.beaten, "curve": list(self.curve), "sample": self.sample}

    def message(self) -> str:
        numbers = self.training_numbers()
        return words.training_message(self.status, numbers["updates"], numbers["validation_loss"],
                                      self.losses()["bigram_validation"], self.beaten)

    def results(self) -> dict[str, Any]:
        row = self.row_numbers()
        return {
            "corpus": {"names": len(NAMES), "train": len(TRAIN_NAMES), "validation": len(VALIDATION_NAMES),
                       "source": NAMES_SOURCE, "url": NAMES_SOURCE_URL, "licence": NAMES_LICENCE,
                       "split_seed": SPLIT_SEED},
            "vocabulary": VOCABULARY.characters,
            "bigram": {"counts": BIGRAM.counts.astype(int).tolist(), "smoothing": SMOOTHING,
                       "row": character_of(self.row),
                       "next": {c: p for c, _, _, p in row},
                       "logits": {c: z for c, _, z, _ in row},
                       "parameters": BIGRAM.parameter_count},
            "losses": self.losses(),
            "network": self.training_numbers(),
            "generation": {
                "model": self.model, "prompt": self.prompt, "text": self.text,
                "temperature": self.temperature, "top_k": self.top_k, "seed": self.seed,
                "steps": [self.step_numbers(i) for i in range(len(self.steps))],
                "picked": self.step_numbers(self.picked)},
        }

    def summary(self) -> str:
        row = self.row_numbers()
        best = max(row, key=lambda r: r[3])
        return words.summary(character_of(self.row), best[0], best[3], self.text)

    # ---- outside values ------------------------------------------------------------------

    def check_together(self, values: dict[str, object]) -> list[str]:
        """A prompt may hold only the model's characters: any other is named and the prompt kept."""
        prompt = values.get("prompt")
        if prompt is None:
            return []
        assert isinstance(prompt, str)
        bad = sorted({char for char in prompt if char not in VOCABULARY.characters})
        if not bad and len(prompt) <= MAX_PROMPT:
            return []
        del values["prompt"]
        return [words.refused_prompt([quote(char) for char in bad] or [quote(prompt)], quote(self.prompt))]

    # ---- training ------------------------------------------------------------------------

    def _one_round(self) -> bool:
        """UPDATES_PER_ROUND updates on random mini-batches; every MEASURE_EVERY updates (and at the
        last one) a row of the curve with the validation loss. False when the run diverged."""
        began = time.perf_counter()
        self._optimizer.learning_rate = self.learning_rate  # live: the next update uses it
        windows, following = self._windows
        with np.errstate(all="ignore"):
            for _ in range(UPDATES_PER_ROUND):
                self._batch_losses.append(self.network.update(windows, following, self._optimizer,
                                                              self._rng, self.batch_size))
            self.updates += UPDATES_PER_ROUND
            self.examples += UPDATES_PER_ROUND * self.batch_size
            measured = self.updates % MEASURE_EVERY == 0 or self.updates >= self.max_steps
            if measured:
                validation = self.network.windows_loss(*self._validation)
        self.seconds += time.perf_counter() - began
        if not measured:
            return math.isfinite(self._batch_losses[-1])
        self.history.append((self.updates, float(np.mean(self._batch_losses)), validation))
        self._batch_losses = []
        if self.beaten is None and validation < self.losses()["bigram_validation"]:
            self.beaten = {"updates": self.updates, "seconds": self.seconds}
        return math.isfinite(validation)

    def _publish(self) -> None:
        """The frame the page draws: the updates so far; with each new row of the curve, the curve and
        what the network writes now."""
        changes: dict[str, Any] = {"progress": self.updates}
        if self.history.count != self._published_rows:
            self._published_rows = self.history.count
            changes["curve"] = [list(row) for row in self.history]
            changes["sample"] = generate(self.network, "", SAMPLE_LENGTH, 1.0, None, SAMPLE_SEED)
        self.param.update(changes)

    def announcement(self, status_name: str = "status") -> str:
        return self.message()

    # ---- actions -------------------------------------------------------------------------

    async def do_train(self) -> None:
        """Train until Stop or the number of updates, drawing the curve about ten times a second."""
        if self.training_run.running or self.status == "diverged":
            return
        outcome, _ = await self.training_run.train(
            self._one_round, lambda: self.updates >= self.max_steps, self._publish, FRAME_SECONDS)
        self._publish()
        self.training_run.end(outcome)
        if self.model == "network":
            self.generate()

    async def do_stop(self) -> None:
        self.training_run.stop()

    async def do_reset(self) -> None:
        """An untrained network again (the same seed gives the same first weights)."""
        await self.training_run.halt()
        self.restart()

    async def do_new_seed(self) -> None:
        """Another seed: another text from the same model and knobs."""
        seed = self.seed
        while seed == self.seed:
            seed = 1 + secrets.randbelow(NEW_SEEDS)
        self.seed = seed
