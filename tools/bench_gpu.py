"""Matrix-multiply throughput in one headless Chromium on one adapter: numpy on WebAssembly, our
WebGPU kernel (web/assets/matmul.wgsl), and TensorFlow.js's WebGPU backend for reference.

TensorFlow.js comes from npm (package.json devDependencies, pinned in package-lock.json) and is
served to the benchmark page only; lessons never load it. Every figure is one square float32
product C = A·B of size n, timed from dispatch until the result is back in JavaScript (or in
numpy), after a warm-up product of the same size; GFLOP/s = 2n³ / seconds.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from playwright.sync_api import Browser, Route

from tools.contexts import cold_context
from tools.pyodide_page import run_python, start_pyodide

ROOT = Path(__file__).resolve().parent.parent
TFJS_FILES = [ROOT / "node_modules/@tensorflow/tfjs-core/dist/tf-core.min.js",
              ROOT / "node_modules/@tensorflow/tfjs-backend-webgpu/dist/tf-backend-webgpu.min.js"]
SIZES = (256, 512, 1024, 2048)
TARGETS = {"ours/numpy at 1024": 5.0, "ours/TF.js at 1024 and 2048": 1.0}

NUMPY_CODE = """
import json, time, numpy as np
rows = []
for n in {sizes}:
    a = np.random.default_rng(0).random((n, n), dtype=np.float32)
    b = np.random.default_rng(1).random((n, n), dtype=np.float32)
    a[:8] @ b  # warm-up
    began = time.perf_counter()
    a @ b
    rows.append(2 * n**3 / (time.perf_counter() - began) / 1e9)
json.dumps(rows)
"""

OURS_JS = """
async (sizes) => {
  const gpu = window.fadersGpu;
  const rows = [];
  for (const n of sizes) {
    const data = new Float32Array(n * n).map((_, i) => (i % 7) / 7);
    const a = gpu.upload(data, n, n / 4), b = gpu.upload(data, n, n / 4), c = gpu.create(n, n / 4);
    gpu.matmul(a, b, c, n, n, n);
    await gpu.read(c);  // warm-up
    const began = performance.now();
    gpu.matmul(a, b, c, n, n, n);
    await gpu.read(c);
    rows.push(2 * n ** 3 / ((performance.now() - began) / 1e3) / 1e9);
    [a, b, c].forEach((h) => gpu.release(h));
  }
  return rows;
}
"""

TFJS_JS = """
async (sizes) => {
  for (const src of ["__extra__/tf-core.min.js", "__extra__/tf-backend-webgpu.min.js"]) {
    await new Promise((resolve, reject) => {
      const script = Object.assign(document.createElement("script"),
                                   { src, onload: resolve, onerror: reject });
      document.head.append(script);
    });
  }
  await tf.setBackend("webgpu");
  await tf.ready();
  const rows = [];
  for (const n of sizes) {
    const a = tf.randomUniform([n, n]), b = tf.randomUniform([n, n]);
    let c = tf.matMul(a, b); await c.data(); c.dispose();  // warm-up (compiles this shape's shader)
    const began = performance.now();
    c = tf.matMul(a, b);
    await c.data();
    rows.push(2 * n ** 3 / ((performance.now() - began) / 1e3) / 1e9);
    [a, b, c].forEach((t) => t.dispose());
  }
  return [tf.getBackend(), rows];
}
"""


def ensure_tfjs() -> None:
    """TensorFlow.js is a dev dependency: install it (npm ci) if an older checkout lacks it."""
    if all(path.exists() for path in TFJS_FILES):
        return
    if shutil.which("npm") is None:
        raise RuntimeError("npm is required for the TensorFlow.js reference benchmark")
    subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                   cwd=ROOT, check=True)


def measure(browser: Browser, base_url: str, sizes: tuple[int, ...] = SIZES) -> dict:
    """GFLOP/s per size for numpy (Pyodide), our kernel and TensorFlow.js, and the adapter's name."""
    ensure_tfjs()
    files = {path.name: path.read_bytes() for path in TFJS_FILES}
    context = cold_context(browser)
    page = context.new_page()

    def serve_tfjs(route: Route) -> None:
        name = route.request.url.rsplit("/", 1)[-1]
        if name in files:
            route.fulfill(status=200, body=files[name], content_type="text/javascript")
        else:
            route.fallback()

    start_pyodide(page, base_url, ["numpy"], gpu=True)
    page.route("**/__extra__/*.js", serve_tfjs)  # after start_pyodide's own route, so tried first
    if not page.evaluate("window.fadersGpu.available"):
        raise RuntimeError(f"no WebGPU adapter: {page.evaluate('window.fadersGpu.reason')}")
    adapter = page.evaluate("window.fadersGpu.adapter")
    numpy_rows = run_python(page, NUMPY_CODE.format(sizes=tuple(sizes)))
    ours = page.evaluate(OURS_JS, list(sizes))
    tfjs_backend, tfjs = page.evaluate(TFJS_JS, list(sizes))
    context.close()
    if tfjs_backend != "webgpu":
        raise RuntimeError(f"TensorFlow.js ran on {tfjs_backend}, not webgpu")
    return {"adapter": adapter, "sizes": list(sizes), "numpy": numpy_rows, "ours": ours, "tfjs": tfjs}


def print_table(result: dict) -> None:
    print(f"\nMatrix multiply, float32, GFLOP/s (adapter: {result['adapter']}); one product after a warm-up")
    print(f"  {'n':>5} {'numpy/wasm':>11} {'ours':>8} {'TF.js':>8} {'ours/numpy':>11} {'ours/TF.js':>11}")
    for n, numpy_rate, ours, tfjs in zip(result["sizes"], result["numpy"], result["ours"], result["tfjs"],
                                         strict=True):
        print(f"  {n:>5} {numpy_rate:>11.2f} {ours:>8.2f} {tfjs:>8.2f} {ours / numpy_rate:>10.1f}× "
              f"{ours / tfjs:>10.2f}×")
    print(f"  targets: ours/numpy ≥ {TARGETS['ours/numpy at 1024']:.0f}× at 1024; "
          f"ours/TF.js ≥ {TARGETS['ours/TF.js at 1024 and 2048']:.1f}× at 1024 and 2048")
