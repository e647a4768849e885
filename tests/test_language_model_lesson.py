"""Lesson `language-model` in CPython: every number it shows is faders.core's (and a count by hand's)
for the same settings; seeded generation; its link, refusals and actions."""

from __future__ import annotations

import math
from collections import Counter
from itertools import pairwise

import numpy as np
import panel as pn
import pytest

from faders.core.language_model import BigramModel, generate, generation_steps, names_text, split_names
from faders.data import first_names
from faders.lessons.kit.charts import figures, title_of
from faders.lessons.language_model import LanguageModelLesson, words
from faders.lessons.language_model.state import TRAIN_NAMES, VALIDATION_NAMES, VOCABULARY
from tests.helpers import run

SETTINGS = {"c": "q", "model": "bigram", "prompt": "el", "t": "0.7", "k": "5", "seed": "42",
            "n": "60", "at": "7", "ctx": "4", "hidden": "48", "lr": "0.02", "batch": "64", "steps": "2000"}


class Page:
    """The lesson's page as a reader sees it: its text panes and its charts' data."""

    def __init__(self, lesson: LanguageModelLesson) -> None:
        self.layout = lesson.view()

    @property
    def text(self) -> str:
        panes = [*self.layout.select(pn.pane.Markdown), *self.layout.select(pn.pane.HTML)]
        return "\n".join(str(pane.object) for pane in panes)

    def data(self, title: str, column: str) -> list:
        fig = next(fig for fig in figures(self.layout) if title_of(fig) == title)
        return list(fig.renderers[0].data_source.data[column])


def test_the_split_and_vocabulary_are_the_cores() -> None:
    train, validation = split_names(first_names(), 0.1, 0)
    assert (train, validation) == (TRAIN_NAMES, VALIDATION_NAMES)
    assert len(validation) == 516 and VOCABULARY.characters == " abcdefghijklmnopqrstuvwxyz"


def test_the_counts_are_a_count_by_hand_and_the_probabilities_normalised_counts() -> None:
    counts = LanguageModelLesson().results()["bigram"]["counts"]
    by_hand = Counter()
    for name in TRAIN_NAMES:
        padded = f" {name} "
        by_hand.update(pairwise(padded))
    table = VOCABULARY.characters
    assert counts == [[by_hand[(a, b)] for b in table] for a in table]
    lesson = LanguageModelLesson(row="e")
    row = np.array(counts[table.index("e")], dtype=float)
    expected = (row + 1) / (row + 1).sum()
    assert np.allclose(list(lesson.results()["bigram"]["next"].values()), expected, rtol=1e-12)
    # and they are the softmax of the logits ln(count + 1)
    logits = np.array(list(lesson.results()["bigram"]["logits"].values()))
    assert np.allclose(np.exp(logits) / np.exp(logits).sum(), expected, rtol=1e-12)


@pytest.mark.parametrize("settings", [{}, SETTINGS])
def test_every_number_shown_is_the_cores(settings: dict[str, str]) -> None:
    lesson = LanguageModelLesson()
    assert lesson.apply(settings) == []
    results = lesson.results()
    bigram = BigramModel.fit(names_text(TRAIN_NAMES), VOCABULARY)
    assert results["losses"] == {"uniform": math.log(27),
                                 "bigram_train": bigram.loss(names_text(TRAIN_NAMES)),
                                 "bigram_validation": bigram.loss(names_text(VALIDATION_NAMES))}
    generation = results["generation"]
    text = generate(bigram, lesson.prompt, lesson.length, lesson.temperature, lesson.top_k, lesson.seed)
    assert generation["text"] == text and len(text) == lesson.length
    steps = generation_steps(bigram, lesson.prompt, lesson.length, lesson.temperature, lesson.top_k,
                             lesson.seed)
    picked = generation["picked"]
    step = steps[picked["index"]]
    assert picked["character"] == VOCABULARY.characters[step.drawn]
    assert picked["probability"] == step.probabilities[step.drawn]
    assert picked["top"][0][1] == step.probabilities.max()

    page = Page(lesson)
    row = [p for p in results["bigram"]["next"].values()]
    assert page.data(words.NEXT_TITLE, "p") == row
    assert page.data(words.STEP_TITLE, "p") == [p for _, p in picked["top"]]
    assert f"{results['losses']['bigram_validation']:.4g}" in page.text
    assert f"{math.log(27):.4g}" in page.text


def test_temperature_zero_is_argmax_and_the_seed_does_not_matter() -> None:
    texts = {LanguageModelLesson(temperature=0.0, seed=seed).text for seed in (0, 1, 2)}
    assert len(texts) == 1
    lesson = LanguageModelLesson(temperature=0.0)
    for step in lesson.results()["generation"]["steps"]:
        assert step["rank"] == 1 and step["probability"] == 1.0


def test_the_same_seed_gives_the_same_text_and_a_new_seed_a_new_one() -> None:
    first, again = LanguageModelLesson(seed=5), LanguageModelLesson(seed=5)
    assert first.text == again.text
    run(first.run("new_seed"))
    assert first.seed != 5 and first.text != again.text


def test_a_link_round_trips_every_setting() -> None:
    lesson = LanguageModelLesson()
    lesson.apply(SETTINGS)
    assert lesson.settings() == SETTINGS
    again = LanguageModelLesson()
    assert again.apply(lesson.settings()) == [] and again.results() == lesson.results()


@pytest.mark.parametrize(("settings", "said"), [
    ({"prompt": "Em<ma"}, "Ignored the prompt: it holds '<', 'E'"),
    ({"prompt": "a" * 41}, "Ignored the prompt"),
    ({"t": "-0.5"}, "Ignored t='-0.5': it is outside the range 0 to 10"),
    ({"k": "0"}, "Ignored k='0': it is outside the range 1 to 27 (there are 27 characters)"),
    ({"k": "28"}, "Ignored k='28'"),
    ({"n": "100000"}, "Ignored n='100000'"),
    ({"c": "<b>"}, "Ignored c='<b>'"),
])
def test_bad_input_is_refused_in_words_and_changes_nothing(settings: dict[str, str], said: str) -> None:
    lesson = LanguageModelLesson()
    before = lesson.results()
    notices = lesson.apply(settings)
    assert len(notices) == 1 and notices[0].startswith(said), notices
    assert lesson.results() == before


def test_an_empty_prompt_starts_a_name_and_a_space_ends_one() -> None:
    lesson = LanguageModelLesson(temperature=0.0, length=12)
    assert lesson.text.split(" ")[0]  # the likeliest name, from the start
    lesson.prompt = "zo"
    assert lesson.results()["generation"]["prompt"] == "zo"


def test_a_picked_character_beyond_the_text_shows_the_last() -> None:
    lesson = LanguageModelLesson(length=5, pick=100)
    assert lesson.results()["generation"]["picked"]["index"] == 4


def test_the_page_shows_the_prompt_as_text() -> None:
    lesson = LanguageModelLesson(prompt="ab")
    page = Page(lesson)
    assert '<span class="prompt">ab</span>' in page.text
    assert "Source: US Census Bureau" in page.text or "Census" in lesson.prose


# --- training the network ----------------------------------------------------------------------------


def replay(updates: int, context: int = 3, hidden: int = 64, batch: int = 32) -> list[list[float]]:
    """The lesson's run done again with faders.core alone: rows [update, batch loss, validation loss]."""
    from faders.core.language_model import CharMLP, name_windows
    from faders.core.optimizers import Adam

    model = CharMLP(VOCABULARY, context=context, hidden=hidden, seed=0)
    windows, following = name_windows(TRAIN_NAMES, VOCABULARY, context)
    validation = name_windows(VALIDATION_NAMES, VOCABULARY, context)
    optimizer, rng = Adam(learning_rate=0.01), np.random.default_rng(0)
    rows = [[0, model.windows_loss(windows[:4000], following[:4000]), model.windows_loss(*validation)]]
    for done in range(100, updates + 1, 100):
        losses = [model.update(windows, following, optimizer, rng, batch) for _ in range(100)]
        rows.append([done, float(np.mean(losses)), model.windows_loss(*validation)])
    return rows


def test_the_training_curve_is_the_cores_and_beats_the_bigram() -> None:
    lesson = LanguageModelLesson(max_steps=400, context=2, hidden=24, batch_size=16)
    run(lesson.run("train"))
    network = lesson.results()["network"]
    assert network["status"] == "done" and network["updates"] == 400
    assert network["curve"] == replay(400, context=2, hidden=24, batch=16)
    assert network["parameters"] == (2 * 27 + 1) * 24 + (24 + 1) * 27
    assert network["examples"] == 400 * 16 and network["flops"] == 6 * network["parameters"] * 400 * 16
    bigram = lesson.losses()["bigram_validation"]
    assert network["validation_loss"] < bigram
    beaten = network["beat_bigram"]
    assert beaten["updates"] == next(row[0] for row in network["curve"] if row[2] < bigram)
    assert 0 < beaten["seconds"] <= network["seconds"]
    assert set(network["sample"]) <= set(VOCABULARY.characters) and len(network["sample"]) == 48


def test_the_network_generates_once_trained_and_reset_forgets() -> None:
    lesson = LanguageModelLesson(model="network", max_steps=200, temperature=0.0)
    untrained = lesson.text
    run(lesson.run("train"))
    assert lesson.text != untrained
    run(lesson.run("reset"))
    assert lesson.text == untrained and lesson.results()["network"]["updates"] == 0


def test_a_new_context_starts_again_and_knobs_lock_while_training() -> None:
    lesson = LanguageModelLesson(max_steps=100)
    run(lesson.run("train"))
    lesson.context = 4
    assert lesson.results()["network"]["updates"] == 0 and lesson.status == "idle"
    lesson.training_run.begin()
    locked = lesson.locked()
    assert {"context", "hidden", "max_steps"} <= set(locked) and "learning_rate" not in locked
    assert lesson.apply({"ctx": "2"}) == [locked["context"]]
    lesson.training_run.end("done")


def test_train_while_training_changes_nothing() -> None:
    import asyncio

    async def twice() -> None:
        lesson = LanguageModelLesson(max_steps=200)
        await asyncio.gather(lesson.run("train"), lesson.run("train"))
        assert lesson.results()["network"]["updates"] == 200

    run(twice())
