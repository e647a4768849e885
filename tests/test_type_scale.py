"""One type scale: the page's CSS and the kit's charts name the same sizes, no lesson sets its own,
and every chart's title is set on lines that fit a phone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from faders.lessons import LESSONS
from faders.lessons.kit.charts import SMALL_SIZE, TEXT_SIZE, TITLE_ROOM, figures, fitted_title, title_width

ROOT = Path(__file__).resolve().parent.parent
LESSON_DIRS = [d for d in (ROOT / "py" / "faders" / "lessons").iterdir() if (d / "view.py").exists()]
# A font size written out in a lesson (Bokeh's `text_font_size="11px"`, CSS's `font-size: 12px`).
OWN_SIZE = re.compile(r"""font_size\s*=\s*["']\d|font-size:\s*\d""")


def custom_property(name: str) -> str:
    found = re.search(rf"--{name}:\s*([^;]+);", (ROOT / "web" / "assets" / "faders.css").read_text())
    assert found, f"faders.css names no --{name}"
    return found.group(1).strip()


def test_the_css_and_the_charts_name_the_same_sizes() -> None:
    assert custom_property("faders-text") == TEXT_SIZE
    assert custom_property("faders-small") == SMALL_SIZE
    assert custom_property("bokeh-font-size") == "var(--faders-text)"  # widgets, readouts, status lines


@pytest.mark.parametrize("lesson", LESSON_DIRS, ids=lambda d: d.name)
def test_no_lesson_sets_its_own_font_size(lesson: Path) -> None:
    for source in lesson.glob("*.py"):
        sizes = [line.strip() for line in source.read_text().splitlines() if OWN_SIZE.search(line)]
        assert sizes == [], f"{source.name}: take SMALL_SIZE or TEXT_SIZE from kit.charts: {sizes}"


def test_a_short_title_stays_on_one_line() -> None:
    assert fitted_title("Loss while training (log scale)") == "Loss while training (log scale)"


def test_a_long_title_is_set_on_lines_of_about_equal_length_that_fit() -> None:
    title = "Share of the first n draws, as n grows (dashed: probability)"
    lines = fitted_title(title).split("\n")
    assert " ".join(lines) == title and len(lines) == 2
    assert all(title_width(line) <= TITLE_ROOM for line in lines)
    assert abs(len(lines[0]) - len(lines[1])) < 10


def test_a_narrow_chart_gets_more_lines() -> None:
    lines = fitted_title("Each neuron's answer; links: blue +, orange −, thick: large", room=120).split("\n")
    assert len(lines) >= 3 and all(title_width(line) <= 120 for line in lines)


def test_every_title_of_every_lesson_fits_a_phone() -> None:
    for slug, lesson_class in LESSONS.items():
        for fig in figures(lesson_class().view()):
            for line in fig.title.text.split("\n"):
                assert title_width(line) <= TITLE_ROOM, (slug, line)
