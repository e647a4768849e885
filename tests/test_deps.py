"""The dependency pipeline: pins, hash checks, wheel transforms and the Pyodide lock (no network)."""

from __future__ import annotations

import hashlib
import importlib
import json
import re
import sys
import zipfile
from pathlib import Path

import pytest

from tools.deps import ROOT, HashMismatchError, load_manifest, verify
from tools.pyodide_dist import make_lock, marker_environment, wheel_metadata
from tools.wheels import patch, precompile_wheel, strip, transform_wheel

PYODIDE_INFO = {"arch": "wasm32", "platform": "emscripten_3_1_58", "python": "3.12.7",
                "version": "0.27.7"}


def make_wheel(folder: Path, name: str, files: dict[str, str], requires: list[str] = ()) -> Path:
    """A minimal wheel with `files`, a METADATA declaring `requires`, and a complete RECORD."""
    dist_info = f"{name}-1.0.dist-info"
    metadata = f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n"
    metadata += "".join(f"Requires-Dist: {r}\n" for r in requires)
    members = {**files, f"{dist_info}/METADATA": metadata,
               f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n"}
    record = [f"{n},sha256=x,{len(d)}" for n, d in members.items()] + [f"{dist_info}/RECORD,,"]
    members[f"{dist_info}/RECORD"] = "\n".join(record) + "\n"
    wheel = folder / f"{name}-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        for member, data in members.items():
            z.writestr(member, data)
    return wheel


def record_names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as z:
        record = next(n for n in z.namelist() if n.endswith(".dist-info/RECORD"))
        return [line.split(",")[0] for line in z.read(record).decode().splitlines()]


def test_hash_mismatch_names_the_file_and_both_hashes(tmp_path: Path) -> None:
    path = tmp_path / "artefact.whl"
    path.write_bytes(b"not what was pinned")
    actual = hashlib.sha256(b"not what was pinned").hexdigest()
    assert verify(path, actual) == path
    with pytest.raises(HashMismatchError) as error:
        verify(path, "0" * 64)
    assert "artefact.whl" in str(error.value)
    assert "0" * 64 in str(error.value) and actual in str(error.value)


def test_manifest_pins_everything() -> None:
    manifest = load_manifest()
    pins = [*manifest["pyodide"]["files"].values(), manifest["compiled"]["source"]["sha256"]]
    pins += [entry["sha256"] for entry in manifest["wheel"] + manifest["sdist"]]
    assert all(re.fullmatch(r"[0-9a-f]{64}", pin) for pin in pins)
    package = json.loads((ROOT / "package.json").read_text())
    assert package["dependencies"]["pyodide"] == manifest["pyodide"]["version"]
    assert "pandas" not in {entry["name"] for entry in manifest["wheel"]}
    assert "pandas" not in manifest["compiled"]["packages"]


def test_strip_removes_exactly_the_matching_entries_and_their_record_lines(tmp_path: Path) -> None:
    src = make_wheel(tmp_path, "pkg", {
        "pkg/__init__.py": "", "pkg/dist/app.js": "js", "pkg/dist/app.js.map": "map",
        "pkg/dist/css/loading.css": "css", "pkg/dist/keep.js": "kept", "pkg/tests/test_x.py": "",
    })
    dst = tmp_path / "out" / src.name
    transform_wheel(src, dst, strip(["pkg/dist/*", "pkg/tests/*"], ["pkg/dist/css/*", "pkg/dist/keep.js"]))
    with zipfile.ZipFile(dst) as z:
        names = z.namelist()
    kept = ["pkg/__init__.py", "pkg/dist/css/loading.css", "pkg/dist/keep.js"]
    assert [n for n in names if ".dist-info/" not in n] == kept
    assert [n for n in record_names(dst) if ".dist-info/" not in n] == kept


def test_transforms_are_deterministic(tmp_path: Path) -> None:
    src = make_wheel(tmp_path, "pkg", {"pkg/__init__.py": "X = 1\n", "pkg/data.txt": "d"})
    first, second = tmp_path / "a" / src.name, tmp_path / "b" / src.name
    precompile_wheel(src, first)
    precompile_wheel(src, second)
    assert first.read_bytes() == second.read_bytes()


def test_patch_applies_once_or_fails(tmp_path: Path) -> None:
    src = make_wheel(tmp_path, "pkg", {"pkg/__init__.py": "import pandas\nX = 1\n"})
    dst = tmp_path / "out" / src.name
    transform_wheel(src, dst, patch("pkg/__init__.py", "import pandas\n", "pandas = None\n"))
    with zipfile.ZipFile(dst) as z:
        assert z.read("pkg/__init__.py") == b"pandas = None\nX = 1\n"
    with pytest.raises(ValueError, match="no longer applies"):
        transform_wheel(src, dst, patch("pkg/__init__.py", "import numpy\n", ""))


@pytest.mark.parametrize("use_zipimport", [False, True])
def test_precompiled_wheel_imports_without_sources(tmp_path: Path, use_zipimport: bool) -> None:
    name = f"faders_pyc_probe_{int(use_zipimport)}"
    src = make_wheel(tmp_path, name, {
        f"{name}/__init__.py": "from .core import double\n",
        f"{name}/core.py": "def double(x):\n    return 2 * x\n",
        f"{name}/broken_template.py": "{% if not_python %}\n",
    })
    dst = tmp_path / "out" / src.name
    precompile_wheel(src, dst)
    with zipfile.ZipFile(dst) as z:
        names = z.namelist()
        assert f"{name}/core.pyc" in names and f"{name}/core.py" not in names
        assert f"{name}/broken_template.py" in names  # not Python: shipped as it is
        if use_zipimport:
            path = str(dst)
        else:
            z.extractall(tmp_path / "site")
            path = str(tmp_path / "site")
    sys.path.insert(0, path)
    try:
        module = importlib.import_module(name)
        assert module.double(21) == 42
        assert module.__file__.endswith("__init__.pyc")
        assert module.double.__code__.co_filename == f"/lib/python3.12/site-packages/{name}/core.py"
    finally:
        sys.path.remove(path)
        for loaded in [m for m in sys.modules if m.split(".")[0] == name]:
            del sys.modules[loaded]


def test_requirements_are_evaluated_for_pyodide(tmp_path: Path) -> None:
    wheel = make_wheel(tmp_path, "pkg", {"pkg/__init__.py": "", "single.py": ""}, requires=[
        "numpy>=1.16", 'tornado>=6.2; sys_platform != "emscripten"',
        'colorama; platform_system == "Windows"', 'pytest; extra == "test"',
        'Typing_Extensions; python_version < "3.13"',
    ])
    meta = wheel_metadata(wheel, marker_environment(PYODIDE_INFO))
    assert meta["depends"] == ["numpy", "typing-extensions"]
    assert meta["imports"] == ["pkg", "single"]


def test_lock_drops_unshipped_dependencies_and_breaks_cycles() -> None:
    def entry(*depends: str) -> dict:
        return {"name": "x", "version": "1", "file_name": "x.whl", "depends": list(depends)}

    lock = make_lock(PYODIDE_INFO, {
        "panel": entry("bokeh", "panel-material-ui", "pandas", "narwhals"),
        "panel-material-ui": entry("panel", "bokeh"),
        "bokeh": entry("numpy", "tornado"),
        "numpy": entry(),
    })
    packages = lock["packages"]
    assert lock["info"] == PYODIDE_INFO
    assert packages["panel"]["depends"] == ["bokeh", "panel-material-ui"]
    assert packages["panel-material-ui"]["depends"] == ["bokeh"]
    assert packages["bokeh"]["depends"] == ["numpy"]
    assert packages["numpy"]["depends"] == []


def test_the_shipped_names_corpus_matches_its_pin_and_its_derivation() -> None:
    from tools.deps import names_corpus

    (spec,) = load_manifest()["data"]
    corpus = verify(ROOT / spec["corpus"], spec["corpus_sha256"])
    census = "MARY           2.629  2.629      1\nANNA  0.1 0.2 2\n\n"
    assert names_corpus([census, "JAMES 3.3 3.3 1\nMARY 0.1 0.1 2\n"]) == "mary\nanna\njames\n"
    assert corpus.read_text(encoding="ascii").startswith("mary\npatricia\n")
