"""Faders: machine-learning models as functions with knobs, taught by turning them."""

__version__ = "0.1.0"
