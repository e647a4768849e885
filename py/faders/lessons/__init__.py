"""One module per lesson: its knobs (param), its page (Panel), built on faders.core."""

from __future__ import annotations

from faders.lessons.base import Lesson
from faders.lessons.function import FunctionLesson
from faders.lessons.gpus import GpusLesson

# Lessons in the order the index lists them.
LESSONS: dict[str, type[Lesson]] = {lesson.slug: lesson for lesson in (FunctionLesson, GpusLesson)}
