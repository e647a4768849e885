"""The service worker that opens the site offline: dist/sw.js, from web/offline/sw.js with this
build's file list and a build id (a hash of every file), so that each build gets its own cache;
dist/offline.json, the same two for the page, which fills that cache from the HTTP cache; and
dist/offline-pages.json, every page and preview picture in one file for the service worker. Pages
share their header, styles and pictures, so together they compress to less than half of what they
take one by one (26 kB against 57 kB with brotli)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from tools.server import TYPES

SOURCE = Path(__file__).resolve().parent.parent / "web" / "offline" / "sw.js"
SKIPPED = {".br", ".gz"}  # the server picks these for a request; the cache holds what fetch returns
OWN = ("sw.js", "offline.json", "offline-pages.json")
# Link-preview pictures (og:image): other sites fetch them to show a shared link; no page of ours
# shows them, so a reader's offline copy goes without them (0.55 MB). Nor does it keep favicon.ico,
# for programs that ask for one by habit: every page names its icon, favicon.svg.
NOT_OFFLINE = ("cards/", "favicon.ico")


def offline_files(dist: Path) -> list[str]:
    """The files of the built site that a reader's offline copy holds, as paths from its root."""
    files = []
    for path in dist.rglob("*"):
        name = path.relative_to(dist).as_posix()
        if (path.is_file() and path.suffix not in SKIPPED and path.name not in OWN
                and not name.startswith(NOT_OFFLINE)):
            files.append(name)
    return sorted(files)


def packed(name: str) -> bool:
    """Whether the offline copy takes the file from offline-pages.json: a page or a preview picture."""
    return name.endswith(".html") or name.startswith("previews/")


def write_service_worker(dist: Path) -> str:
    """Write dist/sw.js and its two companions for the files now in `dist`; return the build id."""
    files = offline_files(dist)
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + hashlib.sha256((dist / name).read_bytes()).digest())
    build = digest.hexdigest()[:16]
    # Each as the server sends it: its type, and its text.
    pages = {name: [TYPES[Path(name).suffix], (dist / name).read_text()] for name in files if packed(name)}
    text = SOURCE.read_text().replace('"__BUILD__"', json.dumps(build))
    text = text.replace("__FILES__", json.dumps(files)).replace("__PACKED__", json.dumps(list(pages)))
    (dist / "sw.js").write_text(text)
    (dist / "offline.json").write_text(json.dumps({"build": build, "files": files}))
    packed_pages = json.dumps({"build": build, "files": pages}, separators=(",", ":"))
    (dist / "offline-pages.json").write_text(packed_pages)
    return build
