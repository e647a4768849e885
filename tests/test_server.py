"""The site's static server (tools/server.py) revalidates as a static host does: an unchanged file
costs no body the second time, a changed one is sent again."""

from __future__ import annotations

import http.client
import os
from pathlib import Path

from tools.server import start


def get(port: int, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path, headers=headers)
    response = connection.getresponse()
    answer = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    connection.close()
    return answer


def test_a_compressed_file_is_revalidated_without_its_body(tmp_path: Path) -> None:
    (tmp_path / "a.js").write_text("let a = 1;\n")
    packed = tmp_path / "a.js.br"
    packed.write_bytes(b"compressed-1")
    server = start(tmp_path)
    try:
        port = server.server_port
        status, headers, body = get(port, "/a.js", {"Accept-Encoding": "br"})
        assert (status, headers["content-encoding"], body) == (200, "br", b"compressed-1")
        etag, first = headers["etag"], headers

        status, headers, body = get(port, "/a.js", {"Accept-Encoding": "br", "If-None-Match": etag})
        assert (status, body, headers["etag"]) == (304, b"", etag)
        dated = {"Accept-Encoding": "br", "If-Modified-Since": first["last-modified"]}
        status, headers, body = get(port, "/a.js", dated)
        assert (status, body) == (304, b"")

        packed.write_bytes(b"compressed-22")
        later = int(packed.stat().st_mtime) + 5
        os.utime(packed, (later, later))  # modified later than the copy the browser holds
        status, headers, body = get(port, "/a.js", {"Accept-Encoding": "br", "If-None-Match": etag})
        assert (status, body) == (200, b"compressed-22") and headers["etag"] != etag
        status, headers, body = get(port, "/a.js", dated)
        assert (status, body) == (200, b"compressed-22")
        # What the benchmarks count: bodies sent, by path whatever the query; a 304 sends none.
        assert get(port, "/a.js?v=2", {"Accept-Encoding": "br"})[0] == 200
        assert server.sent_by_path == {"/a.js": 12 + 13 + 13 + 13} and server.bytes_sent == 51
    finally:
        server.shutdown()
