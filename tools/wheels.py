"""Wheel transforms for the Pyodide runtime: strip, patch and precompile to sourceless .pyc.

Every output zip is deterministic (fixed timestamps and modes, input order, regenerated RECORD),
so rebuilding from the same inputs gives byte-identical files.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import importlib.util
import marshal
import sys
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

# The .pyc files must carry the bytecode of Pyodide's Python (3.12).
assert sys.version_info[:2] == (3, 12), "tools/wheels.py must run under CPython 3.12"

SITE_PACKAGES = "/lib/python3.12/site-packages/"
STDLIB = "/lib/python3.12/"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)

# A member transform: (name, data) -> the members to write instead (none drops it).
Transform = Callable[[str, bytes], list[tuple[str, bytes]]]


def _zip_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
    if name.endswith("/"):
        info.external_attr = (0o40755 << 16) | 0x10  # a directory entry
    else:
        info.external_attr = 0o644 << 16
        # Stored, not deflated: the server's brotli over the whole archive compresses better than
        # zip's per-file deflate, and Python skips inflating each module on import.
        info.compress_type = zipfile.ZIP_STORED
    return info


def read_zip(src: Path) -> list[tuple[str, bytes]]:
    """The members of `src` in order; directory entries (zipimport may rely on them) as b""."""
    with zipfile.ZipFile(src) as z:
        return [(i.filename, b"" if i.is_dir() else z.read(i)) for i in z.infolist()]


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def write_zip(dst: Path, members: Iterable[tuple[str, bytes]], *, wheel: bool) -> None:
    """Write `members` in order; for a wheel, regenerate its RECORD from what was written."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    partial = dst.with_name(dst.name + ".part")
    record_name, lines = None, []
    with zipfile.ZipFile(partial, "w") as out:
        for name, data in members:
            if wheel and name.endswith(".dist-info/RECORD"):
                record_name = name
                continue
            out.writestr(_zip_info(name), data)
            if not name.endswith("/"):
                lines.append(_record_line(name, data))
        if wheel:
            if record_name is None:
                raise ValueError(f"{dst.name}: wheel has no .dist-info/RECORD")
            lines.append(f"{record_name},,")
            out.writestr(_zip_info(record_name), "\n".join(lines) + "\n")
    partial.replace(dst)


def transform_wheel(src: Path, dst: Path, *transforms: Transform) -> None:
    """Rewrite the wheel `src` as `dst`, passing each member through `transforms` in turn."""
    members = read_zip(src)
    for transform in transforms:
        members = [out for name, data in members for out in transform(name, data)]
    write_zip(dst, members, wheel=True)


def matches(name: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def strip(drop: Iterable[str], keep: Iterable[str] = ()) -> Transform:
    """Drop members matching any glob in `drop` unless they match one in `keep`."""
    drop, keep = tuple(drop), tuple(keep)

    def transform(name: str, data: bytes) -> list[tuple[str, bytes]]:
        return [] if matches(name, drop) and not matches(name, keep) else [(name, data)]

    return transform


def patch(member: str, old: str, new: str) -> Transform:
    """Replace the exact text `old` in `member`; fails if it is not there exactly once."""

    def transform(name: str, data: bytes) -> list[tuple[str, bytes]]:
        if name != member:
            return [(name, data)]
        text = data.decode("utf-8")
        if text.count(old) != 1:
            raise ValueError(f"patch for {member} no longer applies (upstream changed?)")
        return [(name, text.replace(old, new).encode("utf-8"))]

    return transform


def pyc_bytes(source: bytes, filename: str) -> bytes:
    """A sourceless .pyc of `source`, unchecked-hash (PEP 552) so no timestamp goes in."""
    code = compile(source, filename, "exec", dont_inherit=True, optimize=0)
    flags = (0b01).to_bytes(4, "little")  # hash-based, check_source off
    return importlib.util.MAGIC_NUMBER + flags + importlib.util.source_hash(source) + marshal.dumps(code)


def precompile(prefix: str) -> Transform:
    """Replace each module's .py by its .pyc; `prefix` + name is its path inside Pyodide."""

    def transform(name: str, data: bytes) -> list[tuple[str, bytes]]:
        if not name.endswith(".py") or ".dist-info/" in name or ".data/" in name:
            return [(name, data)]
        try:
            return [(name + "c", pyc_bytes(data, prefix + name))]
        except SyntaxError:
            # e.g. a template or fixture that merely ends in .py: ship it as it is.
            return [(name, data)]

    return transform


def precompile_wheel(src: Path, dst: Path, *transforms: Transform) -> None:
    """Apply `transforms`, then precompile the wheel's modules for /lib/python3.12/site-packages."""
    transform_wheel(src, dst, *transforms, precompile(SITE_PACKAGES))


def precompile_stdlib(src: Path, dst: Path) -> None:
    """Precompile Pyodide's python_stdlib.zip (its members live under /lib/python3.12/)."""
    members = read_zip(src)
    compile_member = precompile(STDLIB)
    write_zip(dst, [out for name, data in members for out in compile_member(name, data)], wheel=False)
