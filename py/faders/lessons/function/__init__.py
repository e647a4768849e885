"""Lesson `function`: a model is a function with knobs; training turns them; inference uses them.

state.py: FunctionLesson, its knobs, results and actions; view.py: its page; words.py: its prose;
preview.py: its still picture. Importing the package gives the lesson, never its page.
"""

from faders.lessons.function.state import FunctionLesson

__all__ = ["FunctionLesson"]
