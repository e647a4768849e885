"""tensorflow/playground's colours, the live page's and the still picture's: orange for class 0 and
negative values, blue for class 1 and positive, and the palette between them."""

from __future__ import annotations

from bokeh.palettes import interp_palette

ORANGE, BLUE, PALE = "#f59322", "#0877bd", "#e8eaeb"
PALETTE = interp_palette((ORANGE, PALE, BLUE), 64)
