"""The lesson's side of the page: runs in Pyodide inside a Web Worker.

It renders a lesson into a Bokeh document, keeps that document in step with the page's copy
through JSON patches (both ways), and answers the automation API (get, set, run). Messages to
the page go through one JavaScript function, `send(kind, json_text)`.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from functools import partial
from typing import Any

import param
from bokeh.core.serialization import Serializer
from bokeh.document import Document
from bokeh.document.events import ColumnDataChangedEvent
from bokeh.embed.util import standalone_docs_json_and_render_items
from bokeh.events import DocumentReady
from bokeh.io.doc import set_curdoc
from panel.io.document import MockSessionContext
from panel.io.state import state

from faders.backend.select import MODES, SelectingBackend
from faders.backend.webgpu import WebGPUBackend
from faders.bokeh_defaults import remember_plain_defaults
from faders.lessons import lesson_class
from faders.lessons.kit.lesson import Lesson, Refused
from faders.lessons.kit.safe_text import quote

Send = Callable[[str, str], Any]

remember_plain_defaults()  # a page's first render a tenth to a fifth shorter (faders/bokeh_defaults.py)


_background: set[asyncio.Future] = set()
# The page's lesson and its link, at hand from the browser's console: `faders.browser.current.lesson`.
current: PageLink | None = None
# Where an action that fails in the background is reported: the page, once a PageLink exists.
_report_failure: list[Callable[[BaseException], None]] = []
# A lesson built and rendered at its defaults before a snapshot of this runtime was taken (prebuild):
# the page restored from that snapshot takes it over (start) instead of building its lesson again.
_built: PageLink | None = None


def run_async(function: Callable[[], Any]) -> None:
    """How param runs async callbacks (button clicks) here: as tasks on the worker's event loop.
    A task that fails is reported on the page, never only in the console."""
    task = asyncio.ensure_future(function())
    _background.add(task)
    task.add_done_callback(_settled)


def _settled(task: asyncio.Future) -> None:
    _background.discard(task)
    if task.cancelled() or task.exception() is None:
        return
    for report in _report_failure:
        report(task.exception())


def describe(error: BaseException) -> str:
    """A failure in words: what kind and what it said."""
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


class PageLink:
    """One lesson, its Bokeh document, and the wire to the page."""

    def __init__(self, lesson: Lesson, send: Send) -> None:
        self.lesson = lesson
        self.send = send
        self.doc = Document()
        self.pending: list[Any] = []
        self.in_flight = False  # a patch is on its way to the page and not yet drawn
        self.document: str | None = None  # what render() gave, once it has run
        lesson.watch_settings(self._on_settings)
        _report_failure[:] = [self.report_failure]

    def render(self) -> str:
        """Build the lesson's document; return what the page's Bokeh needs to draw it (built once:
        a lesson built before a snapshot gives the page the document it rendered then)."""
        if self.document is not None:
            return self.document
        set_curdoc(self.doc)
        state.curdoc = self.doc
        self.doc.hold()
        self.doc._session_context = lambda: MockSessionContext(document=self.doc)
        self.doc.add_root(self.lesson.view().get_root(self.doc))
        docs_json, render_items = standalone_docs_json_and_render_items(
            self.doc.roots, suppress_callback_warning=True)
        self.doc._session_context = None
        self.document = json.dumps({"docs_json": docs_json,
                                    "render_items": [item.to_json() for item in render_items],
                                    "root_ids": [model.id for model in self.doc.roots]})
        return self.document

    def rendered(self) -> None:
        """The page has drawn the document: start sending changes to it."""
        self.doc.on_change(self._collect)
        self.doc.unhold()
        self.doc.callbacks.trigger_event(DocumentReady())
        self._on_settings()

    def receive_patch(self, text: str) -> None:
        """Apply a change the reader made on the page (a slider moved, a button pressed); a change
        whose consequences fail is reported on the page, and the lesson carries on."""
        try:
            self.doc.apply_json_patch(json.loads(text), setter="page")
        except Exception as error:
            self.report_failure(error)

    def report_failure(self, error: BaseException) -> None:
        """Tell the page that something the lesson did failed (it shows it and carries on)."""
        self.send("problem", json.dumps({"message": describe(error)}))

    def call(self, call_id: int, method: str, argument_json: str) -> None:
        """Answer one automation API call; the reply goes out as a 'result' message."""
        run_async(partial(self._answer, call_id, method, json.loads(argument_json)))

    async def _answer(self, call_id: int, method: str, argument: Any) -> None:
        try:
            if method == "get":
                pass
            elif method == "set":
                if not isinstance(argument, dict):
                    raise Refused("set() takes an object of settings, e.g. {lr: 0.1}.")
                self.lesson.apply(argument)
            elif method == "run":
                await self.lesson.run(str(argument))
            else:
                raise Refused(f"Unknown method '{quote(method)}': use get, set or run.")
            reply = {"id": call_id, "result": self.lesson.snapshot()}
        except Refused as refusal:  # the caller's mistake: the caller hears of it
            reply = {"id": call_id, "error": str(refusal)}
        except Exception as error:  # the lesson's failure: the caller and the page hear of it
            self.report_failure(error)
            reply = {"id": call_id, "error": describe(error)}
        self.send("result", json.dumps(reply))

    # ---- to the page ---------------------------------------------------------------------

    def _collect(self, event: Any) -> None:
        """Gather document changes and send them once the current task yields: one message per frame.

        While the page is still drawing the last patch, changes wait here, and a newer value of a
        property replaces the waiting one: a page that draws slower than Python changes things sees
        fewer, fresher frames instead of falling behind.
        """
        if getattr(event, "setter", None) == "page":
            return
        if not self.pending and not self.in_flight:
            asyncio.get_event_loop().call_soon(self._flush)
        if not any(_combine(waiting, event) for waiting in reversed(self.pending)):
            self.pending.append(event)

    def drawn(self) -> None:
        """The page has drawn the last patch: send what changed meanwhile."""
        self.in_flight = False
        self._flush()

    def _flush(self) -> None:
        if self.in_flight:
            return
        events, self.pending = self.pending, []
        if not events:
            return
        self.in_flight = True
        # Inline binary arrays as base64 so the patch travels as one JSON string.
        serializer = Serializer(references=self.doc.models.synced_references, deferred=False)
        patch = {"events": serializer.encode(events)}
        self.doc.models.flush_synced(lambda model: not serializer.has_ref(model))
        self.send("patch", json.dumps(patch))

    def _on_settings(self, *_: Any) -> None:
        self.send("state", json.dumps({"settings": self.lesson.settings(),
                                       "notices": list(self.lesson.notices)}))


def _combine(waiting: Any, new: Any) -> bool:
    """Fold a new change into a waiting one that it replaces (True), as Bokeh's own hold("combine") does,
    and also for new data of a whole source."""
    if isinstance(waiting, ColumnDataChangedEvent) and isinstance(new, ColumnDataChangedEvent):
        if waiting.model is new.model and waiting.setter == new.setter and (
                new.cols is None or (waiting.cols is not None and set(waiting.cols) <= set(new.cols))):
            waiting.data, waiting.cols = new.data, new.cols
            return True
        return False
    return waiting.combine(new)


def choose_backend(query: dict[str, Any], gpu: Any) -> tuple[SelectingBackend, list[str]]:
    """The matrix engine for a lesson that multiplies matrices: `?backend=auto|numpy|webgpu`
    and what the worker's WebGPU start-up found (gpu.js's createGpu() result, or None)."""
    mode, notices = str(query.get("backend", "auto")), []
    if mode not in MODES:
        notices.append(f"Ignored backend='{quote(mode)}': it is not one of {', '.join(MODES)}; kept auto.")
        mode = "auto"
    if gpu is not None and gpu.available:
        return SelectingBackend(WebGPUBackend(gpu), mode), notices
    reason = (str(gpu.reason) if gpu is not None
              else "this page starts it only when its link asks for backend=webgpu")
    return SelectingBackend(None, mode, unavailable=reason), notices


def start(slug: str, query_json: str, send: Send, gpu: Any = None) -> PageLink:
    """Create the lesson named by the page, apply the URL's settings, and link it to the page. The
    lesson built before this runtime's snapshot is taken over instead when it is the page's lesson at
    its defaults: no settings in the link (only `embed`), and no GPU handed over."""
    global _built, current
    built, _built = _built, None
    param.parameterized.async_executor = run_async
    chosen, query = lesson_class(slug), json.loads(query_json)
    if built is not None and built.lesson.slug == slug and gpu is None and set(query) <= {"embed"}:
        built.send = send
        current = built
        return built
    if chosen.uses_gpu:
        backend, notices = choose_backend(query, gpu)
        lesson = chosen(backend=backend)
    else:
        lesson, notices = chosen(), []
    lesson.apply(query)
    lesson.notices = notices + lesson.notices
    current = PageLink(lesson, send)
    return current


def _not_yet_linked(kind: str, payload: str) -> None:
    raise RuntimeError(f"a lesson built ahead sent '{kind}' before a page took it over")


def prebuild(slug: str) -> str:
    """Build and render `slug` at its defaults, to be kept in a snapshot of this runtime (the page
    restored from it takes the lesson over in start()); return its document. Nothing may reach a
    page meanwhile."""
    global _built
    link = start(slug, "{}", _not_yet_linked)
    _built = link
    return link.render()
