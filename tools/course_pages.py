"""The pages that tie the lessons into one course: the index as a gallery, the glossary, the embed
page; and what every lesson page gets from the course: its place on the path, its glossary terms
linked in its prose, its card for link previews (tools/cards.py). Every word comes from
faders.course and the lessons' own classes; a lesson joins by being registered.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from faders import course
from faders.course.glossary import Term, terms
from faders.lessons import lesson_class
from faders.lessons.kit.lesson import Lesson

# Where the glossary's terms are not linked: links already, code, headings.
UNLINKED = {"a", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
TAG = re.compile(r"<(/?)([a-zA-Z0-9]+)[^>]*>")


@dataclass(frozen=True)
class Stop:
    """A lesson as the course shows it: on the index, on the path, on the embed page."""

    slug: str
    title: str
    teaser: str
    minutes: int
    number: int
    embed_height: int
    href: str


def stops() -> dict[str, Stop]:
    """Every registered lesson in course order, with what the course pages say of it."""
    found = {}
    for number, slug in enumerate(course.order(), start=1):
        lesson: type[Lesson] = lesson_class(slug)
        found[slug] = Stop(slug, lesson.title, lesson.teaser, course.minutes(slug), number,
                           lesson.embed_height, f"lessons/{slug}.html")
    return found


def _forms(term: Term) -> list[str]:
    """The ways a term is written in prose: its name (without a parenthesis, each side of a slash)
    and its other forms."""
    names = [part.strip() for part in re.sub(r"\s*\(.*\)", "", term.name).split(" / ")]
    return [*names, *term.forms]


def _pattern(form: str) -> re.Pattern[str]:
    words = r"\s+".join(re.escape(word) for word in form.split())
    words = words.replace("–", "[–-]").replace(r"\-", "[–-]")
    flags = 0 if any(c.isupper() for c in form) else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){words}(?:s|es)?(?![\w-])", flags)


def link_terms(prose_html: str, glossary_href: str, lesson: str = "") -> str:
    """`prose_html` (of `lesson`) with the first use of each glossary term made a small link to its
    entry (`glossary_href` + "#" + its key); text inside links, code and headings is left alone."""
    patterns = [(_pattern(form), term) for term in terms() if lesson not in term.not_in
                for form in sorted(_forms(term), key=len, reverse=True)]
    linked: set[str] = set()
    out: list[str] = []
    skipping: list[str] = []
    position = 0
    for tag in TAG.finditer(prose_html):
        text = prose_html[position:tag.start()]
        out.append(text if skipping else _link_text(text, patterns, linked, glossary_href))
        closing, name = tag.group(1), tag.group(2).lower()
        if name in UNLINKED:
            if closing and skipping and skipping[-1] == name:
                skipping.pop()
            elif not closing:
                skipping.append(name)
        out.append(tag.group(0))
        position = tag.end()
    tail = prose_html[position:]
    out.append(tail if skipping else _link_text(tail, patterns, linked, glossary_href))
    return "".join(out)


def _link_text(text: str, patterns: list[tuple[re.Pattern[str], Term]], linked: set[str],
               glossary_href: str) -> str:
    out, start = [], 0
    while True:
        matches = [(match, term) for pattern, term in patterns if term.key not in linked
                   for match in [pattern.search(text, start)] if match]
        if not matches:
            break
        match, term = min(matches, key=lambda found: (found[0].start(), -len(found[0].group(0))))
        linked.add(term.key)
        out += [text[start:match.start()],
                f'<a class="term" href="{glossary_href}#{term.key}">{match.group(0)}</a>']
        start = match.end()
    return "".join(out) + text[start:]


PAGES = {
    "index.html": ("Faders: machine learning, one knob at a time",
                   "Interactive lessons on what a machine-learning model is, running real Python in your "
                   "browser: turn the knobs and see."),
    "glossary.html": ("Glossary · Faders",
                      "The words of machine learning, each in one line, with a link to the lesson where you "
                      "can turn the knob yourself."),
    "embed.html": ("Embed a lesson · Faders",
                   "Put a live machine-learning lesson in your post with one line of HTML, and drive it "
                   "from your page with postMessage."),
}


def render_course_pages(templates: jinja2.Environment, dist: Path, common: dict[str, Any],
                        cards: dict[str, str], labels: dict[str, str]) -> None:
    """index.html (the gallery), glossary.html and embed.html; their link preview shows the first
    lesson's card (`cards`: slug -> image path, `labels`: slug -> its words)."""
    shown = stops()
    first = next(iter(shown))
    themes = [(theme, [shown[slug] for slug in theme.slugs]) for theme in course.themes()]
    values = {
        "index.html": {"themes": themes, "glossary_count": len(terms())},
        "glossary.html": {"terms": terms(), "stops": shown},
        "embed.html": {"stops": list(shown.values())},
    }
    for name, (title, words) in PAGES.items():
        meta = {"title": title, "description": words, "path": name, "image": cards[first],
                "image_alt": labels[first]}
        page = templates.get_template(name).render(**common, **values[name], root="", page=name, meta=meta)
        (dist / name).write_text(page)


def path_of(slug: str) -> dict[str, Any]:
    """What a lesson page shows of the course: its number, its theme, previous, next, builds on."""
    shown = stops()
    step = course.step(slug)
    theme = course.theme_of(slug)
    return {"step": step, "theme": theme, "theme_number": course.themes().index(theme) + 1, "stops": shown,
            "previous": shown.get(step.previous or ""), "next": shown.get(step.next or ""),
            "builds_on": [shown[other] for other in step.builds_on]}


def description(text: str) -> str:
    """A teaser as a meta description: plain text on one line."""
    return html.unescape(" ".join(text.split()))
