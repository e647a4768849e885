"""Lesson `logits` in CPython: every number it shows against faders.core, its words, its rows,
its URL settings, its actions, its page and its notebook display."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from faders.core import softmax as sm
from faders.lessons import LESSONS
from faders.lessons.kit.formatting import format_number, format_probability
from faders.lessons.logits import LogitsLesson
from faders.lessons.logits.state import CHECKPOINTS, MAX_ROWS, SHOWN_DRAWS
from tests.helpers import notebook_display, page_link_session, read_pane, run, shown_text
from tools.prerender import PREVIEWS

DEFAULT_SETTINGS = {"labels": "cat,dog,car", "logits": "4.2,2.1,-1.3", "t": "1", "k": "0", "seed": "0",
                    "n": "1000"}


def expected(lesson: LogitsLesson) -> dict:
    """The numbers the lesson should show, straight from faders.core."""
    k = lesson.top_k or None
    p = sm.softmax(lesson.logits, lesson.temperature, top_k=k)
    draws = sm.sample(p, lesson.n_draws, lesson.seed)
    return {"p": p, "draws": draws, "counts": sm.draw_counts(draws, len(p)),
            "frequencies": sm.draw_frequencies(draws, len(p)),
            "running": sm.running_frequencies(draws, len(p)), "entropy": sm.entropy(p)}


def numbers_in(text: str) -> list[str]:
    return re.findall(r"-?\d[\d.,e+-]*", text)


# ---- the numbers -------------------------------------------------------------------------------


def test_defaults_match_the_curriculum() -> None:
    lesson = LogitsLesson()
    assert lesson.settings() == DEFAULT_SETTINGS
    results = lesson.results()
    assert [round(p, 4) for p in results["probabilities"]] == [0.8877, 0.1087, 0.0036]
    assert results["argmax"] == "cat"
    assert lesson.notices == [] and results["row_messages"] == {}


def test_every_number_shown_comes_from_the_core() -> None:
    lesson = LogitsLesson(temperature=0.7, seed=42, n_draws=5000)
    results, want = lesson.results(), expected(lesson)
    assert results["probabilities"] == want["p"].tolist()
    assert results["entropy_bits"] == want["entropy"]
    assert results["even_entropy_bits"] == pytest.approx(math.log2(3), rel=1e-12)
    assert results["draws"] == want["draws"][:1000].tolist()
    assert results["first_draws"] == [lesson.labels[i] for i in want["draws"][:SHOWN_DRAWS]]
    assert results["counts"] == want["counts"].tolist() and sum(results["counts"]) == 5000
    assert results["frequencies"] == want["frequencies"].tolist()
    convergence = results["convergence"]
    assert convergence["n"][0] == 1 and convergence["n"][-1] == 5000
    assert len(convergence["n"]) <= CHECKPOINTS and convergence["n"] == sorted(set(convergence["n"]))
    assert convergence["frequencies"] == want["running"][np.array(convergence["n"]) - 1].tolist()
    working = sm.softmax_working(lesson.logits, 0.7)
    assert results["formula"] == {"labels": ["cat", "dog", "car"], "scaled": working.scaled.tolist(),
                                  "shift": 0.0, "terms": working.terms.tolist(), "total": working.total}


def test_the_formula_shows_the_readers_numbers() -> None:
    lesson = LogitsLesson()
    working = sm.softmax_working(lesson.logits)
    text = lesson.formula()
    assert "here with T = 1" in text
    for label, z, term, p in zip(lesson.labels, lesson.logits, working.terms, sm.softmax(lesson.logits),
                                 strict=True):
        row = next(line for line in text.splitlines() if line.startswith(f"| {label} |"))
        assert row == (f"| {label} | {format_number(z)} | {format_number(z)} | {format_number(term)} | "
                       f"{format_number(term)} / {format_number(working.total)} = "
                       f"**{format_probability(p)}** |")
    assert "| cat | 4.2 | 4.2 | 66.69 | 66.69 / 75.13 = **0.8877** |" in text
    assert "Σ = 66.69 + 8.166 + 0.2725 = 75.13" in text


def test_the_formula_shifts_and_says_why_when_the_powers_overflow() -> None:
    lesson = LogitsLesson(temperature=0.01)
    lesson.param.update(logits=[1000.0, 999.0, -1000.0])
    working = sm.softmax_working(lesson.logits, 0.01)
    assert lesson.results()["formula"]["shift"] == working.shift == 100000.0
    text = lesson.formula()
    assert "e<sup>z / T − 1e+05</sup>" in text and "lowered by 1e+05" in text
    assert "nan" not in text.lower() and "inf" not in text.lower()


def test_temperature_zero_is_argmax_whatever_the_seed() -> None:
    lesson = LogitsLesson(temperature=0)
    results = lesson.results()
    assert results["probabilities"] == [1.0, 0.0, 0.0]
    assert results["entropy_bits"] == 0.0 and results["formula"] is None
    assert results["counts"] == [1000, 0, 0]
    for seed in (0, 1, 123456):
        lesson.seed = seed
        assert set(lesson.results()["first_draws"]) == {"cat"}
    assert lesson.explanation().startswith("**Deterministic.**")
    assert "| cat | 4.2 | **1** |" in lesson.formula() and "divide by zero" in lesson.formula()


def test_a_higher_temperature_flattens_the_probabilities() -> None:
    lesson = LogitsLesson()
    entropies, tops = [], []
    for t in (0.0, 0.25, 0.5, 1.0, 2.0, 5.0, 20.0, 100.0):
        lesson.temperature = t
        results = lesson.results()
        entropies.append(results["entropy_bits"])
        tops.append(results["probabilities"][0])
    assert entropies == sorted(entropies) and len(set(entropies)) == len(entropies)
    assert tops == sorted(tops, reverse=True)
    assert entropies[-1] == pytest.approx(math.log2(3), abs=1e-3)  # T = 100: nearly even
    assert lesson.explanation().startswith("**Probabilistic.**")
    assert "**Statistical.**" in lesson.explanation()


def test_top_k_keeps_the_largest_and_says_which_were_dropped() -> None:
    lesson = LogitsLesson(top_k=2)
    results = lesson.results()
    assert results["kept"] == [True, True, False]
    assert results["probabilities"] == sm.softmax(lesson.logits, top_k=2).tolist()
    assert results["counts"][2] == 0
    assert results["formula"]["labels"] == ["cat", "dog"]
    assert "| car | -1.3 | dropped by top-k | 0 | **0** |" in lesson.formula()
    assert results["even_entropy_bits"] == pytest.approx(1.0)
    lesson.top_k = 1
    assert lesson.results()["probabilities"] == [1.0, 0.0, 0.0]
    assert lesson.explanation().startswith("**Deterministic here too.**")


def test_readouts_quote_the_same_numbers() -> None:
    lesson = LogitsLesson(seed=7, n_draws=200)
    results = lesson.results()
    table = lesson.draws_text()
    assert f"The first {SHOWN_DRAWS} of 200 draws (seed 7): {' '.join(results['first_draws'])} …" in table
    for label, p, count, share in zip(lesson.labels, results["probabilities"], results["counts"],
                                      results["frequencies"], strict=True):
        assert f"| {label} | {format_probability(p)} | {count} | {format_probability(share)} |" in table
    assert lesson.entropy_text().startswith(f"**Entropy {results['entropy_bits']:.3f} bits.**")
    assert f"cat came up {results['frequencies'][0]:.1%}" in lesson.explanation()


@pytest.mark.parametrize("setting", [
    {"t": "0"}, {"t": "0.0001"}, {"t": "100"}, {"k": "1"}, {"n": "1"}, {"n": "100000"},
    {"logits": "1000,-1000,999.999", "t": "0.001"}, {"logits": "0,0,0"}, {"logits": "-1000,-1000,-1000"},
])
def test_no_setting_shows_nan_or_infinity(setting: dict) -> None:
    lesson = LogitsLesson()
    assert lesson.apply(setting) == []
    results = lesson.results()
    assert math.fsum(results["probabilities"]) == pytest.approx(1.0)
    assert all(math.isfinite(p) and 0 <= p <= 1 for p in results["probabilities"])
    text = " ".join([lesson.formula(), lesson.explanation(), lesson.entropy_text(), lesson.draws_text()])
    assert not re.search(r"\bnan\b|\binf\b|too large to show", text, re.IGNORECASE), text


# ---- rows typed on the page ----------------------------------------------------------------------


@pytest.mark.parametrize(("text", "fragment"), [
    ("abc", "'abc' is not a number; kept 2.1."),
    ("2,5", "'2,5' is not a number; kept 2.1."),
    ("1e400", "'1e400' is not a finite number; kept 2.1."),
    ("nan", "'nan' is not a finite number; kept 2.1."),
    ("5000", "'5000' is outside the range -1000 to 1000 (real models' logits"),
    ("", "'' is not a number; kept 2.1."),
])
def test_a_bad_logit_gets_a_message_by_its_row_and_changes_nothing_else(text: str, fragment: str) -> None:
    lesson = LogitsLesson()
    before = lesson.results()
    lesson.edit_logit(1, text)
    after = lesson.results()
    assert after["row_messages"] == {"1": after["row_messages"]["1"]}
    assert fragment in after["row_messages"]["1"]
    assert {**after, "row_messages": {}} == before
    lesson.edit_logit(1, " 3.5 ")  # fixing it clears the message
    assert lesson.logits == [4.2, 3.5, -1.3] and lesson.row_messages == {}
    assert lesson.results()["probabilities"] == sm.softmax([4.2, 3.5, -1.3]).tolist()


@pytest.mark.parametrize(("text", "fragment"), [
    ("a,b", "holds a comma"), ("", "is empty"), ("dog", "is already the name of another row"),
    ("<b>x</b>", "may hold only letters and digits"), ("x" * 21, "longer than 20"),
])
def test_a_bad_label_gets_a_message_and_changes_nothing_else(text: str, fragment: str) -> None:
    lesson = LogitsLesson()
    before = lesson.results()
    lesson.edit_label(0, text)
    assert fragment in lesson.row_messages[0]
    assert {**lesson.results(), "row_messages": {}} == before
    lesson.edit_label(0, "kitten")
    assert lesson.labels == ["kitten", "dog", "car"] and lesson.row_messages == {}


def test_rows_are_added_and_removed_within_bounds() -> None:
    lesson = LogitsLesson(top_k=3)
    lesson.add_row()
    assert (lesson.labels, lesson.logits) == (["cat", "dog", "car", "bird"], [4.2, 2.1, -1.3, 0.0])
    assert lesson.results()["probabilities"] == sm.softmax([4.2, 2.1, -1.3, 0.0], top_k=3).tolist()
    lesson.remove_row(0)
    assert (lesson.labels, lesson.logits) == (["dog", "car", "bird"], [2.1, -1.3, 0.0])
    lesson.remove_row(2)
    assert lesson.top_k == 2  # k = 3 of 2 labels would keep them all; so does k = 2
    with pytest.raises(ValueError, match="at least 2 labels"):
        lesson.remove_row(0)
    while len(lesson.labels) < MAX_ROWS:
        run(lesson.run("add_label"))
    assert len(set(lesson.labels)) == MAX_ROWS
    with pytest.raises(ValueError, match="already 12 labels"):
        run(lesson.run("add_label"))
    run(lesson.run("remove_label"))
    assert len(lesson.labels) == MAX_ROWS - 1


# ---- settings from the URL or the API -------------------------------------------------------------


def test_url_settings_are_applied() -> None:
    lesson = LogitsLesson()
    query = {"labels": "yes,no,maybe,never", "logits": "1,0.5,-2,3", "t": "0.5", "k": "3", "seed": "9",
             "n": "20000"}
    assert lesson.apply(query) == []
    assert lesson.settings() == query
    assert lesson.results()["probabilities"] == sm.softmax([1, 0.5, -2, 3], 0.5, top_k=3).tolist()


@pytest.mark.parametrize(("query", "fragment"), [
    ({"labels": "a,b"}, "Ignored labels: that makes 2 labels and 3 logits"),
    ({"labels": "a,b,c,d", "logits": "1,2,3"}, "Ignored labels and logits: that makes 4 labels and 3"),
    ({"k": "4"}, "Ignored k='4': there are only 3 labels (k = 0 keeps them all); kept 0."),
    ({"logits": "1,abc,2"}, "Ignored logits='1,abc,2': it has item 2, 'abc', which is not a number"),
    ({"logits": "1,1e6,2"}, "which is outside the range -1000 to 1000"),
    ({"t": "-1"}, "Ignored t='-1': it is outside the range 0 to 100"),
    ({"n": "1e9"}, "Ignored n='1e9': it is outside the range 1 to 100000"),
    ({"seed": "1.5"}, "is not a whole number"),
    ({"labels": ",".join(f"l{i}" for i in range(13))}, "has 13 items, and 2 to 12 are allowed"),
    ({"temperature": "2"}, "Ignored unknown setting 'temperature'."),
])
def test_malformed_settings_are_noticed_and_change_nothing(query: dict, fragment: str) -> None:
    lesson = LogitsLesson()
    before = lesson.results()
    notices = lesson.apply(query)
    assert len(notices) == 1 and fragment in notices[0], notices
    assert lesson.settings() == DEFAULT_SETTINGS and lesson.results() == before


def test_good_settings_pass_beside_bad_ones_and_the_api_takes_arrays() -> None:
    lesson = LogitsLesson()
    notices = lesson.apply({"labels": ["up", "down"], "logits": [1, -1], "k": "5", "t": "2"})
    assert len(notices) == 1 and "k='5'" in notices[0]
    assert (lesson.labels, lesson.logits, lesson.temperature, lesson.top_k) == (["up", "down"], [1.0, -1.0],
                                                                                2.0, 0)


# ---- actions --------------------------------------------------------------------------------------


def test_the_same_seed_draws_the_same_sequence_and_a_new_seed_a_new_one() -> None:
    lesson = LogitsLesson()
    first = lesson.results()["draws"]
    run(lesson.run("draw"))
    run(lesson.run("draw"))
    assert lesson.results()["draws"] == first
    run(lesson.run("new_seed"))
    assert lesson.seed != 0
    redrawn = lesson.results()["draws"]
    assert redrawn != first
    assert redrawn == sm.sample(sm.softmax(lesson.logits), 1000, lesson.seed)[:1000].tolist()
    log = lesson.results()["draw_log"]
    assert [(entry["seed"], entry["same_as"]) for entry in log] == [(0, None), (0, 1), (lesson.seed, None)]
    text = lesson.log_text()
    assert "2. seed 0: " in text and "**the same 1,000 draws as #1**" in text
    assert f"3. seed {lesson.seed}: " in text and text.count("**a new sequence**") == 2
    lesson.temperature = 2.0  # a new distribution: earlier draws are not comparable any more
    assert lesson.draw_log == []
    lesson.seed = 0
    run(lesson.run("draw"))
    lesson.seed = 0  # setting the same seed again changes nothing
    assert len(lesson.draw_log) == 1


def test_the_draw_log_keeps_the_last_few() -> None:
    lesson = LogitsLesson()
    for _ in range(10):
        run(lesson.run("new_seed"))
    history = lesson.draw_history()
    assert len(history) == 6 and history[-1]["seed"] == lesson.seed


def test_reset_and_unknown_actions() -> None:
    lesson = LogitsLesson()
    lesson.apply({"labels": "a,b", "logits": "1,2", "t": "0", "n": "5"})
    lesson.edit_logit(0, "x")
    run(lesson.run("reset"))
    assert lesson.settings() == DEFAULT_SETTINGS and lesson.row_messages == {}
    with pytest.raises(ValueError, match="knows: draw, new_seed, add_label, remove_label, reset"):
        run(lesson.run("explode"))


# ---- the page, the preview and the notebook -------------------------------------------------------


def test_the_view_shows_one_row_per_label_and_the_core_numbers() -> None:
    lesson = LogitsLesson()
    view = LogitsLesson.view_module().LogitsView(lesson)
    assert [row.layout.visible for row in view.rows] == [True] * 3 + [False] * (MAX_ROWS - 3)
    assert [row.label.value for row in view.rows[:3]] == ["cat", "dog", "car"]
    assert [row.logit.value for row in view.rows[:3]] == ["4.2", "2.1", "-1.3"]
    assert view.probability_source.data["p"] == sm.softmax(lesson.logits).tolist()
    assert view.probability_source.data["text"] == ["0.8877", "0.1087", "0.0036"]
    assert view.factors.factors == ["cat", "dog", "car"]
    view.rows[1].logit.value = "abc"  # typed on the page
    assert lesson.logits == [4.2, 2.1, -1.3] and view.rows[1].message.visible
    assert shown_text(view.rows[1].message) == "'abc' is not a number; kept 2.1."
    view.rows[1].logit.value = "<img src=x onerror=alert(1)>"  # quoted on the page, never run
    elements, text = read_pane(view.rows[1].message)
    assert text.startswith("'<img src=x onerror=alert(1)>' is not a number") and "img" not in elements
    view.rows[1].logit.value = "3"
    assert lesson.logits == [4.2, 3.0, -1.3] and not view.rows[1].message.visible
    view.rows[0].label.value = "kitten"
    assert view.factors.factors == ["kitten", "dog", "car"]
    lesson.add_row()
    assert view.rows[3].layout.visible and view.rows[3].label.value == "bird"
    assert view.top_k_slider.end == 4
    lesson.remove_row(0)
    assert [row.label.value for row in view.rows[:3]] == ["dog", "car", "bird"]
    assert not view.rows[3].layout.visible
    convergence = view.running_source.data
    assert convergence["ys"][0] == lesson.outcome.running[:, 0].tolist()


def test_page_link_renders_and_answers_the_api() -> None:
    replies, sent = page_link_session(LogitsLesson(), [
        ("set", {"t": "0", "logits": "1,abc,2"}), ("run", "new_seed")])
    assert replies[1]["result"]["settings"]["t"] == "0"
    assert "'abc', which is not a number" in replies[1]["result"]["notices"][0]
    results = replies[2]["result"]["results"]
    assert results["draw_log"][0]["seed"] == results["seed"] != 0
    assert "patch" in sent


def test_the_lesson_is_listed_with_a_preview() -> None:
    assert LESSONS["logits"] is LogitsLesson
    svg = PREVIEWS["logits"]()
    assert svg.startswith("<svg") and all(label in svg for label in ("cat", "dog", "car"))
    assert all(f">{text}<" in svg for text in ("4.2", "2.1", "-1.3", "0.8877", "0.1087", "0.0036"))


def test_the_same_lesson_renders_in_a_jupyter_notebook() -> None:
    shown = notebook_display("import panel as pn\n"
                             "from faders.lessons.logits import LogitsLesson\n"
                             "pn.extension()\n"
                             "LogitsLesson(temperature=0.5)")
    assert "Temperature T" in shown and "Add label" in shown
