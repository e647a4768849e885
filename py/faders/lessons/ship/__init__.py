"""Lesson `ship`: before you ship, the four questions a senior engineer asks first.

state.py: ShipLesson, its knobs, results and actions; view.py: its page; words.py: its prose;
preview.py: its still picture. Importing the package gives the lesson, never its page.
"""

from faders.lessons.ship.state import ShipLesson

__all__ = ["ShipLesson"]
