"""Lesson `kinds`: three ways to learn (supervised, unsupervised, reinforcement).

state.py: KindsLesson, its knobs, results and actions; view.py: its page; words.py: its prose;
preview.py: its still picture. Importing the package gives the lesson, never its page.
"""

from faders.lessons.kinds.state import KindsLesson

__all__ = ["KindsLesson"]
