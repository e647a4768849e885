"""The lessons as one course: themes in the curriculum's order, a path from lesson to lesson, and
the glossary (glossary.py). Data only, read by the build; lessons that are not registered are
skipped, so a new lesson joins the course by being registered and named here.
"""

from __future__ import annotations

from dataclasses import dataclass

from faders.lessons import LESSON_CLASSES

GLOSSARY_PAGE = "glossary.html"


@dataclass(frozen=True)
class Theme:
    """A group of lessons on the index, in the order a reader should take them."""

    title: str
    blurb: str
    slugs: tuple[str, ...]


# DESIGN §1: what a model is (1, 2), learning (5, 11, 6, 7), models that talk (4, 9), scale and
# machines (3, 8), in practice (12); the glossary (10) closes the index.
THEMES: tuple[Theme, ...] = (
    Theme("What a model is", "A function with knobs, trained, then used.", ("function",)),
    Theme("Learning", "How a model finds its knobs, and how it can get them wrong.",
          ("network", "kinds", "bias-variance", "knn")),
    Theme("Models that talk", "Scores become probabilities, and probabilities become text.",
          ("logits", "language-model")),
    Theme("Scale and machines",
          "How big models are, what they cost, and why GPUs matter.", ("scale", "gpus")),
    Theme("In practice", "What to ask before a model meets real users.", ("ship",)),
)
OTHER_THEME = Theme("More lessons", "Lessons not yet placed in a theme.", ())

# A rough time to spend on each lesson, in minutes (reading and trying the knobs).
MINUTES: dict[str, int] = {
    "function": 10, "network": 20, "kinds": 15, "bias-variance": 15, "knn": 10, "logits": 10,
    "language-model": 15, "scale": 10, "gpus": 10, "ship": 15,
}
DEFAULT_MINUTES = 10

# The lessons whose ideas a lesson leans on (beyond the one just before it).
BUILDS_ON: dict[str, tuple[str, ...]] = {
    "network": ("function",),
    "kinds": ("function", "network"),
    "bias-variance": ("function", "network"),
    "knn": ("bias-variance", "function"),
    "logits": ("function",),
    "language-model": ("logits", "network", "scale"),
    "scale": ("function",),
    "gpus": ("network", "scale"),
    "ship": ("kinds", "bias-variance", "scale"),
}


def themes() -> list[Theme]:
    """The themes with the registered lessons only, in course order; a registered lesson that no
    theme names comes last, under OTHER_THEME; a theme left empty is dropped."""
    named = {slug for theme in THEMES for slug in theme.slugs}
    shown = [Theme(t.title, t.blurb, tuple(s for s in t.slugs if s in LESSON_CLASSES)) for t in THEMES]
    others = tuple(slug for slug in LESSON_CLASSES if slug not in named)
    if others:
        shown.append(Theme(OTHER_THEME.title, OTHER_THEME.blurb, others))
    return [theme for theme in shown if theme.slugs]


def order() -> list[str]:
    """Every registered lesson in the course's order."""
    return [slug for theme in themes() for slug in theme.slugs]


def theme_of(slug: str) -> Theme:
    return next(theme for theme in themes() if slug in theme.slugs)


def minutes(slug: str) -> int:
    return MINUTES.get(slug, DEFAULT_MINUTES)


@dataclass(frozen=True)
class Step:
    """Where a lesson sits on the path: its number, its neighbours and what it builds on."""

    number: int
    total: int
    previous: str | None
    next: str | None
    builds_on: tuple[str, ...]


def step(slug: str) -> Step:
    slugs = order()
    at = slugs.index(slug)
    previous = slugs[at - 1] if at > 0 else None
    following = slugs[at + 1] if at + 1 < len(slugs) else None
    leans = tuple(s for s in BUILDS_ON.get(slug, ()) if s in LESSON_CLASSES and s != previous)
    return Step(at + 1, len(slugs), previous, following, leans)
