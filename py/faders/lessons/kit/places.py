"""Places in a lesson's page that a link can open at: the anchor convention of the glossary.

A view marks a section (a heading and the controls beside it, or a single widget) with
`place("temperature", section)`. The page then has an element with the CSS class
`faders-place-temperature`, and a link `lessons/logits.html?t=2#temperature` opens the lesson with
that setting, scrolls the place into view once the lesson is ready, and highlights it
(web/assets/places.js finds it through the shadow roots Panel draws in). Names are lower case
words joined by hyphens; a name is unique within its lesson.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

PREFIX = "faders-place-"
NAME = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)*")


def place[Marked](name: str, viewable: Marked) -> Marked:
    """Mark `viewable` (any Panel object: a layout, a pane, a widget) as the place called `name`."""
    if not NAME.fullmatch(name):
        raise ValueError(f"a place is named in lower-case words joined by hyphens, not {name!r}")
    viewable.css_classes = [*viewable.css_classes, PREFIX + name]  # type: ignore[attr-defined]
    return viewable


def _children(viewable: Any) -> Iterator[Any]:
    yield from getattr(viewable, "objects", None) or []
    for attribute in ("_header", "header"):  # a Card's header holds a layout too
        child = getattr(viewable, attribute, None)
        if child is not None and not isinstance(child, str):
            yield child


def places_in(viewable: Any) -> list[str]:
    """The names of every place marked in a Panel layout, in the page's order."""
    found = [name.removeprefix(PREFIX) for name in getattr(viewable, "css_classes", None) or []
             if name.startswith(PREFIX)]
    for child in _children(viewable):
        found += places_in(child)
    return found
