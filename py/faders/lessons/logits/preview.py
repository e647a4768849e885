"""The still picture of lesson `logits` at its defaults: the logits as bars beside the probabilities."""

from __future__ import annotations

from faders.core import softmax as sm
from faders.lessons.kit.charts import MUTED
from faders.lessons.kit.formatting import format_number, format_probability
from faders.lessons.kit.still import PANEL_WIDTH, Still, svg
from faders.lessons.logits import words
from faders.lessons.logits.state import DEFAULT_LABELS, DEFAULT_LOGITS


def picture() -> str:
    """The default labels' logits and the probabilities softmax makes of them, as SVG."""
    labels, logits = DEFAULT_LABELS, DEFAULT_LOGITS
    probabilities = sm.softmax(logits)
    raw = Still(0, (0, len(labels)), (-2, 5))
    parts = [raw.frame(words.LOGIT_TITLE, "", "logit z"),
             raw.polyline([0, len(labels)], [0, 0], stroke=MUTED),
             raw.bars(labels, logits, [format_number(z) for z in logits])]
    shares = Still(PANEL_WIDTH, (0, len(labels)), (0, 1.1))
    parts += [shares.frame(words.PROBABILITY_TITLE, "", "probability p"),
              shares.bars(labels, probabilities, [format_probability(p) for p in probabilities])]
    return svg(parts, words.PREVIEW_LABEL)
