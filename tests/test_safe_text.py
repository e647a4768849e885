"""The one way outside text reaches the page: shown as the characters it holds, never as markup,
in every lesson's panes and under `panel serve`."""

from __future__ import annotations

import panel as pn
import pytest
from panel.pane.markup import HTMLBasePane

from faders.app import lesson_page
from faders.lessons import LESSON_CLASSES, lesson_class
from faders.lessons.kit.safe_text import escape, quote, text_list, visible
from tests.helpers import read_pane

HOSTILE = [
    '<img src=x onerror="alert(1)">',
    "<svg onload=alert(1)></svg>",
    "<script>alert(1)</script>",
    "*<b>x</b>* [a link](javascript:alert(1)) <a href='javascript:alert(1)'>x</a>",
    "$$x^2$$ `code` # heading | table | &amp; &#60;",
    "ünïcødé 😀 中文 עברית",
]
MARKUP = {"img", "svg", "script", "b", "a", "iframe", "code", "h1", "table", "em", "strong"}


def test_quote_shows_hidden_characters_and_cuts_long_values() -> None:
    assert quote("a\u0000b\u202ec\u200bd\ne") == "a\ufffdb\ufffdc\ufffdd\ufffde"
    assert quote("x" * 41) == "x" * 40 + "…" and quote("x" * 40) == "x" * 40
    assert visible("plain words, 1.5") == "plain words, 1.5"


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("pane_type", [pn.pane.Markdown, pn.pane.HTML, pn.pane.Alert])
def test_escaped_text_shows_exactly_its_characters(pane_type: type, text: str) -> None:
    elements, shown = read_pane(pane_type(escape(text)))
    assert shown == text
    assert not set(elements) & MARKUP


def test_a_text_list_is_a_list_of_texts_and_nothing_else() -> None:
    elements, shown = read_pane(pn.pane.HTML(text_list(HOSTILE[:2])))
    assert elements == ["ul", "li", "li"]
    assert shown == HOSTILE[0] + HOSTILE[1]
    assert text_list([]) == ""


def panes(viewable: pn.viewable.Viewable) -> list[HTMLBasePane]:
    return list(viewable.select(HTMLBasePane))


@pytest.mark.parametrize("slug", list(LESSON_CLASSES))
def test_no_lesson_pane_turns_outside_text_into_markup(slug: str) -> None:
    lesson = lesson_class(slug)()
    keys = list(lesson.url_names)
    notices = lesson.apply({**{text: "1" for text in HOSTILE}, **dict(zip(keys, HOSTILE, strict=False))})
    assert len(notices) >= len(HOSTILE)
    view = lesson.view(with_prose=True)
    for pane in panes(view):
        elements, shown = read_pane(pane)
        assert not {"img", "svg", "script", "iframe"} & set(elements), (slug, shown)
        assert "javascript" not in " ".join(elements)


def test_under_panel_serve_an_unknown_lesson_is_named_as_text() -> None:
    page = lesson_page({"lesson": HOSTILE[0]})
    elements, shown = read_pane(page)
    assert shown.startswith(f"No lesson called '{HOSTILE[0]}'. Lessons: function") and "img" not in elements


def test_under_panel_serve_refused_settings_are_quoted_as_text() -> None:
    page = lesson_page({"lesson": "function", HOSTILE[3]: "1", "lr": HOSTILE[0]})
    alerts = [read_pane(pane) for pane in panes(page) if isinstance(pane, pn.pane.Alert)]
    assert [shown for _, shown in alerts] == [
        f"Ignored unknown setting '{quote(HOSTILE[3])}'.",
        f"Ignored lr='{quote(HOSTILE[0])}': it is not a number; kept 0.05."]
    assert all(not set(elements) & MARKUP for elements, _ in alerts)
