"""Lesson `bias-variance`: too simple, too flexible; bias², variance and noise add up to the test error.

state.py: BiasVarianceLesson, its knobs, results and action; view.py: its page; words.py: its prose;
preview.py: its still picture. Importing the package gives the lesson, never its page.
"""

from faders.lessons.bias_variance.state import BiasVarianceLesson

__all__ = ["BiasVarianceLesson"]
