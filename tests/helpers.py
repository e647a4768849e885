"""Helpers shared by the CPython tests of the lessons."""

from __future__ import annotations

import asyncio
import html
import json
import os
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import faders
from faders.browser import PageLink
from faders.lessons.kit.lesson import Lesson


def run(coroutine: Coroutine) -> Any:
    """asyncio.run in a thread of its own: the browser tests keep an event loop in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def notebook_display(code: str) -> str:
    """Run `code` as one cell in a real Jupyter kernel; return what the cell displayed, as JSON text."""
    import nbclient
    import nbformat

    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = str(Path(faders.__file__).parents[1])  # the kernel imports faders
    try:
        nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3").execute()
    finally:
        if before is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = before
    outputs = notebook.cells[0].outputs
    rendered = [o for o in outputs if o.get("output_type") == "execute_result"]
    assert rendered, outputs
    assert "application/vnd.holoviews_exec.v0+json" in rendered[0]["data"]
    return json.dumps(rendered[0]["data"])


def acknowledging_link(lesson: Lesson, sent: list[tuple[str, str]]) -> PageLink:
    """A PageLink whose messages land in `sent`, with each patch acknowledged as drawn, as the page does."""

    def send(kind: str, payload: str) -> None:
        sent.append((kind, payload))
        if kind == "patch":
            asyncio.get_event_loop().call_soon(link.drawn)

    link = PageLink(lesson, send)
    return link


def page_link_session(lesson: Lesson, calls: list[tuple[str, Any]]) -> tuple[dict[int, dict], list[str]]:
    """Render `lesson` through a PageLink as the browser worker does, make the API calls
    (method, argument) one after the other, and return the replies by call number (from 1) and
    the kinds of message sent to the page."""
    sent: list[tuple[str, str]] = []

    async def scenario() -> None:
        link = acknowledging_link(lesson, sent)
        rendered = json.loads(link.render())
        assert len(rendered["root_ids"]) == 1 and rendered["docs_json"]
        link.rendered()
        for number, (method, argument) in enumerate(calls, 1):
            link.call(number, method, json.dumps(argument))
        while len([kind for kind, _ in sent if kind == "result"]) < len(calls):
            await asyncio.sleep(0.05)

    run(scenario())
    replies = [json.loads(payload) for kind, payload in sent if kind == "result"]
    return {reply["id"]: reply for reply in replies}, [kind for kind, _ in sent]


class _Reader(HTMLParser):
    """What a browser makes of HTML: its elements (tag names) and its text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def page_html(pane: Any) -> str:
    """The HTML a Markdown or HTML pane puts on the page (Panel escapes it once more to send it)."""
    return html.unescape(pane._transform_object(pane.object)["object"])


def read_pane(pane: Any) -> tuple[list[str], str]:
    """The elements a Markdown or HTML pane creates on the page, and the text a reader sees."""
    reader = _Reader()
    reader.feed(page_html(pane))
    reader.close()
    return reader.tags, "".join(reader.text).strip()


def shown_text(pane: Any) -> str:
    """The text a reader sees in a Markdown or HTML pane."""
    return read_pane(pane)[1]


def page_text(view: Any) -> str:
    """Every Markdown and HTML text of a lesson's page, as its panes hold it (Markdown unrendered)."""
    texts = []

    def walk(item: Any) -> None:
        if isinstance(getattr(item, "object", None), str):
            texts.append(item.object)
        for child in getattr(item, "objects", []) or []:
            walk(child)

    walk(view)
    return "\n".join(texts)
