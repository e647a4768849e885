"""The words behind the page's accessibility, in CPython: chart alternatives and announcements."""

from __future__ import annotations

from bokeh.models import Plot, Spacer

import faders.lessons.function.state as function_module
from faders.lessons import LESSONS
from faders.lessons.function import FunctionLesson
from faders.lessons.kit.announce import ANNOUNCER
from faders.lessons.kit.charts import ALT_TAG, figures, title_of
from faders.lessons.logits import LogitsLesson
from tests.helpers import run


def alternatives(layout: object) -> dict[str, str]:
    """Each figure's text alternative, by the figure's title (a title set on lines read as one)."""
    found = {}
    for fig in figures(layout):
        assert isinstance(fig, Plot) and fig.tags and fig.tags[0].startswith(ALT_TAG)
        found[title_of(fig)] = fig.tags[0][len(ALT_TAG):]
    return found


def announcer(layout: object) -> Spacer:
    """The hidden model that carries what the lesson says (the layout's last pane holds it)."""
    model = layout.objects[-1].object  # type: ignore[attr-defined]
    assert isinstance(model, Spacer) and model.name == ANNOUNCER
    return model


def test_every_chart_of_every_lesson_has_words() -> None:
    for slug, lesson_class in LESSONS.items():
        words = alternatives(lesson_class().view())
        assert words, f"{slug}: no chart found"
        for title, text in words.items():
            assert text.startswith(f"Chart: {title}."), (slug, text)


def test_the_probability_chart_says_each_labels_probability() -> None:
    words = alternatives(LogitsLesson().view())
    assert "Bars: cat 0.8877; dog 0.1087; car 0.003628." in words["Probabilities: softmax of the logits"]


def test_a_typed_label_reaches_the_words_quoted() -> None:
    lesson = LogitsLesson(labels=["a\u202eb", "dog", "car"])
    words = alternatives(lesson.view())
    assert "a\ufffdb 4.2" in words["Logits: the model's raw scores"]


def test_the_loss_chart_follows_training_and_the_announcer_says_trained(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(function_module, "FRAME_SECONDS", 0)
    lesson = FunctionLesson()
    layout = lesson.view()
    run(lesson.run("train"))
    loss_words = alternatives(layout)["Loss while training (log scale)"]
    assert "A line through 1001 points, x from 0 to 1000" in loss_words
    assert announcer(layout).tags[0].startswith("Trained: 1000 steps brought the loss to")


def test_the_logits_lesson_announces_its_result_when_changes_settle() -> None:
    lesson = LogitsLesson()
    layout = lesson.view()
    lesson.temperature = 2.0  # outside the browser a change settles at once
    said = announcer(layout).tags[0]
    assert said.startswith("Most likely: cat, probability 0.")
    assert "at temperature 2;" in said and "In 1,000 draws, cat came up" in said


def test_a_map_of_numbers_says_its_size_and_the_range_of_its_values() -> None:
    import numpy as np

    from faders.lessons.kit.formatting import format_number
    from faders.lessons.language_model import LanguageModelLesson

    lesson = LanguageModelLesson()
    counts = np.array(lesson.results()["bigram"]["counts"], dtype=float)
    words = alternatives(lesson.view())["How often each pair occurs (log scale)"]
    # The map shows ln(1 + count) of every pair of the 27 characters.
    assert (f"A colour map of 27 × 27 cells, values from 0 to {format_number(np.log1p(counts).max())}."
            in words)
