"""What every lesson shares: its knobs as one table, its settings in the URL, the automation API.

A lesson is a `param.Parameterized` subclass of `Lesson` in a package of its own
(`faders.lessons.<slug>`): `state.py` holds the class, `view.py` its page (a function
`layout(lesson, with_prose)`), `words.py` its prose, `preview.py` its still picture. Its knobs are
declared once each with `kit.knobs.knob`; from them come `url_names`, `locked()` (through its
`training_run`, a kit.run.TrainingRun, if it trains) and the restart watcher (`restart()`).

A lesson in two parts that each train on their own (network: a curve, then a playground) keeps a part
as a `Part`: an object with knobs, a run, notices and words of its own, declared in `Lesson.parts`
and made by the lesson. Its knobs join the lesson's links, locks and API under the names
"part.knob" (with the URL keys they declare), its notices become the lesson's.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from functools import wraps
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

import param

from faders.backend import NUMPY, Backend
from faders.lessons.kit import knobs
from faders.lessons.kit.safe_text import quote
from faders.lessons.kit.urlstate import parse_query, to_query

if TYPE_CHECKING:
    from faders.lessons.kit.run import TrainingRun


class Refused(ValueError):
    """A request from outside that the lesson declines (an unknown action or method, an argument of
    the wrong kind): the caller's to fix, not a fault of the lesson."""


def _accessible(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def accessible_view(self: Lesson, *args: Any, **kwargs: Any) -> Any:
        from faders.lessons.kit.accessible import accessible  # Panel is imported with the view only

        return accessible(view(self, *args, **kwargs), self)

    accessible_view.accessible = True  # type: ignore[attr-defined]
    return accessible_view


class _UrlNamesFromKnobs:
    """`Lesson.url_names` of a lesson whose knobs are declared with kit.knobs.knob: derived from them."""

    def __get__(self, instance: object, owner: type[param.Parameterized]) -> dict[str, str]:
        return knobs.url_names(owner)


class Part(param.Parameterized):
    """Knobs (param parameters declared with kit.knobs.knob), a training run, and notices: what a
    lesson is made of, and what one part of a lesson in several parts holds of its own."""

    # Its run, if it trains (a kit.run.TrainingRun made in __init__): `locked()` and `recover()` come from it.
    training_run: TrainingRun | None = None

    # Parameters that are not knobs but start the run again when they change (e.g. the reader's points).
    restarted_by: ClassVar[tuple[str, ...]] = ()

    notices = param.List(default=[], doc="Messages about settings that were refused.")

    def __init__(self, **params: Any) -> None:
        super().__init__(**params)
        knobs.watch_restarts(self, self.restart, self.restarted_by)

    def check_together(self, values: dict[str, object]) -> list[str]:
        """Refuse outside values that are good alone but not together (e.g. three labels and two
        logits): remove them from `values` and say why. Nothing to check by default."""
        return []

    def locked(self) -> dict[str, str]:
        """Knobs that cannot be turned right now, each with the reason (e.g. frozen after training):
        by default what the knob table and the training run say (kit.knobs.locked_knobs)."""
        return self.training_run.locked() if self.training_run is not None else {}

    def restart(self) -> None:
        """Start the run again from scratch: called when a knob declared `restarts=True` changes."""

    def recover(self) -> None:
        """After an action failed half-way: put back what it left mid-way (a run still marked as
        training, say), so that every action works again. By default the training run recovers."""
        if self.training_run is not None:
            self.training_run.recover()


class Lesson(Part):
    """A lesson: knobs (param parameters), results, actions, and a Panel view."""

    slug: ClassVar[str] = ""
    title: ClassVar[str] = ""
    teaser: ClassVar[str] = ""
    # Query key -> parameter name: the knobs a link reproduces. Derived from the knob declarations
    # (kit.knobs); a lesson not yet declared that way lists them itself.
    url_names: ClassVar[dict[str, str]] = _UrlNamesFromKnobs()  # type: ignore[assignment]
    # Its parts, if it is made of parts that train on their own: attribute name -> Part class. Each is
    # made with the lesson (`NetworkLesson(curve={"width": 3})` gives it settings of its own).
    parts: ClassVar[dict[str, type[Part]]] = {}
    # Actions that run(action) accepts.
    actions: ClassVar[tuple[str, ...]] = ()
    # Lessons that multiply matrices get the page's engine (WebGPU or numpy) as `backend`.
    uses_gpu: ClassVar[bool] = False
    # A lesson that times both engines itself can choose the GPU in auto mode, so its page starts
    # WebGPU at once; other GPU lessons stay on numpy in auto mode, and their page starts WebGPU
    # only when the link asks for it (backend=webgpu).
    measures_gpu: ClassVar[bool] = False
    # The height (px) of the iframe the embed snippet proposes: the lesson's page at about 700 px wide.
    embed_height: ClassVar[int] = 1500

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Every lesson's page is accessible by construction: its own `view` is wrapped so that the
        # layout it builds gets charts described in words and a live voice (lessons.kit.accessible).
        super().__init_subclass__(**kwargs)
        own_view = cls.__dict__.get("view")
        if own_view is not None and not getattr(own_view, "accessible", False):
            cls.view = _accessible(own_view)

    def __init__(self, backend: Backend | None = None, **params: Any) -> None:
        made = {name: kind(**params.pop(name, {})) for name, kind in self.parts.items()}
        super().__init__(**params)
        self.backend: Backend = backend if backend is not None else NUMPY
        for name, part in made.items():
            setattr(self, name, part)
            # What a part says of its settings is said on the lesson's page (each time, even twice).
            part.param.watch(lambda event: setattr(self, "notices", list(event.new)), "notices",
                             onlychanged=False)

    def part_list(self) -> list[tuple[str, Part]]:
        """(name, part) for each part of the lesson, in the order `parts` declares them."""
        return [(name, getattr(self, name)) for name in self.parts]

    def settings(self) -> dict[str, str]:
        """The current knobs as query parameters."""
        return to_query(self, self.url_names)

    def watch_settings(self, callback: Callable[..., None]) -> None:
        """Call `callback(*events)` whenever a knob a link reproduces (a part's too) or the notices change."""
        names: dict[int, tuple[param.Parameterized, list[str]]] = {id(self): (self, ["notices"])}
        for name in self.url_names.values():
            owner, own = knobs.owner_of(self, name)
            names.setdefault(id(owner), (owner, []))[1].append(own)
        for owner, watched in names.values():
            owner.param.watch(callback, watched)

    def apply(self, values: Mapping[str, object]) -> list[str]:
        """Set knobs from outside values (URL or API); refused values change nothing."""
        applied = parse_query(self, self.url_names, values)
        notices, accepted = list(applied.notices), {}
        locked = self.locked()
        for name, value in applied.values.items():
            if name in locked:
                notices.append(locked[name])
            else:
                accepted[name] = value
        for name, part in self.part_list():
            notices += _check_part(part, name, accepted)
        notices += self.check_together(accepted)
        changes: dict[int, tuple[param.Parameterized, dict[str, object]]] = {}
        for name, value in accepted.items():
            owner, own = knobs.owner_of(self, name)
            changes.setdefault(id(owner), (owner, {}))[1][own] = value
        for owner, values_of_owner in changes.values():
            owner.param.update(values_of_owner)
        self.notices = notices
        return notices

    def locked(self) -> dict[str, str]:
        """Knobs that cannot be turned right now, each with the reason: the lesson's own (see
        Part.locked) and its parts', named "part.knob"."""
        locked = super().locked()
        for name, part in self.part_list():
            locked.update({f"{name}.{knob}": reason for knob, reason in part.locked().items()})
        return locked

    def results(self) -> dict[str, Any]:
        """Every number the lesson shows."""
        return {}

    def snapshot(self) -> dict[str, Any]:
        """The state behind window.faders.get(): settings, results and notices."""
        return {"lesson": self.slug, "settings": self.settings(), "results": self.results(),
                "notices": list(self.notices)}

    async def run(self, action: str) -> None:
        """Perform an action by name; unknown names raise Refused. An action that fails half-way
        leaves the lesson ready for the next one (see `recover`) and raises its error."""
        if action not in self.actions:
            known = f"knows: {', '.join(self.actions)}" if self.actions else "has no actions"
            raise Refused(f"Unknown action '{quote(action)}'. This lesson {known}.")
        try:
            await getattr(self, f"do_{action}")()
        except Exception:
            self.recover()
            raise

    def recover(self) -> None:
        """After an action failed half-way: the lesson's run and its parts' recover (see Part.recover)."""
        super().recover()
        for _, part in self.part_list():
            part.recover()

    def announcement(self, status_name: str = "status") -> str:
        """A sentence on a run while it goes, said every few seconds: by default the words of the
        `…message()` that goes with the status parameter `status_name`."""
        words = getattr(self, status_name.replace("status", "message"), None)
        return words() if callable(words) else ""

    def summary(self) -> str:
        """The lesson's result in one sentence, said once the reader's changes have settled."""
        return ""

    @classmethod
    def view_module(cls) -> ModuleType:
        """The `view` module of the lesson's package, its page (imported only when asked for: Panel
        comes with the page, not with the state). A test of the page reaches it this way too."""
        package = cls.__module__.rpartition(".")[0]
        return importlib.import_module(f"{package}.view")

    @_accessible
    def view(self, with_prose: bool = False) -> Any:
        """The Panel layout of the lesson: `layout(lesson, with_prose)` of its `view_module()`."""
        return self.view_module().layout(self, with_prose)

    def __panel__(self) -> Any:
        return self.view()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        """In a Jupyter notebook, a lesson displays as its live page."""
        return self.view(with_prose=True)._repr_mimebundle_(include, exclude)


def _check_part(part: Part, name: str, values: dict[str, object]) -> list[str]:
    """`part.check_together` on the outside values meant for it ("part.knob" in `values`, "knob" to the
    part); what it refuses leaves `values`, what it sets or changes comes back into them."""
    prefix = f"{name}."
    own = {key.removeprefix(prefix): value for key, value in values.items() if key.startswith(prefix)}
    notices = part.check_together(own)
    for key in [key for key in values if key.startswith(prefix)]:
        del values[key]
    values.update({prefix + key: value for key, value in own.items()})
    return notices
