"""Python source shown on a page as a highlighted code block, readable on our light background.

Every colour meets WCAG AA (4.5:1 at least) on the code box's background. The tokens come from the
standard library's tokenizer, so nothing is fetched from a CDN and no highlighter is shipped to the
browser (Panel's Markdown highlights code only where Pygments is installed, which the page is not).
The token classes are Pygments' short names (`k`, `c1`, `s`…); the block's own class is not
Pygments' `codehilite`, for Panel's HTML pane gives every `.codehilite` block a copy button that has
no name and shows only under a mouse.

    code = code_block(inspect.getsource(linear.gradient_descent), label="The loop being run")
"""

from __future__ import annotations

import html
import io
import keyword
import tokenize
from typing import Any

import panel as pn

BACKGROUND = "#f8f9fa"
INK = "#1f2933"
# Pygments class -> colour on BACKGROUND, with its contrast ratio (tests/test_kit_code.py checks each).
COLOURS = {
    "k": "#7b2d8e",  # keywords (def, for, return, True): 7.6:1
    "c1": "#4b5563",  # comments: 7.2:1
    "s": "#8a3b00",  # strings: 7.4:1
    "m": "#8a3b00",  # numbers: 7.4:1
    "nf": "#1c5d99",  # the name a def or class gives: 6.5:1
    "o": "#374151",  # operators: 9.8:1
    "p": "#374151",  # brackets, commas, colons, dots: 9.8:1
}
PUNCTUATION = set("()[]{},:;.")
STRING_TOKENS = {tokenize.STRING, tokenize.FSTRING_START, tokenize.FSTRING_MIDDLE, tokenize.FSTRING_END}

CODE_CSS = f"""
pre.faders-code {{ white-space: pre; overflow-x: auto; max-width: 100%; margin: 0; box-sizing: border-box;
  background: {BACKGROUND}; color: {INK}; padding: 0.75em 1em; border-radius: 6px;
  font-size: var(--faders-small, 12px); line-height: 1.45; }}
pre.faders-code:focus-visible {{ outline: 3px solid #0b57d0; outline-offset: 2px; }}
""" + "".join(f".faders-code .{kind} {{ color: {colour}; }}\n" for kind, colour in COLOURS.items())


def token_kind(token: tokenize.TokenInfo, previous_name: str) -> str:
    """The Pygments class of a token ("" for one left plain: names, white space, line ends)."""
    if token.type == tokenize.COMMENT:
        return "c1"
    if token.type in STRING_TOKENS:
        return "s"
    if token.type == tokenize.NUMBER:
        return "m"
    if token.type == tokenize.NAME:
        if keyword.iskeyword(token.string):
            return "k"
        return "nf" if previous_name in ("def", "class") else ""  # other names: the ink's colour
    if token.type == tokenize.OP:
        return "p" if token.string in PUNCTUATION else "o"
    return ""


def highlighted(source: str) -> str:
    """`source` as HTML: a span of its class around each token, every character escaped.

    Each token's text is found in `source` from where the last one ended (the tokenizer's columns
    are off after some multi-line strings), so the text shown is always `source`'s own; whatever
    the tokenizer cannot read (half a statement) is left plain."""
    parts, done, previous_name = [], 0, ""
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            start = source.find(token.string, done) if token.string else -1
            if start < 0:
                continue  # DEDENT, ENDMARKER: no text of their own
            end = start + len(token.string)
            kind = token_kind(token, previous_name)
            text = html.escape(source[start:end], quote=False)
            parts.append(html.escape(source[done:start], quote=False))
            parts.append(f'<span class="{kind}">{text}</span>' if kind else text)
            done = end
            if token.type == tokenize.NAME:
                previous_name = token.string
    except (tokenize.TokenError, SyntaxError):
        pass  # the rest stays plain
    parts.append(html.escape(source[done:], quote=False))
    return "".join(parts)


def code_markup(source: str, label: str) -> str:
    """The HTML of a code block (a named region the keyboard can reach): what `code_block` shows,
    and what a view sets as its `object` when the source changes."""
    return (f'<pre class="faders-code" tabindex="0" role="region" aria-label="{html.escape(label)}">'
            f'<code>{highlighted(source)}</code></pre>')


def code_block(source: str, label: str, max_height: int | None = None, **options: Any) -> pn.pane.HTML:
    """A highlighted code block of Python `source`: it scrolls sideways on a narrow screen, and can
    be reached and scrolled with the keyboard (a named region). A block taller than `max_height`
    (px) scrolls up and down too. `options` are the pane's layout."""
    stylesheets = [CODE_CSS]
    if max_height is not None:
        stylesheets.append(f"pre.faders-code {{ max-height: {max_height}px; overflow-y: auto; }}")
    return pn.pane.HTML(code_markup(source, label), stylesheets=stylesheets,
                        **{"sizing_mode": "stretch_width", "styles": {"min-width": "0", "max-width": "100%"},
                           **options})
