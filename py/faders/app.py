"""Every lesson under a Panel server: `panel serve py/faders/app.py`, then open
http://localhost:5006/app?lesson=function&lr=0.1 (the same settings as the static site's URL)."""

from __future__ import annotations

import panel as pn

from faders.bokeh_defaults import remember_plain_defaults
from faders.lessons import LESSON_CLASSES, lesson_class
from faders.lessons.kit.safe_text import escape, quote


def serve_lesson() -> pn.viewable.Viewable:
    """The lesson the session's URL names, with the URL's settings."""
    arguments = {key: values[-1].decode(errors="replace")
                 for key, values in (pn.state.session_args or {}).items()}
    return lesson_page(arguments)


def lesson_page(arguments: dict[str, str]) -> pn.viewable.Viewable:
    """The page for `lesson=<slug>` and its settings; anything refused is said, as text."""
    arguments = dict(arguments)
    slug = arguments.pop("lesson", next(iter(LESSON_CLASSES)))
    if slug not in LESSON_CLASSES:
        known = ", ".join(LESSON_CLASSES)
        return pn.pane.Alert(escape(f"No lesson called '{quote(slug)}'. Lessons: {known}."),
                             alert_type="danger")
    lesson = lesson_class(slug)()
    notices = lesson.apply(arguments)
    parts = [pn.pane.Markdown(f"# {lesson.title}")]
    # A notice quotes what the link held: it is shown as text and never read as markup.
    parts += [pn.pane.Alert(escape(notice), alert_type="warning") for notice in notices]
    return pn.Column(*parts, lesson.view(with_prose=True), sizing_mode="stretch_width")


if __name__.startswith("bokeh_app"):
    remember_plain_defaults()
    pn.extension()
    serve_lesson().servable(title="Faders")
