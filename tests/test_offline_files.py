"""tools.offline: what a reader's offline copy of the site holds, and how its service worker gets it."""

from __future__ import annotations

import json
from pathlib import Path

from tools.offline import offline_files, write_service_worker


def test_the_offline_copy_holds_pages_not_compressed_twins_link_previews_or_favicon_ico(
        tmp_path: Path) -> None:
    for name in ("index.html", "index.html.br", "index.html.gz", "lessons/knn.html", "assets/worker.js",
                 "previews/knn.svg", "cards/knn.png", "favicon.ico", "assets/favicon.svg", "sw.js",
                 "offline.json"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(name)
    expected = ["assets/favicon.svg", "assets/worker.js", "index.html", "lessons/knn.html",
                "previews/knn.svg"]
    assert offline_files(tmp_path) == expected


def test_the_pages_and_pictures_come_in_one_file_for_the_build(tmp_path: Path) -> None:
    files = {"index.html": "<p>ünïcode</p>", "lessons/knn.html": "<p>knn</p>", "previews/knn.svg": "<svg/>",
             "assets/worker.js": "let a;"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    (tmp_path / "sw.js").write_text("stale")
    build = write_service_worker(tmp_path)
    pages = json.loads((tmp_path / "offline-pages.json").read_text())
    assert pages == {"build": build, "files": {
        "index.html": ["text/html; charset=utf-8", "<p>ünïcode</p>"],
        "lessons/knn.html": ["text/html; charset=utf-8", "<p>knn</p>"],
        "previews/knn.svg": ["image/svg+xml", "<svg/>"]}}
    worker = (tmp_path / "sw.js").read_text()
    assert 'const PACKED = new Set(["index.html", "lessons/knn.html", "previews/knn.svg"]);' in worker
    assert f'const BUILD = "{build}";' in worker
    assert json.loads((tmp_path / "offline.json").read_text())["files"] == sorted(files)
    # Any file changed makes another build.
    (tmp_path / "assets/worker.js").write_text("let b;")
    assert write_service_worker(tmp_path) != build
