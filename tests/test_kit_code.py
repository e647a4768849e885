"""The kit's code blocks: Python highlighted in colours that meet WCAG AA, and its text kept exactly."""

from __future__ import annotations

import html
import inspect
import re
from pathlib import Path

import pytest

from faders.core import linear
from faders.lessons.kit.code import BACKGROUND, CODE_CSS, COLOURS, INK, code_block, highlighted

ROOT = Path(__file__).resolve().parents[1]


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear_rgb = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear_rgb[0] + 0.7152 * linear_rgb[1] + 0.0722 * linear_rgb[2]


def contrast(one: str, other: str) -> float:
    darker, lighter = sorted((luminance(one), luminance(other)))
    return (lighter + 0.05) / (darker + 0.05)


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


@pytest.mark.parametrize("colour", [INK, *COLOURS.values()])
def test_every_colour_meets_wcag_aa_on_the_code_background(colour: str) -> None:
    assert contrast(colour, BACKGROUND) >= 4.5
    assert f"color: {colour}" in CODE_CSS


def test_each_kind_of_token_gets_its_class_and_markup_in_the_code_is_escaped() -> None:
    markup = highlighted('def fit(x):\n    # a <b> comment\n    return x < 2 and "s&t" or 1.5\n')
    assert '<span class="k">def</span> <span class="nf">fit</span><span class="p">(</span>x' in markup
    assert '<span class="c1"># a &lt;b&gt; comment</span>' in markup
    assert '<span class="o">&lt;</span> <span class="m">2</span> <span class="k">and</span>' in markup
    assert '<span class="s">"s&amp;t"</span>' in markup
    assert "<b>" not in markup


@pytest.mark.parametrize("path", sorted((ROOT / "py" / "faders").rglob("*.py")), ids=lambda p: p.name)
def test_the_text_shown_is_the_source_itself(path: Path) -> None:
    source = path.read_text(encoding="utf-8")  # multi-line strings with "…" in them, f-strings
    assert text_of(highlighted(source)) == source


def test_source_the_tokenizer_cannot_finish_is_shown_whole_and_plain_from_there() -> None:
    source = 'x = 1\ns = """never closed <\n'
    markup = highlighted(source)
    assert text_of(markup) == source and "&lt;" in markup


def test_a_code_block_is_a_named_region_the_keyboard_can_reach_and_scroll() -> None:
    pane = code_block(inspect.getsource(linear.predict), label='The "loop" <being> run')
    assert pane.object.startswith('<pre class="faders-code" tabindex="0" role="region" '
                                  'aria-label="The &quot;loop&quot; &lt;being&gt; run"><code>')
    assert text_of(pane.object) == inspect.getsource(linear.predict)
    assert CODE_CSS in pane.stylesheets


def test_a_tall_code_block_scrolls_within_its_height() -> None:
    pane = code_block("x = 1\n", label="Code", max_height=320)
    assert any("max-height: 320px" in sheet for sheet in pane.stylesheets)
    assert not any("max-height" in sheet for sheet in code_block("x = 1\n", label="Code").stylesheets)
