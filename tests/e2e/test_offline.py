"""The service worker (web/offline/sw.js): after one lesson, every lesson opens with no network;
a new build of the site replaces the old one's cache whole. Served from a folder of links to
dist/ whose files the tests rewrite, as a new deployment would. The browser's HTTP cache is on, as a
reader's is (the guard watches requests rather than routes them): pages read Python's main wasm
from there, and a new build must not take stale copies from it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.e2e.conftest import DIST, Guarded, guarding, linked_site, open_lesson
from tools.deps import sha256_of
from tools.offline import OWN
from tools.server import start
from tools.waiting import wait_until

SW_READY_JS = "navigator.serviceWorker.ready.then((r) => !!r.active)"
# How the lesson's worker got Python's main wasm: each request's file name and where it came from.
WASM_READS_JS = """performance.getEntriesByType('resource').filter((e) => e.name.includes('.asm.wasm'))
  .map((e) => [e.name.split('/').pop(), e.deliveryType])"""
NAMED_WASM = f"pyodide.asm.wasm?sha256={sha256_of(DIST / 'pyodide' / 'pyodide.asm.wasm')}"
CACHES_JS = "caches.keys().then((names) => names.filter((n) => n.startsWith('faders-site-')))"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = linked_site(tmp_path_factory.mktemp("site"), written=OWN)
    server = start(root)
    yield f"http://127.0.0.1:{server.server_port}/", root
    server.shutdown()


@pytest.fixture(scope="module")
def guard(sealed_browser: Browser) -> Iterator[Guarded]:
    yield from guarding(sealed_browser, snapshots=True, routed=False)


SCRIPTS = ("bokeh.min.js", "bokeh-widgets.min.js", "panel.min.js")


def scripts_compiled(trace: bytes) -> dict[str, bool]:
    """For each of SCRIPTS a page compiled in `trace`: whether V8 took its code from a cache."""
    found = {}
    for event in json.loads(trace)["traceEvents"]:
        data = event.get("args", {}).get("data", {})
        name = data.get("url", "").split("/")[-1]
        if event.get("name") == "v8.compile" and name in SCRIPTS:
            found[name] = found.get(name, False) or data.get("consumedCacheSize", 0) > 0
    return found


def build_of(text: str) -> str:
    return text.split('const BUILD = "', 1)[1].split('"', 1)[0]


def test_every_lesson_opens_offline_after_one(guard: Guarded, site: tuple[str, Path]) -> None:
    base_url, root = site
    page = open_lesson(guard, base_url + "lessons/function.html")
    assert page.evaluate(SW_READY_JS)
    wait_until(page, "!!window.fadersSnapshotMade", timeout=180_000, polling=250)
    build = build_of((root / "sw.js").read_text())
    wait_until(page, f"caches.has('faders-site-{build}')", timeout=60_000, polling=250)
    # The other pages came in one file.
    asked = {url.removeprefix(base_url) for url in guard.local}
    assert "offline-pages.json" in asked and not asked & {"lessons/knn.html", "index.html", "glossary.html"}
    page.close()
    guard.context.set_offline(True)
    browser = guard.context.browser
    try:
        browser.start_tracing(categories=["devtools.timeline"])
        lesson = open_lesson(guard, base_url + "lessons/knn.html?k=3")
        # The second page ran Bokeh's and Panel's scripts on the code V8 made as the service worker installed.
        assert scripts_compiled(browser.stop_tracing()) == {name: True for name in SCRIPTS}
        assert lesson.evaluate("faders.get()")["settings"]["k"] in (3, "3")
        assert lesson.evaluate("document.documentElement.dataset.fadersStart") == "lesson-snapshot"
        # Python's main wasm came from the HTTP cache under its sha256, where V8 keeps its code.
        assert lesson.workers[0].evaluate(WASM_READS_JS) == [[NAMED_WASM, "cache"]]
        index = guard.new_page()
        index.goto(base_url)
        assert "Faders" in index.title()
        # Its gallery's pictures, from the same file.
        wait_until(index, "[...document.images].every((image) => image.complete && image.naturalWidth > 0)",
                   timeout=30_000, polling=100)
        index.close()
        lesson.close()
    finally:
        guard.context.set_offline(False)


def test_a_new_build_replaces_the_cache_whole(guard: Guarded, site: tuple[str, Path]) -> None:
    base_url, root = site
    old = build_of((root / "sw.js").read_text())
    new = "0" * 16
    # A page the new build changed: its old copy is in the HTTP cache (the first visit put it there).
    for name in ("glossary.html", "glossary.html.br", "glossary.html.gz"):
        (root / name).unlink()
    changed = (DIST / "glossary.html").read_text().replace("</h1>", " (new)</h1>", 1)
    (root / "glossary.html").write_text(changed)
    pages = json.loads((root / "offline-pages.json").read_text())
    pages["files"]["glossary.html"][1] = changed
    (root / "offline-pages.json").write_text(json.dumps(pages))
    for name in OWN:
        (root / name).write_text((root / name).read_text().replace(old, new))
    page = open_lesson(guard, base_url + "lessons/function.html")
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    wait_until(page, "navigator.serviceWorker.getRegistration().then((r) => !!r.waiting)",
               timeout=120_000, polling=250)
    # While a page of the old build is open, the old build serves it, whole.
    assert sorted(page.evaluate(CACHES_JS)) == sorted([f"faders-site-{old}", f"faders-site-{new}"])
    cached = f"caches.open('faders-site-{new}').then((c) => c.match('{base_url}glossary.html'))"
    assert "(new)</h1>" in page.evaluate(cached + ".then((r) => r.text())")
    page.close()
    index = guard.new_page()
    index.goto(base_url)
    gone = f"caches.keys().then((n) => !n.includes('faders-site-{old}'))"
    wait_until(index, gone, timeout=60_000, polling=250)
    assert index.evaluate(CACHES_JS) == [f"faders-site-{new}"]
    index.close()


def test_without_the_http_cache_the_offline_copy_serves_python(guard: Guarded,
                                                               site: tuple[str, Path]) -> None:
    base_url, _ = site
    index = guard.new_page()
    index.goto(base_url)
    guard.context.new_cdp_session(index).send("Network.clearBrowserCache")
    index.close()
    guard.context.set_offline(True)
    try:
        lesson = open_lesson(guard, base_url + "lessons/scale.html")
        assert lesson.evaluate("document.documentElement.dataset.fadersStart") == "lesson-snapshot"
        # Asked for by name from the HTTP cache, then the network; both failed.
        *named, last = lesson.workers[0].evaluate(WASM_READS_JS)
        assert named == [[NAMED_WASM, ""], [NAMED_WASM, ""]] and last == ["pyodide.asm.wasm", "cache-storage"]
        lesson.close()
    finally:
        guard.context.set_offline(False)
