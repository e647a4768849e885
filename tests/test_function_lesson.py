"""Lesson `function` in CPython: its knobs, actions, messages and the page link it talks through."""

from __future__ import annotations

import json

import numpy as np
import pytest

from faders.browser import PageLink
from faders.core import linear
from faders.lessons.function import FunctionLesson
from faders.lessons.kit.formatting import format_number
from tests.helpers import notebook_display, page_link_session, run


def train(lesson: FunctionLesson) -> None:
    run(lesson.run("train"))


def test_defaults_match_the_curriculum() -> None:
    lesson = FunctionLesson()
    assert lesson.settings() == {"w": "0", "b": "0", "lr": "0.05", "steps": "1000", "x": "10"}
    assert lesson.loss == pytest.approx(33.0)


def test_train_runs_the_core_loop_and_freezes_the_knobs() -> None:
    lesson = FunctionLesson()
    train(lesson)
    results = lesson.results()
    expected = linear.fit_line(linear.X, linear.Y)
    assert results["trace"] == [[s.step, s.loss, s.w, s.b] for s in expected.trace]
    assert results["status"] == "trained"
    assert results["w"] == pytest.approx(2.0, abs=1e-9) and results["b"] == pytest.approx(1.0, abs=1e-9)
    assert results["prediction"] == pytest.approx(21.0, abs=1e-9)
    assert results["timing"]["train_ms"] > 0 and results["timing"]["ratio"] > 100
    assert lesson.apply({"w": "3"}) == [
        "The knobs are frozen after training; press Reset to turn them again."]
    assert lesson.w == pytest.approx(2.0)
    run(lesson.run("reset"))
    assert (lesson.w, lesson.b, lesson.status, lesson.trace) == (0.0, 0.0, "idle", [])


def test_too_large_a_learning_rate_is_explained_not_crashed_on() -> None:
    lesson = FunctionLesson(learning_rate=0.3)
    train(lesson)
    message = lesson.message()
    assert lesson.status == "diverged"
    assert "diverged" in message and "0.149" in message and "nan" not in message.lower()
    assert all(np.isfinite(row[1:]).all() for row in lesson.results()["trace"])


def test_unknown_action_is_refused_in_words() -> None:
    with pytest.raises(ValueError, match="knows: train, stop, reset"):
        run(FunctionLesson().run("explode"))


def test_format_number_never_shows_nan() -> None:
    assert format_number(float("nan")) == "too large to show"
    assert format_number(1.15e-28) == "1.15e-28"


def test_page_link_renders_syncs_and_answers_the_api() -> None:
    results, sent = page_link_session(FunctionLesson(), [
        ("set", {"lr": "abc", "steps": "200"}), ("run", "train"), ("frobnicate", None)])
    assert results[1]["result"]["settings"]["steps"] == "200"
    assert "is not a number" in results[1]["result"]["notices"][0]
    assert results[2]["result"]["results"]["status"] == "trained"
    assert "Unknown method" in results[3]["error"]
    assert "patch" in sent


def test_page_link_applies_a_change_made_on_the_page() -> None:
    lesson = FunctionLesson()

    async def scenario() -> None:
        link = PageLink(lesson, lambda kind, payload: None)
        link.render()
        link.rendered()
        slider = next(m for m in link.doc.roots[0].references()
                      if type(m).__name__ == "Slider" and m.title.startswith("w"))
        patch = {"events": [{"kind": "ModelChanged", "model": {"id": slider.id}, "attr": "value",
                             "new": 1.5}]}
        link.receive_patch(json.dumps(patch))

    run(scenario())
    assert lesson.w == 1.5
    assert lesson.loss == pytest.approx(linear.loss_and_gradient(1.5, 0.0, linear.X, linear.Y)[0])


def test_the_same_lesson_renders_in_a_jupyter_notebook() -> None:
    shown = notebook_display("import panel as pn\n"
                             "from faders.lessons.function import FunctionLesson\n"
                             "pn.extension()\n"
                             "FunctionLesson(learning_rate=0.1)")
    assert "Learning rate" in shown
