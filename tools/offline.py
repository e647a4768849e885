"""The service worker that opens the site offline: dist/sw.js, from web/offline/sw.js with this
build's file list and a build id (a hash of every file), so that each build gets its own cache;
and dist/offline.json, the same two for the page, which fills that cache from the HTTP cache."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "web" / "offline" / "sw.js"
SKIPPED = {".br", ".gz"}  # the server picks these for a request; the cache holds what fetch returns
OWN = ("sw.js", "offline.json")
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


def write_service_worker(dist: Path) -> str:
    """Write dist/sw.js for the files now in `dist`; return the build id."""
    files = offline_files(dist)
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + hashlib.sha256((dist / name).read_bytes()).digest())
    build = digest.hexdigest()[:16]
    text = SOURCE.read_text().replace('"__BUILD__"', json.dumps(build))
    (dist / "sw.js").write_text(text.replace("__FILES__", json.dumps(files)))
    (dist / "offline.json").write_text(json.dumps({"build": build, "files": files}))
    return build
