"""Build dist/: the static site (pages, assets, Bokeh/Panel JS, the Pyodide runtime and wheels)."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from html import unescape
from pathlib import Path

import brotli
import jinja2
import markdown
from markupsafe import Markup

from faders.lessons import LESSONS
from tools.cards import card_images, favicon_ico
from tools.course_pages import description, link_terms, path_of, render_course_pages
from tools.csp import CONTENT_SECURITY_POLICY
from tools.deps import Deps, fetch_all, load_manifest, sha256_of
from tools.offline import write_service_worker
from tools.prerender import PREVIEWS
from tools.wheels import read_zip, write_zip

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"
DIST = ROOT / "dist"
WEB = ROOT / "web"
# The Bokeh and Panel JavaScript the lessons use, taken from the verified wheels.
BOKEH_JS = ["bokeh.min.js", "bokeh-widgets.min.js"]
COMPRESSIBLE = {".html", ".js", ".mjs", ".css", ".json", ".wasm", ".svg", ".map", ".whl", ".zip", ".wgsl"}


def build_faders_wheel() -> Path:
    """The faders package as a wheel, loaded in Pyodide like any other package, written again as
    the site's other wheels are: stored, not deflated (a page unpacks it by slicing, where
    inflating its hundred files took 80-200 ms), and with one fixed timestamp, so that its bytes
    depend on its files alone and the lock's sha256 of it, which names a reader's snapshot,
    changes only when the Python does."""
    out = CACHE / "faders-wheel"
    shutil.rmtree(out, ignore_errors=True)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "--wheel-dir", str(out), str(ROOT)], check=True)
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    wheel = next(out.glob("faders-*.whl"))
    write_zip(wheel, read_zip(wheel), wheel=True)
    return wheel


def find_wheel(wheels: list[Path], name: str) -> Path:
    return next(w for w in wheels if w.name.split("-")[0].lower() == name)


def runtime_versions(deps: Deps) -> dict[str, str]:
    """What each page's footer names, as deps.toml pins it (Python's version from Pyodide's lock)."""
    pinned = {spec["name"]: spec["version"] for spec in load_manifest().get("wheel", [])}
    return {"pyodide": deps.lock["info"]["version"], "python": deps.lock["info"]["python"],
            "panel": pinned["panel"], "bokeh": pinned["bokeh"]}


# Panel's style sheets that the lessons' documents ask for (tests/test_panel_stylesheets.py checks
# this against every lesson's document). Its other 55 (chat, tables, themes no page uses) are left
# out of the site, and so out of every reader's offline copy.
PANEL_STYLESHEETS = frozenset({"bundled/theme/default.css", "bundled/theme/native.css", "css/button.css",
                               "css/listpanel.css", "css/loading.css", "css/markdown.css",
                               "css/progress.css", "css/select.css"})


def copy_static_js(pure_wheels: list[Path], dist: Path, panel_version: str) -> list[str]:
    """Bokeh's and Panel's browser code, served by this site; returns the scripts a page loads."""
    panel_dist = f"static/panel/{panel_version}/dist"  # where Panel looks for its own files
    scripts = []
    with zipfile.ZipFile(find_wheel(pure_wheels, "bokeh")) as bokeh_wheel:
        for name in BOKEH_JS:
            target = dist / "static" / "bokeh" / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(bokeh_wheel.read(f"bokeh/server/static/js/{name}"))
            scripts.append(f"static/bokeh/{name}")
    with zipfile.ZipFile(find_wheel(pure_wheels, "panel")) as panel_wheel:
        for member in panel_wheel.namelist():
            inside = member.removeprefix("panel/dist/")
            if member == "panel/dist/panel.min.js" or inside in PANEL_STYLESHEETS:
                target = dist / panel_dist / inside
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(panel_wheel.read(member))
    scripts.append(f"{panel_dist}/panel.min.js")
    return scripts


def render_pages(dist: Path, scripts: list[str], versions: dict[str, str], main_wasm: str) -> None:
    """Every page; a lesson page names its scripts and the sha256 of Python's main wasm (`main_wasm`),
    which its worker asks for by that name (web/assets/worker.js, fetchMainWasm)."""
    templates = jinja2.Environment(loader=jinja2.FileSystemLoader(WEB / "templates"),
                                   autoescape=jinja2.select_autoescape(["html"]))
    lessons = list(LESSONS.values())
    pictures = {lesson.slug: PREVIEWS[lesson.slug]() for lesson in lessons}
    (dist / "previews").mkdir(parents=True, exist_ok=True)
    for slug, svg in pictures.items():  # the index's gallery shows them as images
        (dist / "previews" / f"{slug}.svg").write_text(svg)
    cards = card_images({lesson.slug: (lesson.title, pictures[lesson.slug]) for lesson in lessons},
                        dist / "cards", CACHE)
    favicon_ico(dist / "favicon.ico")
    common = {"csp": CONTENT_SECURITY_POLICY, "site_url": site_url()}
    render_course_pages(templates, dist, common, {slug: f"cards/{name}" for slug, name in cards.items()},
                        {slug: picture_label(svg) for slug, svg in pictures.items()})
    page = templates.get_template("lesson.html")
    for lesson in lessons:
        html = page.render(
            **common, root="../", page="lesson", course=path_of(lesson.slug),
            meta={"title": f"{lesson.title} · Faders", "description": description(lesson.teaser),
                  "path": f"lessons/{lesson.slug}.html", "kind": "article", "settings": True,
                  "image": f"cards/{cards[lesson.slug]}", "image_alt": picture_label(pictures[lesson.slug])},
            lesson=lesson, scripts=scripts, versions=versions,
            page_json=Markup(json.dumps({"slug": lesson.slug, "title": lesson.title,
                                         "gpu": lesson.uses_gpu, "measuresGpu": lesson.measures_gpu,
                                         "embedHeight": lesson.embed_height,
                                         "mainWasm": main_wasm,
                                         # Lessons kept built in the reader's snapshot (lesson.js):
                                         # not those whose page hands Python the GPU at start.
                                         "keptBuilt": [other.slug for other in lessons
                                                       if not other.measures_gpu],
                                         "scripts": [f"../{script}" for script in scripts]})
                             .replace("</", "<\\/")),
            prose_html=Markup(link_terms(markdown.markdown(lesson.prose), "../glossary.html", lesson.slug)),
            preview_svg=Markup(pictures[lesson.slug]))
        target = dist / "lessons" / f"{lesson.slug}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(html)


def site_url() -> str:
    """The address the site is published at (FADERS_SITE_URL, ending in /), for the absolute links
    that link previews want; empty: links relative to each page."""
    url = os.environ.get("FADERS_SITE_URL", "").strip()
    return url.rstrip("/") + "/" if url else ""


def picture_label(svg: str) -> str:
    """A still picture's words (its aria-label), as plain text."""
    found = re.search(r'aria-label="([^"]*)"', svg)
    return unescape(found.group(1)) if found else ""


def packed(data: bytes, suffix: str) -> bytes:
    """`data` brotli- or gzip-compressed; brotli's best setting is slow on megabytes, one step
    down loses little."""
    if suffix == ".br":
        return brotli.compress(data, quality=11 if len(data) < 1_000_000 else 10)
    return gzip.compress(data, compresslevel=9, mtime=0)


def compressed(path: Path, suffix: str = ".br") -> bytes:
    """`path`'s content compressed, from the cache when this content was compressed before."""
    data = path.read_bytes()
    cached = CACHE / "compressed" / (hashlib.sha256(data).hexdigest() + suffix)
    if not cached.exists():
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(packed(data, suffix))
    return cached.read_bytes()


def note_compressed_sizes(pyodide_dir: Path) -> None:
    """Add to files.json what each file weighs on the wire, for the loader's progress bar."""
    listing = pyodide_dir / "files.json"
    files = json.loads(listing.read_text())
    for entry in files:
        entry["compressed"] = len(compressed(pyodide_dir / entry["url"]))
    listing.write_text(json.dumps(files, indent=1) + "\n")


def compress(dist: Path) -> None:
    """Write .br and .gz beside every compressible file, as static hosts serve them; cached by content."""
    for path in sorted(dist.rglob("*")):
        if path.suffix not in COMPRESSIBLE or not path.is_file():
            continue
        for suffix in (".br", ".gz"):
            path.with_name(path.name + suffix).write_bytes(compressed(path, suffix))


def build(dist: Path = DIST) -> Path:
    """Build the whole site into `dist` and return it."""
    from tools.pyodide_dist import build_pyodide_dir

    deps = fetch_all(CACHE)
    wheel = build_faders_wheel()
    shutil.rmtree(dist, ignore_errors=True)
    dist.mkdir(parents=True)
    build_pyodide_dir(dist / "pyodide", deps, [wheel])
    note_compressed_sizes(dist / "pyodide")
    versions = runtime_versions(deps)
    scripts = copy_static_js(deps.pure_wheels, dist, versions["panel"])
    shutil.copytree(WEB / "assets", dist / "assets")
    render_pages(dist, scripts, versions, sha256_of(dist / "pyodide" / "pyodide.asm.wasm"))
    write_service_worker(dist)
    compress(dist)
    return dist
