"""Lesson `scale`: how big real models are, whether they fit, and what training and using them cost.

state.py: ScaleLesson, its knobs and results; view.py: its page; words.py: its prose and the
sentences on its figures; readable.py: numbers written for people; preview.py: its still picture.
Importing the package gives the lesson, never its page.
"""

from faders.lessons.scale.state import ScaleLesson

__all__ = ["ScaleLesson"]
