"""Lesson `gpus`: why GPUs matter; matrix products and training timed in the browser, numpy against WebGPU.

state.py: GpusLesson, its knobs, measurements and actions; view.py: its page; words.py: its prose;
preview.py: its still picture. Importing the package gives the lesson, never its page.
"""

from faders.lessons.gpus.state import GpusLesson

__all__ = ["GpusLesson"]
