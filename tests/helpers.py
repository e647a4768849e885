"""Helpers shared by the CPython tests of the lessons."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import faders
from faders.browser import PageLink
from faders.lessons.base import Lesson


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
