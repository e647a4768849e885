"""tools.offline: what a reader's offline copy of the site holds."""

from __future__ import annotations

from pathlib import Path

from tools.offline import offline_files


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
