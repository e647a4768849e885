"""What every lesson shares: its knobs as one table, its settings in the URL, the automation API."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, ClassVar

import param

from faders.backend import NUMPY, Backend
from faders.lessons.kit.safe_text import quote
from faders.lessons.kit.urlstate import parse_query, to_query


class Refused(ValueError):
    """A request from outside that the lesson declines (an unknown action or method, an argument of
    the wrong kind): the caller's to fix, not a fault of the lesson."""


class Lesson(param.Parameterized):
    """A lesson: knobs (param parameters), results, actions, and a Panel view."""

    slug: ClassVar[str] = ""
    title: ClassVar[str] = ""
    teaser: ClassVar[str] = ""
    # Query key -> parameter name: the knobs a link reproduces.
    url_names: ClassVar[dict[str, str]] = {}
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

    notices = param.List(default=[], doc="Messages about settings that were refused.")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Every lesson's page is accessible by construction: its own `view` is wrapped so that the
        # layout it builds gets charts described in words and a live voice (lessons.kit.accessible).
        super().__init_subclass__(**kwargs)
        own_view = cls.__dict__.get("view")
        if own_view is not None and not getattr(own_view, "accessible", False):
            cls.view = _made_accessible(own_view)

    def __init__(self, backend: Backend | None = None, **params: Any) -> None:
        super().__init__(**params)
        self.backend: Backend = backend if backend is not None else NUMPY

    def settings(self) -> dict[str, str]:
        """The current knobs as query parameters."""
        return to_query(self, self.url_names)

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
        notices += self.check_together(accepted)
        if accepted:
            self.param.update(accepted)
        self.notices = notices
        return notices

    def check_together(self, values: dict[str, object]) -> list[str]:
        """Refuse outside values that are good alone but not together (e.g. three labels and two
        logits): remove them from `values` and say why. Nothing to check by default."""
        return []

    def locked(self) -> dict[str, str]:
        """Knobs that cannot be turned right now, each with the reason (e.g. frozen after training)."""
        return {}

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
        """After an action failed half-way: put back what it left mid-way (a run still marked as
        training, say), so that every action works again. Nothing to do by default."""

    def announcement(self, status_name: str = "status") -> str:
        """A sentence on a run while it goes, said every few seconds: by default the words of the
        `…message()` that goes with the status parameter `status_name`."""
        words = getattr(self, status_name.replace("status", "message"), None)
        return words() if callable(words) else ""

    def summary(self) -> str:
        """The lesson's result in one sentence, said once the reader's changes have settled."""
        return ""

    def view(self, with_prose: bool = False) -> Any:
        """The Panel layout of the lesson."""
        raise NotImplementedError

    def __panel__(self) -> Any:
        return self.view()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        """In a Jupyter notebook, a lesson displays as its live page."""
        return self.view(with_prose=True)._repr_mimebundle_(include, exclude)


def _made_accessible(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def accessible_view(self: Lesson, *args: Any, **kwargs: Any) -> Any:
        from faders.lessons.kit.accessible import accessible  # Panel is imported with the view only

        return accessible(view(self, *args, **kwargs), self)

    accessible_view.accessible = True  # type: ignore[attr-defined]
    return accessible_view
