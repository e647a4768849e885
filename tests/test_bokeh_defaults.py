"""faders.bokeh_defaults: remembering plain defaults changes no byte of any lesson's document.

Each lesson is rendered as a page renders it (faders.browser), in two fresh interpreters: one with
Bokeh's own defaults, one with remembered ones. `knn` and `ship` are left out: their documents hold
the reader's own measured timings, which differ from run to run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from faders.lessons import LESSON_CLASSES

ROOT = Path(__file__).resolve().parent.parent
TIMED = {"knn", "ship"}
RENDER = """
import json, sys
import faders.bokeh_defaults
from bokeh.core.property.descriptors import PropertyDescriptor
faders.bokeh_defaults._installed = sys.argv[1] == "bokeh"  # as if done: Bokeh's own defaults stay
from faders.browser import start
documents = {}
for slug in sys.argv[2:]:
    rendered = json.loads(start(slug, "{}", lambda kind, payload: None, None).render())
    (documents[slug],) = rendered["docs_json"].values()  # keyed by a random id
print(json.dumps({"remembering": PropertyDescriptor.instance_default.__module__ == "faders.bokeh_defaults",
                  "documents": documents}))
"""


def render_all(defaults: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "py")}
    slugs = [slug for slug in LESSON_CLASSES if slug not in TIMED]
    done = subprocess.run([sys.executable, "-c", RENDER, defaults, *slugs], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_remembered_defaults_give_the_same_documents() -> None:
    bokeh, remembered = render_all("bokeh"), render_all("remembered")
    assert not bokeh["remembering"] and remembered["remembering"]
    assert len(bokeh["documents"]) == len(LESSON_CLASSES) - len(TIMED)
    for slug, document in bokeh["documents"].items():
        assert remembered["documents"][slug] == document, slug


def test_a_theme_still_gives_its_values() -> None:
    from bokeh.models import Plot
    from bokeh.themes import Theme

    from faders.bokeh_defaults import remember_plain_defaults

    remember_plain_defaults()
    plot = Plot()
    assert plot.themed_values() is None and plot.background_fill_color == "#ffffff"
    Theme(json={"attrs": {"Plot": {"background_fill_color": "#123456"}}}).apply_to_model(plot)
    assert plot.themed_values() == {"background_fill_color": "#123456"}
    assert plot.background_fill_color == "#123456"
    plot.unapply_theme()
    assert plot.themed_values() is None and plot.background_fill_color == "#ffffff"
