"""Lesson `knn`: a parametric model keeps a few numbers; k nearest neighbours keeps the data.

state.py: KnnLesson, its knobs, results and actions; view.py: its page; words.py: its prose;
preview.py: its still picture. Importing the package gives the lesson, never its page.
"""

from faders.lessons.knn.state import KnnLesson

__all__ = ["KnnLesson"]
