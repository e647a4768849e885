"""Every lesson under a Panel server: `panel serve py/faders/app.py`, then open
http://localhost:5006/app?lesson=function&lr=0.1 (the same settings as the static site's URL)."""

from __future__ import annotations

import html

import panel as pn

from faders.lessons import LESSONS


def serve_lesson() -> pn.viewable.Viewable:
    arguments = {key: values[-1].decode() for key, values in (pn.state.session_args or {}).items()}
    slug = arguments.pop("lesson", next(iter(LESSONS)))
    if slug not in LESSONS:
        return pn.pane.Alert(f"No lesson called '{slug}'. Lessons: {', '.join(LESSONS)}.",
                             alert_type="danger")
    lesson = LESSONS[slug]()
    notices = lesson.apply(arguments)
    parts = [pn.pane.Markdown(f"# {lesson.title}")]
    # A notice quotes the refused value: escaped, so that it shows as text and never runs.
    parts += [pn.pane.Alert(html.escape(notice, quote=False), alert_type="warning") for notice in notices]
    return pn.Column(*parts, lesson.view(with_prose=True), sizing_mode="stretch_width")


if __name__.startswith("bokeh_app"):
    pn.extension()
    serve_lesson().servable(title="Faders")
