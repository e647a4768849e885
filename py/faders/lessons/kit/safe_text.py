"""The one way text from outside the code reaches the page.

Outside text is anything the code did not write itself: URL keys and values, `faders.set(...)` and
`postMessage` arguments, typed labels, pasted CSV, clicked points, file names, a GPU adapter's name.
It is data, never markup. Everything that shows it goes through this module:

- `quote(raw)` makes it fit to quote in a sentence: control and invisible characters become "�",
  and a long text is cut short;
- `escape(text)` turns a whole sentence (a notice, a refusal, an echo) into source for an HTML or a
  Markdown pane that shows exactly its characters: every character that could mean something to
  HTML or to Markdown is written as a numeric character reference, which both read as plain text;
- `text_list(texts)` is a list of such sentences, as HTML.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

SHOWN_LENGTH = 40
REPLACEMENT = "\ufffd"
# Control, format (e.g. right-to-left overrides, zero-width joiners), surrogate, private-use and
# unassigned characters: none belongs in a quoted value, and some can disguise it.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})


def visible(text: str) -> str:
    """The text with every control or invisible character shown as "�"."""
    return "".join(REPLACEMENT if unicodedata.category(char) in HIDDEN_CATEGORIES else char
                    for char in text)


def quote(raw: object, limit: int = SHOWN_LENGTH) -> str:
    """An outside value as a sentence quotes it: visible characters only, long ones cut short."""
    text = visible(str(raw))
    return text if len(text) <= limit else text[:limit] + "…"


def _plain(char: str) -> str:
    # Letters, digits and spaces mean nothing to HTML or Markdown; any other character might.
    return char if char.isalnum() or char == " " else f"&#{ord(char)};"


def escape(text: object) -> str:
    """HTML or Markdown source that shows exactly the characters of `text`, as text."""
    return "".join(_plain(char) for char in visible(str(text)))


def text_list(texts: Iterable[object]) -> str:
    """Sentences as an HTML list, each shown as text ("" for none)."""
    items = "".join(f"<li>{escape(text)}</li>" for text in texts)
    return f"<ul>{items}</ul>" if items else ""
