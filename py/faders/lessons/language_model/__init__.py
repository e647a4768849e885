"""Lesson `language-model`: a tiny language model of first names, counted, trained and sampled.

state.py: LanguageModelLesson, its knobs, results and actions; view.py: its page; words.py: its
prose; preview.py: its still picture. Importing the package gives the lesson, never its page.
"""

from faders.lessons.language_model.state import LanguageModelLesson

__all__ = ["LanguageModelLesson"]
