"""Lesson `network`: neural networks approximate functions, in two parts.

state.py: NetworkLesson, Part 2's knobs (the playground), results and actions, with Part 1 composed as
`curve`; curve.py: CurveFit, Part 1 (a network fits a curve); together.py: what Part 2's knobs need of
each other; view.py and curve_view.py: the page; words.py: its prose; preview.py: its still picture.
Importing the package gives the lesson, never its page.
"""

from faders.lessons.network.curve import CurveFit
from faders.lessons.network.state import NetworkLesson

__all__ = ["CurveFit", "NetworkLesson"]
