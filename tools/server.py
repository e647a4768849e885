"""A static file server for dist/, as a real static host behaves: precompressed brotli or gzip
when the browser accepts it, correct types for wasm and modules, revalidation on every load (an
ETag, or the modification date, answered with 304 Not Modified while the file is unchanged)."""

from __future__ import annotations

import email.utils
import http.server
import io
import threading
from collections import Counter
from functools import partial
from pathlib import Path
from typing import ClassVar

from tools.csp import CONTENT_SECURITY_POLICY

TYPES = {".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
         ".json": "application/json", ".whl": "application/zip", ".zip": "application/zip",
         ".svg": "image/svg+xml", ".css": "text/css", ".html": "text/html; charset=utf-8",
         ".wgsl": "text/wgsl"}
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map: ClassVar[dict[str, str]] = {
        **http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepted = self.headers.get("Accept-Encoding", "")
        for encoding, suffix in ENCODINGS:
            packed = path.with_name(path.name + suffix)
            if encoding in accepted and packed.is_file():
                return self._send_file(packed, self.guess_type(str(path)), encoding)
        return super().send_head()

    def _send_file(self, path: Path, content_type: str, encoding: str):
        stat = path.stat()
        # Validators, as static hosts send: revalidating an unchanged file costs no body.
        etag = f'"{stat.st_mtime_ns:x}-{stat.st_size:x}"'
        if etag in self.headers.get("If-None-Match", "") or self._unmodified_since(int(stat.st_mtime)):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.send_header("Vary", "Accept-Encoding")
            self.end_headers()
            return None
        handle = open(path, "rb")  # noqa: SIM115 - the base class closes it after copying
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(stat.st_size))
        self.send_header("ETag", etag)
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return handle

    def _unmodified_since(self, mtime: int) -> bool:
        """The browser's copy, dated by our Last-Modified, is still this file (Chromium revalidates a
        module script by date only)."""
        since = self.headers.get("If-Modified-Since")
        if not since or "If-None-Match" in self.headers:
            return False
        try:
            return email.utils.parsedate_to_datetime(since).timestamp() >= mtime
        except (TypeError, ValueError):
            return False

    def copyfile(self, source, outputfile) -> None:  # type: ignore[no-untyped-def]
        # Counted before the body goes out: whoever has read the whole response sees it counted.
        start = source.tell()
        body = source.seek(0, io.SEEK_END) - start
        source.seek(start)
        with self.server.lock:  # type: ignore[attr-defined]
            self.server.bytes_sent += body  # type: ignore[attr-defined]
            self.server.sent_by_path[self.path.split("?")[0]] += body  # type: ignore[attr-defined]
        super().copyfile(source, outputfile)

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        if self.server.policy:  # type: ignore[attr-defined]
            self.send_header("Content-Security-Policy", self.server.policy)  # type: ignore[attr-defined]
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        if self.server.verbose:  # type: ignore[attr-defined]
            super().log_message(format, *args)


class StaticServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    verbose = False
    policy: str | None = CONTENT_SECURITY_POLICY
    root: Path

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.lock = threading.Lock()
        self.bytes_sent = 0  # response bodies as sent (compressed where the client accepted it)
        self.sent_by_path: Counter[str] = Counter()  # the same, by path (no query)


def start(root: Path, port: int = 0, verbose: bool = False,
          policy: str | None = CONTENT_SECURITY_POLICY) -> StaticServer:
    """Serve `root` on 127.0.0.1 in a background thread; port 0 picks a free one. Every response
    carries the site's Content-Security-Policy (`policy=None`: none, as a blog embedding a lesson)."""
    server = StaticServer(("127.0.0.1", port), partial(Handler, directory=str(root)))
    server.root = root
    server.verbose = verbose
    server.policy = policy
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
