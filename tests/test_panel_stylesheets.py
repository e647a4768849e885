"""tools.site.PANEL_STYLESHEETS: the site serves exactly the style sheets of Panel's that the
lessons' documents ask for. A widget a lesson starts to use, with a sheet of its own, fails here
by name, rather than drawing unstyled on the site and offline."""

from __future__ import annotations

from bokeh.document import Document
from bokeh.models import ImportedStyleSheet

from faders.lessons import LESSON_CLASSES, lesson_class
from tools.site import PANEL_STYLESHEETS


def panel_stylesheets(slug: str) -> set[str]:
    """The files of Panel's dist/ that the lesson's document names, as the page builds it
    (faders.browser: the lesson's view, rooted in a document)."""
    root = lesson_class(slug)().view().get_root(Document())
    named = set()
    for model in root.references():
        for sheet in getattr(model, "stylesheets", None) or []:
            if isinstance(sheet, ImportedStyleSheet) and "/panel/" in sheet.url:
                named.add(sheet.url.split("?")[0].split("/dist/", 1)[1])
    return named


def test_the_site_serves_the_panel_stylesheets_every_lesson_names_and_no_others() -> None:
    named = {slug: panel_stylesheets(slug) for slug in LESSON_CLASSES}
    missing = {slug: sorted(sheets - PANEL_STYLESHEETS) for slug, sheets in named.items()
               if sheets - PANEL_STYLESHEETS}
    assert missing == {}, f"Panel style sheets a lesson asks for that the site leaves out: {missing}"
    assert set().union(*named.values()) == PANEL_STYLESHEETS
    assert {"css/loading.css", "bundled/theme/native.css"} <= named["function"]
