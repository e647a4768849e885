"""What every lesson shares: its knobs as one table, its settings in the URL, the automation API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

import param

from faders.backend import NUMPY, Backend
from faders.lessons.urlstate import parse_query, to_query


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
    # Pixels the embed snippet's iframe asks for: the whole lesson, with its results, on a laptop.
    embed_height: ClassVar[int] = 1500

    notices = param.List(default=[], doc="Messages about settings that were refused.")

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
        if accepted:
            self.param.update(accepted)
        self.notices = notices
        return notices

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
        """Perform an action by name; unknown names raise ValueError."""
        if action not in self.actions:
            raise ValueError(f"Unknown action '{action}'. This lesson knows: {', '.join(self.actions)}.")
        await getattr(self, f"do_{action}")()

    def view(self, with_prose: bool = False) -> Any:
        """The Panel layout of the lesson."""
        raise NotImplementedError

    def __panel__(self) -> Any:
        return self.view()

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        """In a Jupyter notebook, a lesson displays as its live page."""
        return self.view(with_prose=True)._repr_mimebundle_(include, exclude)
