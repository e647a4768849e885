"""Write dist/pyodide/: the Pyodide core, the wheels the site ships, and their lock file."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import shutil
import zipfile
from collections.abc import Callable
from email.parser import Parser
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name, parse_wheel_filename

from tools import wheels
from tools.deps import Deps
from tools.wheels import Transform, patch, precompile_stdlib, precompile_wheel, strip

CORE_FILES = ["pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip"]
LOCK_NAME = "pyodide-lock.json"

# What Python never reads at runtime: the JS bundles the page serves itself, tests, sample data,
# Sphinx extension, type stubs, TypeScript and Less sources, C headers and Cython declarations.
# Every file left out is also one file fewer for Pyodide to unpack while the reader waits.
# Panel's Python does read panel/dist/css/loading.css and panel/dist/assets/*.svg (inline loading
# spinner), panel/package.json, its _templates, and bokeh/_sri/<version>.json: those stay.
STRIP_EVERY_WHEEL = ["*.pyi"]
STRIP: dict[str, tuple[list[str], list[str]]] = {
    "panel": (["panel/dist/bundled/*", "panel/dist/panel.js*", "panel/dist/panel.min.js",
               "panel/dist/panel.json", "panel/dist/*.map", "panel/dist/dts/*", "panel/dist/lib/*",
               "panel/dist/images/*", "panel/tests/*", "panel/models/*.ts", "panel/styles/*.less"], []),
    "bokeh": (["bokeh/server/static/*", "bokeh/sampledata/*", "bokeh/sphinxext/*", "bokeh/_sri/*",
               "typings/*"],
              ["bokeh/_sri/{version}.json"]),
    # For compiling C or Cython against numpy, which nothing does in the browser.
    "numpy": (["numpy/_core/include/*", "numpy/_core/lib/*", "numpy/random/lib/*",
               "numpy/random/_examples/*", "numpy/*.pxd", "numpy/f2py/src/*"], []),
}

# On Pyodide `import panel` imports panel.io.pyodide, whose only use of pandas is to wrap
# pandas.read_csv/read_json for URLs. The site ships no pandas (5.7 MB), so make that optional.
PATCHES: dict[str, list[tuple[str, str, str]]] = {
    "panel": [("panel/io/pyodide.py", "import pandas\n",
               "try:\n"
               "    import pandas\n"
               "except ImportError:  # shipped without pandas: nothing to wrap\n"
               "    import types\n"
               "    pandas = types.SimpleNamespace(read_csv=None, read_json=None)\n"),
              # Panel makes a JavaScript helper with eval when imported, for its own page bridge,
              # which the site does not use; the site's Content-Security-Policy forbids eval.
              ("panel/io/pyodide.py", '_dict_converter = pyodide.code.run_js("""\n',
               "_dict_converter = None  # made with eval, for Panel's own bridge only\n"
               '_DICT_CONVERTER_SOURCE = ("""\n')],
}


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def marker_environment(info: dict[str, Any]) -> dict[str, str]:
    """PEP 508 marker values inside Pyodide (Emscripten, wasm32, its CPython version)."""
    full = info["python"]
    return {"python_version": ".".join(full.split(".")[:2]), "python_full_version": full,
            "sys_platform": "emscripten", "platform_system": "Emscripten", "os_name": "posix",
            "platform_machine": "wasm32", "implementation_name": "cpython",
            "platform_python_implementation": "CPython", "platform_release": "",
            "platform_version": "", "implementation_version": full, "extra": ""}


def wheel_metadata(wheel: Path, env: dict[str, str]) -> dict[str, Any]:
    """Name, version, import names and runtime requirements (canonical names) of a wheel."""
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        meta_name = next(n for n in names if n.count("/") == 1 and n.endswith(".dist-info/METADATA"))
        meta = Parser().parsestr(z.read(meta_name).decode("utf-8"))
    depends = []
    for line in meta.get_all("Requires-Dist") or []:
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate(env):
            depends.append(str(canonicalize_name(requirement.name)))
    imports = set()
    for name in names:
        top, _, rest = name.partition("/")
        if top.endswith((".dist-info", ".data")):
            continue
        if rest:
            imports.add(top)
        elif top.endswith((".py", ".pyc")):
            imports.add(top.rsplit(".", 1)[0])
    return {"name": meta["Name"], "version": meta["Version"], "depends": sorted(set(depends)),
            "imports": sorted(imports)}


def break_cycles(packages: dict[str, dict[str, Any]]) -> list[tuple[str, str]]:
    """Drop the dependency edges that close a cycle (Pyodide 0.27's loader deadlocks on them).

    Visiting packages in name order, an edge back to a package still being visited is dropped:
    for panel <-> panel-material-ui that is panel-material-ui -> panel, so loading panel still
    brings panel-material-ui.
    """
    dropped, state = [], {}  # state: 1 = visiting, 2 = done

    def visit(name: str) -> None:
        state[name] = 1
        for dep in list(packages[name]["depends"]):
            if state.get(dep) == 1:
                packages[name]["depends"].remove(dep)
                dropped.append((name, dep))
            elif dep not in state:
                visit(dep)
        state[name] = 2

    for name in sorted(packages):
        if name not in state:
            visit(name)
    return dropped


def make_lock(info: dict[str, Any], packages: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """A Pyodide lock of exactly `packages`, their dependencies restricted to what is shipped."""
    packages = {name: {**entry, "depends": sorted(d for d in entry["depends"] if d in packages)}
                for name, entry in sorted(packages.items())}
    for name, dep in break_cycles(packages):
        print(f"pyodide: dropped dependency {name} -> {dep} (cycle)", flush=True)
    return {"info": info, "packages": packages}


def lock_entry(wheel: Path, env: dict[str, str], official: dict[str, Any] | None = None) -> dict[str, Any]:
    meta = wheel_metadata(wheel, env)
    entry = {"name": meta["name"], "version": meta["version"], "file_name": wheel.name,
             "install_dir": "site", "sha256": sha256_of(wheel), "package_type": "package",
             "imports": meta["imports"], "depends": meta["depends"], "unvendored_tests": False}
    if official is not None:
        # The official entry knows best what a compiled package imports and needs.
        entry.update(imports=official["imports"], depends=official["depends"])
    return entry


def _derived(src: Path, dst: Path, recipe: str, make: Callable[[Path, Path], None], cache: Path) -> None:
    """`make(src, dst)`, reusing an earlier result made from the same input by the same code."""
    key = hashlib.sha256("\0".join([
        sha256_of(src), recipe, sha256_of(Path(wheels.__file__)), importlib.util.MAGIC_NUMBER.hex(),
    ]).encode()).hexdigest()[:24]
    stored = cache / "pyodide-dist" / f"{key}-{dst.name}"
    if not stored.exists():
        stored.parent.mkdir(parents=True, exist_ok=True)
        make(src, stored)
    shutil.copyfile(stored, dst)


def _transforms_for(name: str, version: str) -> list[Transform]:
    drop, keep = STRIP.get(name, ([], []))
    transforms = [strip([*STRIP_EVERY_WHEEL, *drop], [k.format(version=version) for k in keep])]
    transforms += [patch(*p) for p in PATCHES.get(name, [])]
    return transforms


def build_pyodide_dir(out: Path, deps: Deps, source_wheels: list[Path]) -> dict[str, dict[str, Any]]:
    """Write `out` and return {file_name: {"bytes", "sha256"}} of every file the loader fetches.

    The pure and compiled wheels are stripped (see STRIP) and precompiled to .pyc; the
    `source_wheels` (the site's own package, whose lessons show their source) are copied as they are.
    """
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name in CORE_FILES:
        if name == "python_stdlib.zip":
            _derived(deps.core_files[name], out / name, "stdlib", precompile_stdlib, deps.cache_dir)
        else:
            shutil.copyfile(deps.core_files[name], out / name)

    env = marker_environment(deps.lock["info"])
    packages: dict[str, dict[str, Any]] = {}
    for wheel in [*deps.compiled_wheels, *deps.pure_wheels]:
        name, version = (str(part) for part in parse_wheel_filename(wheel.name)[:2])
        transforms = _transforms_for(name, version)
        recipe = repr((version, STRIP_EVERY_WHEEL, STRIP.get(name), PATCHES.get(name)))
        _derived(wheel, out / wheel.name, recipe,
                 lambda src, dst, t=transforms: precompile_wheel(src, dst, *t), deps.cache_dir)
        packages[name] = lock_entry(out / wheel.name, env, deps.lock["packages"].get(name)
                                    if wheel in deps.compiled_wheels else None)
    for wheel in source_wheels:
        shutil.copyfile(wheel, out / wheel.name)
        packages[str(parse_wheel_filename(wheel.name)[0])] = lock_entry(out / wheel.name, env)
    lock = make_lock(deps.lock["info"], packages)
    (out / LOCK_NAME).write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")

    shipped = [*CORE_FILES, LOCK_NAME, *sorted(e["file_name"] for e in lock["packages"].values())]
    summary = {name: {"bytes": (out / name).stat().st_size, "sha256": sha256_of(out / name)}
               for name in shipped}
    files = [{"url": name, "bytes": info["bytes"]} for name, info in summary.items()]
    (out / "files.json").write_text(json.dumps(files, indent=1) + "\n")
    return summary
