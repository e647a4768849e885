"""Run Python in the site's own Pyodide, on the main thread of a Playwright page.

Tests use it to run the core suite in the browser; the benchmark uses it to time the core there.
Extra wheels (test-only ones, never in dist/) are served to that page alone by a route.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, Route

EXTRA_PATH = "__extra__"

START_JS = """
async ({ packages, wheels, files, gpu }) => {
  const indexURL = new URL("pyodide/", document.baseURI).href;
  if (gpu) {
    // The site's WebGPU glue, as the lesson worker uses it: Python imports it as `faders_gpu`.
    const { createGpu } = await import(new URL("assets/gpu.js", document.baseURI).href);
    window.fadersGpu = await createGpu(new URL("assets/matmul.wgsl", document.baseURI).href);
  }
  const { loadPyodide } = await import(indexURL + "pyodide.mjs");
  const pyodide = await loadPyodide({ indexURL, lockFileURL: indexURL + "pyodide-lock.json" });
  await pyodide.loadPackage(packages, { messageCallback: () => {} });
  for (const url of wheels) {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    pyodide.unpackArchive(await response.arrayBuffer(), "wheel");
  }
  for (const [path, text] of Object.entries(files)) {
    pyodide.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
    pyodide.FS.writeFile(path, text);
  }
  if (gpu) pyodide.registerJsModule("faders_gpu", { gpu: window.fadersGpu });
  window.pyodide = pyodide;
  return pyodide.runPython("import sys; sys.version");
}
"""


def start_pyodide(page: Page, base_url: str, packages: Iterable[str], wheels: Iterable[Path] = (),
                  files: dict[str, str] | None = None, gpu: bool = False) -> str:
    """Open the site's index in `page` and start Pyodide there with `packages` from the site's lock,
    `wheels` unpacked into site-packages and `files` (absolute path -> text) written to its file
    system. With `gpu`, the site's WebGPU glue is started and importable as `faders_gpu` (its
    `gpu` is gpu.js's createGpu() result). Returns Pyodide's Python version string."""
    by_name = {wheel.name: wheel.read_bytes() for wheel in wheels}

    def serve(route: Route) -> None:
        name = route.request.url.rsplit("/", 1)[-1]
        if name in by_name:
            route.fulfill(status=200, body=by_name[name], content_type="application/zip")
        else:
            route.fulfill(status=404, body=f"no extra file {name}")

    page.route(f"**/{EXTRA_PATH}/*", serve)
    page.goto(base_url + "index.html")
    return page.evaluate(START_JS, {"packages": list(packages),
                                    "wheels": [f"{EXTRA_PATH}/{name}" for name in by_name],
                                    "files": files or {}, "gpu": gpu})


def run_python(page: Page, code: str) -> Any:
    """Run `code` in the page's Pyodide; its last expression must be a JSON string, returned decoded."""
    return json.loads(page.evaluate("(code) => window.pyodide.runPythonAsync(code)", code))
