"""The faders wheel is the same bytes for the same files: its sha256 in the lock names the reader's
snapshot, which should change when the Python does, not with each build or checkout."""

from __future__ import annotations

import hashlib
import os
import zipfile

from tools.site import ROOT, build_faders_wheel


def test_the_wheel_depends_on_its_files_alone() -> None:
    first = hashlib.sha256(build_faders_wheel().read_bytes()).hexdigest()
    source = ROOT / "py" / "faders" / "__init__.py"
    kept = source.stat()
    os.utime(source, (kept.st_atime, kept.st_mtime - 86_400))  # as checked out a day earlier
    try:
        second = hashlib.sha256(build_faders_wheel().read_bytes()).hexdigest()
    finally:
        os.utime(source, (kept.st_atime, kept.st_mtime))
    assert first == second


def test_the_wheel_is_stored_for_the_page_to_slice() -> None:
    # web/assets/unzip.js reads a wheel's files as slices of it: it inflates nothing.
    with zipfile.ZipFile(build_faders_wheel()) as wheel:
        members = wheel.infolist()
    assert len(members) > 50
    assert {member.compress_type for member in members} == {zipfile.ZIP_STORED}
