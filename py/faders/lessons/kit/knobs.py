"""One declaration per knob: its URL key, type and bounds, label, help, and its part in a run.

A knob is an ordinary `param` parameter (its type, default, bounds, `step`, `softbounds`, and `doc`,
which is its help text) handed to `knob()` with what the lesson needs to know besides:

    learning_rate = knob(param.Number(0.05, bounds=(0.001, 0.5), step=0.001,
                                      doc="How far each update moves the knobs."),
                         key="lr", label="Learning rate", format="0.000")

    hidden = knob(IntList([4, 2], ...), key="hidden", label="Hidden layers", restarts=True)

Everything else is derived from these declarations and never listed again by hand:

- `url_names(cls)`: URL key -> parameter name (what `Lesson.url_names` and the links use), a part's
  knobs named "part.knob" (a lesson made of parts, `Lesson.parts`, e.g. network's `curve`);
- `locked_knobs(owner, status, running, reason)`: the knobs that cannot be turned right now, each with
  its reason (what `TrainingRun.locked()` and so `Lesson.locked()` return, and what the view greys);
- `watch_restarts(owner, restart)`: calls `restart()` when a knob marked `restarts` changes;
- the widget: `kit.widgets.knob_widget(owner, name)` (label, help, bounds, step, widget kind).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import param

# Where a parameter keeps its Knob: param's own `metadata` slot, free for such use.
KNOB = "faders.knob"
WIDGET_KINDS = ("slider", "input", "select", "checkbox", "text")


@dataclass(frozen=True)
class Knob:
    """What a lesson knows of one knob besides its param type, bounds and help (`doc`)."""

    key: str  # its name in a link: ?lr=0.1
    label: str  # its name on the page and to a screen reader
    # Stays live while the run trains (e.g. a learning rate the next epoch uses); else it is locked then.
    live: bool = False
    # Changing it starts the run again from scratch (a new network, new data); see watch_restarts.
    restarts: bool = False
    # Why it is locked while the run trains, when the run's own reason does not say it.
    lock_reason: str = ""
    # Further statuses in which it is locked, each with the reason: {"trained": "frozen after …"}.
    locked_in: Mapping[str, str] = field(default_factory=dict)
    # "slider", "input", "select", "checkbox" or "text"; "" lets the parameter's type decide.
    widget: str = ""
    # More options of its widget (e.g. format="0.00"); layout (width, margin) is the view's to give.
    options: Mapping[str, Any] = field(default_factory=dict)
    # Why its bounds are what they are, said when a value from outside falls beyond them.
    bounds_reason: str = ""

    def __post_init__(self) -> None:
        if self.widget and self.widget not in WIDGET_KINDS:
            raise ValueError(f"knob {self.key!r}: widget {self.widget!r} is not one of {WIDGET_KINDS}")


def knob[P: param.Parameter](parameter: P, *, key: str, label: str, live: bool = False,
                             restarts: bool = False, lock_reason: str = "",
                             locked_in: Mapping[str, str] | None = None, widget: str = "",
                             bounds_reason: str = "", **options: Any) -> P:
    """`parameter` declared as a knob: it gets its label, and its Knob rides in its metadata."""
    parameter.label = label
    spec = Knob(key, label, live, restarts, lock_reason, dict(locked_in or {}), widget, options,
                bounds_reason)
    parameter.metadata = {**(parameter.metadata or {}), KNOB: spec}
    return parameter


def knob_of(parameter: param.Parameter) -> Knob | None:
    """The Knob a parameter was declared with, or None for a parameter that is not a knob."""
    return (parameter.metadata or {}).get(KNOB)


def knobs(owner: param.Parameterized | type[param.Parameterized]) -> dict[str, Knob]:
    """Parameter name -> Knob for every knob of a lesson (class or instance), in declaration order."""
    found = {}
    for name, parameter in owner.param.objects(instance=False).items():
        spec = knob_of(parameter)
        if spec is not None:
            found[name] = spec
    return found


def parts(owner: param.Parameterized | type[param.Parameterized]) -> dict[str, type[param.Parameterized]]:
    """Attribute name -> class of each part of a lesson made of parts (`Lesson.parts`); {} for others."""
    return dict(getattr(owner, "parts", None) or {})


def all_knobs(owner: param.Parameterized | type[param.Parameterized]) -> dict[str, Knob]:
    """Name -> Knob for every knob of a lesson and of its parts: the lesson's own first, then each
    part's named "part.knob" (as param names a parameter of a sub-object)."""
    found = knobs(owner)
    for part, kind in parts(owner).items():
        found.update({f"{part}.{name}": spec for name, spec in knobs(kind).items()})
    return found


def owner_of(lesson: param.Parameterized, name: str) -> tuple[param.Parameterized, str]:
    """The object that holds the knob `name` ("learning_rate", or "curve.width" for a part's) and its
    own name for it: (lesson, "learning_rate"), (lesson.curve, "width")."""
    *path, own = name.split(".")
    for step in path:
        lesson = getattr(lesson, step)
    return lesson, own


def url_names(owner: param.Parameterized | type[param.Parameterized]) -> dict[str, str]:
    """URL key -> parameter name, for every knob, its parts' too (see all_knobs); two knobs with one
    key are a mistake, refused."""
    names: dict[str, str] = {}
    for name, spec in all_knobs(owner).items():
        if spec.key in names:
            raise ValueError(f"knobs {names[spec.key]!r} and {name!r} share the URL key {spec.key!r}")
        names[spec.key] = name
    return names


def locked_knobs(owner: param.Parameterized, status: str, running: bool, reason: str) -> dict[str, str]:
    """The knobs that cannot be turned now, each with its reason: while the run goes (`running`),
    every knob that is not live; in any status a knob lists in `locked_in`, those knobs too."""
    locked = {}
    for name, spec in knobs(owner).items():
        if running and not spec.live:
            locked[name] = spec.lock_reason or reason
        elif status in spec.locked_in:
            locked[name] = spec.locked_in[status]
    return locked


def watch_restarts(owner: param.Parameterized, restart: Callable[[], None],
                   also: Sequence[str] = ()) -> Any:
    """Call `restart()` whenever knobs marked `restarts` change, or the parameters named in `also`
    that are not knobs (once for a batch changed together); returns param's Watcher, or None when
    nothing restarts the run."""
    names = [name for name, spec in knobs(owner).items() if spec.restarts] + list(also)
    if not names:
        return None
    return owner.param.watch(lambda *_: restart(), names)
