"""The lessons, by slug: each a package (state, view, words, preview) built from `kit` on faders.core.

Lessons not yet made packages are a module and a `_view` module each.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from faders.lessons.kit.lesson import Lesson

# slug -> (module, class), in the order the index lists them (the curriculum's order). A lesson's
# page imports only its own package: importing every lesson would slow every page's start.
LESSON_CLASSES: dict[str, tuple[str, str]] = {
    "function": ("faders.lessons.function", "FunctionLesson"),
    "network": ("faders.lessons.network", "NetworkLesson"),
    "kinds": ("faders.lessons.kinds", "KindsLesson"),
    "bias-variance": ("faders.lessons.bias_variance", "BiasVarianceLesson"),
    "knn": ("faders.lessons.knn", "KnnLesson"),
    "scale": ("faders.lessons.scale", "ScaleLesson"),
    "logits": ("faders.lessons.logits", "LogitsLesson"),
    "gpus": ("faders.lessons.gpus", "GpusLesson"),
    "language-model": ("faders.lessons.language_model", "LanguageModelLesson"),
    "ship": ("faders.lessons.ship", "ShipLesson"),
}


def lesson_class(slug: str) -> type[Lesson]:
    """The lesson called `slug` (KeyError if there is none), importing its module alone."""
    module, name = LESSON_CLASSES[slug]
    return getattr(importlib.import_module(module), name)


def __getattr__(name: str) -> dict[str, type[Lesson]]:
    # `LESSONS`, every lesson class by slug, imported when first asked for (the build, the index).
    if name == "LESSONS":
        return {slug: lesson_class(slug) for slug in LESSON_CLASSES}
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
