"""Still pictures: a lesson's charts drawn as SVG at build time, so its page shows something at once.

Each lesson's `preview.py` draws its picture with these helpers (`picture()` returns the SVG) and
tools/prerender.py puts it in the page until the live lesson is ready. Plain SVG text, no Panel, no
Bokeh: the build draws it without a browser. Words shown here are the code's own (escaped).
"""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from faders.lessons.kit.charts import LABEL_COLOURS

PANEL_WIDTH, PANEL_HEIGHT, MARGIN = 480, 300, 40


class Still:
    """Maps data coordinates to one panel of the picture."""

    def __init__(self, left: float, x_range: Sequence[float], y_range: Sequence[float]) -> None:
        self.left, self.x_range, self.y_range = left, x_range, y_range

    def x(self, value: float) -> float:
        low, high = self.x_range
        return self.left + MARGIN + (value - low) / (high - low) * (PANEL_WIDTH - 2 * MARGIN)

    def y(self, value: float) -> float:
        low, high = self.y_range
        return PANEL_HEIGHT - MARGIN - (value - low) / (high - low) * (PANEL_HEIGHT - 2 * MARGIN)

    def frame(self, title: str, x_label: str, y_label: str) -> str:
        left, top = self.left + MARGIN, MARGIN
        width, height = PANEL_WIDTH - 2 * MARGIN, PANEL_HEIGHT - 2 * MARGIN
        return (f'<rect x="{left}" y="{top}" width="{width}" height="{height}" fill="#f4f6f8"/>'
                f'<text x="{left}" y="{top - 12}" font-size="14" fill="#1f2933">{escape(title)}</text>'
                f'<text x="{left + width / 2}" y="{PANEL_HEIGHT - 8}" font-size="12" fill="#5f6b76" '
                f'text-anchor="middle">{escape(x_label)}</text>'
                f'<text x="{self.left + 14}" y="{top + height / 2}" font-size="12" fill="#5f6b76" '
                f'text-anchor="middle" transform="rotate(-90 {self.left + 14} {top + height / 2})">'
                f'{escape(y_label)}</text>')

    def note(self, text: str) -> str:
        """A line of text in the middle of the panel (what appears there once the lesson runs)."""
        return (f'<text x="{self.left + PANEL_WIDTH / 2}" y="{PANEL_HEIGHT / 2}" font-size="13" '
                f'fill="#5f6b76" text-anchor="middle">{escape(text)}</text>')

    def x_ticks(self, values: Sequence[float]) -> str:
        bottom = PANEL_HEIGHT - MARGIN
        return "".join(f'<text x="{self.x(v):.1f}" y="{bottom + 14}" font-size="10" fill="#5f6b76" '
                       f'text-anchor="middle">{v:g}</text>' for v in values)

    def polyline(self, xs: Sequence[float], ys: Sequence[float], **style: str) -> str:
        points = " ".join(f"{self.x(a):.1f},{self.y(b):.1f}" for a, b in zip(xs, ys, strict=True))
        attributes = " ".join(f'{k.replace("_", "-")}="{v}"' for k, v in style.items())
        return f'<polyline points="{points}" fill="none" {attributes}/>'

    def bars(self, labels: Sequence[str], values: Sequence[float], texts: Sequence[str]) -> str:
        """One bar per label from 0 to its value, coloured as on the live page, the value above
        it and the label below the frame."""
        parts = []
        for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
            left, right = self.x(i + 0.15), self.x(i + 0.85)
            top, bottom = sorted((self.y(value), self.y(0)))
            parts.append(f'<rect x="{left:.1f}" y="{top:.1f}" width="{right - left:.1f}" '
                         f'height="{bottom - top:.1f}" fill="{LABEL_COLOURS[i]}"/>')
            middle = (left + right) / 2
            parts.append(f'<text x="{middle:.1f}" y="{min(top, self.y(value)) - 4:.1f}" font-size="12" '
                         f'fill="#1f2933" text-anchor="middle">{escape(text)}</text>')
            parts.append(f'<text x="{middle:.1f}" y="{PANEL_HEIGHT - MARGIN + 16}" font-size="12" '
                         f'fill="#5f6b76" text-anchor="middle">{escape(label)}</text>')
        return "".join(parts)


def svg(parts: Sequence[str], label: str, panels: int = 2) -> str:
    """The whole picture: `panels` panels side by side, named `label` for a screen reader."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {panels * PANEL_WIDTH} {PANEL_HEIGHT}" '
            f'role="img" aria-label="{escape(label)}">{"".join(parts)}</svg>')
