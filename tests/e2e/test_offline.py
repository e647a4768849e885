"""The service worker (web/offline/sw.js): after one lesson, every lesson opens with no network;
a new build of the site replaces the old one's cache whole. Served from a folder of links to
dist/ whose sw.js the test rewrites, as a new deployment would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.e2e.conftest import DIST, Guarded, guarding, open_lesson
from tools.server import start
from tools.waiting import wait_until

SW_READY_JS = "navigator.serviceWorker.ready.then((r) => !!r.active)"
CACHES_JS = "caches.keys().then((names) => names.filter((n) => n.startsWith('faders-site-')))"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("site")
    for entry in DIST.iterdir():
        if not entry.name.startswith(("sw.js", "offline.json")):
            (root / entry.name).symlink_to(entry)
    for name in ("sw.js", "offline.json"):
        (root / name).write_text((DIST / name).read_text())
    server = start(root)
    yield f"http://127.0.0.1:{server.server_port}/", root
    server.shutdown()


@pytest.fixture(scope="module")
def guard(browser: Browser) -> Iterator[Guarded]:
    yield from guarding(browser, snapshots=True)


def build_of(text: str) -> str:
    return text.split('const BUILD = "', 1)[1].split('"', 1)[0]


def test_every_lesson_opens_offline_after_one(guard: Guarded, site: tuple[str, Path]) -> None:
    base_url, root = site
    page = open_lesson(guard, base_url + "lessons/function.html")
    assert page.evaluate(SW_READY_JS)
    wait_until(page, "!!window.fadersSnapshotMade", timeout=180_000, polling=250)
    build = build_of((root / "sw.js").read_text())
    wait_until(page, f"caches.has('faders-site-{build}')", timeout=60_000, polling=250)
    page.close()
    guard.context.set_offline(True)
    try:
        lesson = open_lesson(guard, base_url + "lessons/knn.html?k=3")
        assert lesson.evaluate("faders.get()")["settings"]["k"] in (3, "3")
        assert lesson.evaluate("document.documentElement.dataset.fadersStart") == "snapshot"
        index = guard.new_page()
        index.goto(base_url)
        assert "Faders" in index.title()
        index.close()
        lesson.close()
    finally:
        guard.context.set_offline(False)


def test_a_new_build_replaces_the_cache_whole(guard: Guarded, site: tuple[str, Path]) -> None:
    base_url, root = site
    old = build_of((root / "sw.js").read_text())
    new = "0" * 16
    for name in ("sw.js", "offline.json"):
        (root / name).write_text((root / name).read_text().replace(old, new))
    page = open_lesson(guard, base_url + "lessons/function.html")
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    wait_until(page, "navigator.serviceWorker.getRegistration().then((r) => !!r.waiting)",
               timeout=120_000, polling=250)
    # While a page of the old build is open, the old build serves it, whole.
    assert sorted(page.evaluate(CACHES_JS)) == sorted([f"faders-site-{old}", f"faders-site-{new}"])
    page.close()
    index = guard.new_page()
    index.goto(base_url)
    gone = f"caches.keys().then((n) => !n.includes('faders-site-{old}'))"
    wait_until(index, gone, timeout=60_000, polling=250)
    assert index.evaluate(CACHES_JS) == [f"faders-site-{new}"]
    index.close()
