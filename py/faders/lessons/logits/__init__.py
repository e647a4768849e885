"""Lesson `logits`: softmax turns a model's raw scores into probabilities; temperature, top-k and
seeded draws turn those into choices.

state.py: LogitsLesson, its knobs, numbers, row edits and actions; view.py: its page; words.py: its
prose and the sentences on its numbers; preview.py: its still picture. Importing the package gives
the lesson, never its page.
"""

from faders.lessons.logits.state import LogitsLesson

__all__ = ["LogitsLesson"]
