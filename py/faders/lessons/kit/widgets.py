"""Controls and layout shared by the lessons: buttons, knob widgets, status lines, wrapping rows."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any

import panel as pn
import param
from bokeh.events import ButtonClick
from bokeh.models import Button

from faders.lessons.kit.knobs import knobs

# Side by side on a wide screen, one under the other on a phone (pn.FlexBox would need nh3).
# Panel gives a row the sum of its children's widths as its minimum, which would keep it from
# wrapping on a phone; these inline styles let rows wrap and containers shrink.
SHRINKS = {"min-width": "0"}
WRAP = {**SHRINKS, "display": "flex", "flex-wrap": "wrap", "align-items": "flex-end",
        "column-gap": "24px"}
WRAPPED = {**SHRINKS, "flex": "1 1 320px"}


def unlocked(update: Callable[..., None]) -> Callable[..., None]:
    """Let a chart update run from a training task: under a Panel server the document is locked
    outside callbacks; elsewhere (browser worker, notebook) this changes nothing."""

    @wraps(update)
    def run(*args: Any) -> None:
        with pn.io.unlocked():
            update(*args)

    return run


def knob_widget(owner: param.Parameterized, name: str, **layout: Any) -> pn.widgets.Widget:
    """The widget of one knob, made from its declaration (kit.knobs): its label, its help (the
    parameter's `doc`), its bounds, soft bounds and step, the widget kind and options it names;
    `layout` adds what only the page decides (width, margin)."""
    spec = knobs(owner)[name]
    parameter = owner.param[name]
    kind = spec.widget or _kind_of(parameter)
    whole = isinstance(parameter, param.Integer)
    widget_class = {
        "slider": pn.widgets.IntSlider if whole else pn.widgets.FloatSlider,
        "input": pn.widgets.IntInput if whole else pn.widgets.FloatInput,
        "select": pn.widgets.Select,
        "checkbox": pn.widgets.Checkbox,
        "text": pn.widgets.TextInput,
    }[kind]
    return widget_class.from_param(parameter, **{**spec.options, **layout})


def _kind_of(parameter: param.Parameter) -> str:
    if isinstance(parameter, param.Boolean):
        return "checkbox"
    if isinstance(parameter, param.String):
        return "text"
    if isinstance(parameter, param.Selector):
        return "select"
    if isinstance(parameter, param.Number):
        return "slider" if parameter.bounds and None not in parameter.bounds else "input"
    raise TypeError(f"knob {parameter.name!r}: no widget for a {type(parameter).__name__}; name one")


def _has_widget(owner: param.Parameterized, name: str) -> bool:
    typed = isinstance(owner.param[name], param.Boolean | param.Selector | param.Number | param.String)
    return bool(knobs(owner)[name].widget) or typed


def knob_widgets(owner: param.Parameterized, **layouts: dict[str, Any]) -> dict[str, pn.widgets.Widget]:
    """The widget of every knob that has one, by parameter name, each with its own `layouts[name]`
    options if given. List knobs (hidden layers, points) have none: the view draws its own controls."""
    return {name: knob_widget(owner, name, **layouts.get(name, {}))
            for name in knobs(owner) if _has_widget(owner, name)}


def show_locks(widgets: dict[str, Any], locked: dict[str, str]) -> None:
    """Grey out the widgets of locked knobs (`lesson.locked()`), and only those."""
    for name, widget in widgets.items():
        widget.disabled = name in locked


def button(label: str, on_press: Callable[[], Any], **options: Any) -> Button:
    """Bokeh's own button: toggling `disabled` on it is cheap in the page, where Panel's button
    re-renders (tens of milliseconds a time)."""
    widget = Button(label=label, **options)
    widget.on_event(ButtonClick, lambda _: on_press())
    return widget


def action_button(lesson: Any, label: str, action: str, **options: Any) -> Button:
    """A button that runs one of the lesson's (async) actions."""
    return button(label, lambda: param.parameterized.async_executor(partial(lesson.run, action)),
                  **options)


# A boxed line of text (a status or a notice), styled inline.
BOX = {"padding": "0 0.75em", "border-radius": "4px", "min-width": "0"}
# The status line's colours: (background, left border). Only inline styles change with the
# status; swapping an Alert's CSS classes re-renders it, which costs the page a long frame.
STATUS_COLOURS = {"idle": ("#f1f3f5", "#adb5bd"), "training": ("#e7f5ff", "#1c7ed6"),
                  "stopped": ("#fff9db", "#f59f00"), "done": ("#ebfbee", "#2f9e44"),
                  "trained": ("#ebfbee", "#2f9e44"), "diverged": ("#fff5f5", "#c92a2a")}


def status_styles(status: str) -> dict[str, str]:
    """The inline styles of a run's status line: a box coloured by the status."""
    background, border = STATUS_COLOURS[status]
    return {**BOX, "background": background, "border-left": f"4px solid {border}"}
