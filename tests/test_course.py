"""The course's data: themes in the curriculum's order, the path, and the glossary's terms and links.

Every glossary link is checked against its lesson's own knob table (its settings are accepted without a
notice) and its lesson's view (the place it opens at is marked there, kit.places).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from faders import course
from faders.course import glossary
from faders.lessons import LESSON_CLASSES, lesson_class
from faders.lessons.kit.places import place, places_in

# The terms issue 17 asks the glossary for (the curriculum's vocabulary).
ASKED_FOR = """model, function, parameter, weight, bias, feature, logit, softmax, temperature, top-k,
sampling, seed, deterministic, probabilistic, statistical, training, inference, forward pass, loss,
gradient, gradient descent, backpropagation, learning rate, hyperparameter, epoch, batch, overfitting,
underfitting, bias–variance, regularisation, parametric, non-parametric, supervised, unsupervised,
reinforcement, token, language model, FLOPs, GPU, precision (fp32/bf16/int8),
weights released / open weights, fine-tuning"""
ALL_TERMS = glossary.TERMS
SHOWN = glossary.terms()
BY_LESSON = sorted({term.lesson for term in SHOWN})


def test_every_asked_for_term_has_an_entry() -> None:
    names = {term.name for term in ALL_TERMS}
    missing = [name for name in (n.strip() for n in ASKED_FOR.split(",")) if name not in names]
    assert missing == []


def test_terms_are_unique_and_each_defined_in_one_line() -> None:
    keys = [term.key for term in ALL_TERMS]
    assert len(keys) == len(set(keys))
    for term in ALL_TERMS:
        assert term.definition.endswith(".") and "\n" not in term.definition
        assert 20 < len(term.definition) <= 120, term.name


@pytest.mark.parametrize("term", SHOWN, ids=lambda term: term.key)
def test_a_terms_settings_are_its_lessons_own(term: glossary.Term) -> None:
    lesson = lesson_class(term.lesson)()
    assert set(term.settings) <= set(lesson.url_names), term.settings
    assert lesson.apply(term.settings) == []
    shown = lesson.settings()
    assert {key: shown[key] for key in term.settings} == term.settings


def test_a_terms_link_carries_its_settings_and_place() -> None:
    for term in SHOWN:
        parts = urlsplit(term.link())
        assert parts.path == f"lessons/{term.lesson}.html"
        assert dict(parse_qsl(parts.query)) == term.settings
        assert parts.fragment == term.place


@pytest.mark.parametrize("slug", BY_LESSON)
def test_every_place_a_term_opens_at_is_marked_in_its_lesson(slug: str) -> None:
    marked = places_in(lesson_class(slug)().view())
    assert len(marked) == len(set(marked)), f"{slug} marks a place twice: {marked}"
    wanted = {term.place for term in SHOWN if term.lesson == slug}
    assert wanted <= set(marked), f"{slug} does not mark {sorted(wanted - set(marked))}"


def test_a_place_name_is_checked() -> None:
    import panel as pn

    column = place("learning-rate", pn.Column())
    assert places_in(pn.Row(column)) == ["learning-rate"]
    with pytest.raises(ValueError):
        place("Learning rate", pn.Column())


def test_the_course_lists_every_registered_lesson_once_in_the_curriculums_order() -> None:
    order = course.order()
    assert sorted(order) == sorted(LESSON_CLASSES)
    assert order[:2] == ["function", "network"]
    assert order.index("logits") < order.index("language-model") < order.index("scale")
    assert all(slug in LESSON_CLASSES for theme in course.themes() for slug in theme.slugs)


def test_the_path_links_neighbours_and_known_lessons() -> None:
    order = course.order()
    for at, slug in enumerate(order):
        step = course.step(slug)
        assert step.number == at + 1 and step.total == len(order)
        assert step.previous == (order[at - 1] if at else None)
        assert step.next == (order[at + 1] if at + 1 < len(order) else None)
        assert all(other in LESSON_CLASSES and other != slug for other in step.builds_on)


def test_an_unplaced_lesson_still_joins_the_course(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(LESSON_CLASSES, "extra", ("faders.lessons.function", "FunctionLesson"))
    assert course.themes()[-1].slugs == ("extra",)
    assert course.order()[-1] == "extra"


def test_the_first_use_of_a_term_in_prose_links_to_its_entry() -> None:
    from tools.course_pages import link_terms

    prose = ("<h3>Loss</h3><p>The <code>loss</code> falls as <strong>training</strong> turns the weights; "
             'the <a href="x.html">loss</a> and the loss again, GPUs and gpus, bias and variance.</p>')
    linked = link_terms(prose, "../glossary.html")
    assert linked.count('href="../glossary.html#loss"') == 1
    assert '<a class="term" href="../glossary.html#loss">loss</a> again' in linked
    assert '<strong><a class="term" href="../glossary.html#training">training</a></strong>' in linked
    assert '<a class="term" href="../glossary.html#weight">weights</a>' in linked
    assert '<a class="term" href="../glossary.html#gpu">GPUs</a> and gpus' in linked
    assert '<a class="term" href="../glossary.html#bias-variance">bias and variance</a>' in linked
    assert "<h3>Loss</h3>" in linked and "<code>loss</code>" in linked


def test_every_lessons_prose_links_some_terms() -> None:
    import markdown

    from tools.course_pages import link_terms

    for slug in course.order():
        linked = link_terms(markdown.markdown(lesson_class(slug).prose), "../glossary.html", slug)
        assert 'class="term"' in linked, slug


def test_a_word_used_in_another_sense_is_not_linked_there() -> None:
    from tools.course_pages import link_terms

    prose = "<p>Too simple: that is bias.</p>"
    assert "#bias" in link_terms(prose, "g.html", "function")
    assert "#bias" not in link_terms(prose, "g.html", "bias-variance")
