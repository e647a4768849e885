"""One module per lesson: its knobs (param), its page (Panel), built on faders.core."""

from __future__ import annotations

from faders.lessons.base import Lesson
from faders.lessons.function import FunctionLesson
from faders.lessons.gpus import GpusLesson
from faders.lessons.logits import LogitsLesson
from faders.lessons.scale import ScaleLesson

# Lessons in the order the index lists them (the curriculum's order).
LESSONS: dict[str, type[Lesson]] = {
    lesson.slug: lesson for lesson in (FunctionLesson, ScaleLesson, LogitsLesson, GpusLesson)}
