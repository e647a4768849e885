// The Python a lesson's worker runs before it builds the lesson, and what a snapshot of the started
// runtime holds on top. Both name the snapshot (snapshot-store.js, snapshotName): the worker and the
// page, which looks for the lesson kept built on it, must agree on them, and on when such a lesson
// is used at all.
const PANEL_STATIC_URL = new URL("../static/panel/", import.meta.url).href;

// What runs before a lesson is built, on every start (a restore finds it done).
export const PRELUDE = `
# Start-up allocates hundreds of thousands of objects that all live on: collecting cycles among
# them is wasted work. Collection resumes once the lesson is drawn (worker.js, start).
import gc
gc.disable()
import os
os.environ["PANEL_CDN_ROOT"] = ${JSON.stringify(PANEL_STATIC_URL)}
import pyodide.ffi
# Panel 1.10 refers to pyodide.ffi.jsnull, which Pyodide adds only in 0.28; in 0.27 JS null
# already arrives as None, so a unique placeholder is the faithful stand-in.
if not hasattr(pyodide.ffi, "jsnull"):
    pyodide.ffi.jsnull = object()
from faders.browser import start
`;
// What a snapshot holds on top: every lesson's module and its page's (the view, with Panel's and
// Bokeh's modules it needs, and the accessibility layer every page gets), so that one snapshot
// serves every page and a restored page imports nothing more to draw its lesson.
export const SNAPSHOT_CODE = PRELUDE + `
from faders.lessons import LESSON_CLASSES, lesson_class
import faders.lessons.kit.accessible
# Imported on first use as a page is drawn: Panel's Markdown parser, numpy's masked arrays (Bokeh's
# serialiser checks for them).
import markdown_it, markdown_it.renderer, linkify_it, numpy.ma
import mdit_py_plugins.anchors, mdit_py_plugins.deflist, mdit_py_plugins.footnote, mdit_py_plugins.tasklists
for _slug in LESSON_CLASSES:
    lesson_class(_slug).view_module()
del _slug
`;

// A lesson kept built is handed over at its defaults only: nothing in the link's query but `embed`,
// and no GPU handed to Python as it starts (faders.browser.start keeps the same rule). Were the
// rules ever to differ, the page would draw Python's own document in place of the one drawn ahead:
// slower, never wrong.
export function usesKeptLesson(query, wantsGpu) {
  return !wantsGpu && Object.keys(query).every((key) => key === "embed");
}
