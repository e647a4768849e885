"""What every lesson's page gets without asking: charts described in words and a voice for its status."""

from __future__ import annotations

from typing import Any

import panel as pn

from faders.lessons.kit.announce import Announcer
from faders.lessons.kit.charts import describe_charts


def accessible(layout: Any, lesson: Any) -> Any:
    """`layout` with a text alternative on every chart and the lesson's announcer inside it."""
    describe_charts(layout)
    announcer = Announcer(lesson)
    if isinstance(layout, pn.layout.ListLike):
        layout.append(announcer.pane)
        return layout
    return pn.Column(layout, announcer.pane, sizing_mode="stretch_width")
