"""The WebGPU backend in Chromium on SwiftShader: products, training and failures against numpy.

Runs in the site's own Pyodide with the site's own kernel and glue (web/assets/gpu.js and
matmul.wgsl); Python waits for the GPU through WebAssembly stack switching, as in the lessons.
Failures are made for real on SwiftShader: a kernel that does not compile, WebGPU validation
errors, a released matrix, a lost device. A test that breaks a GPU starts its own (`new_gpu`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from tests.e2e.conftest import Guarded
from tools.pyodide_page import run_python, start_pyodide

KERNEL = (Path(__file__).resolve().parents[2] / "web/assets/matmul.wgsl").read_text()

SETUP = """
import json
import numpy as np
from faders_gpu import gpu as js_gpu
from faders.backend import NUMPY
from faders.backend.webgpu import GpuUnavailableError, WebGPUBackend
from faders.backend.select import SelectingBackend
from faders.core.datasets import circle
from faders.core.mlp import MLP
from faders.core.training import train
gpu = WebGPUBackend(js_gpu)

def relative_error(got, expected):
    return float(np.max(np.abs(got - expected)) / max(np.max(np.abs(expected)), 1e-30))

def losses(backend, epochs=6, lose_after=None):
    data = circle(200, 0.1, seed=1)
    model = MLP([2, 16, 16, 1], "tanh", seed=2, backend=backend)
    out = []
    for epoch in train(model, data.x, 2.0 * data.y - 1.0, epochs, seed=3):
        out.append(epoch.loss)
        if epoch.epoch == lose_after:
            js_gpu.lose()
    return out
json.dumps(gpu.adapter)
"""

# gpu.js's createGpu(kernel) in the page, kept as window[name] (Python: `js.<name>`).
NEW_GPU_JS = """async ([name, kernel]) => {
  const { createGpu } = await import(new URL("assets/gpu.js", document.baseURI).href);
  window[name] = await createGpu(new URL(kernel, document.baseURI).href);
  return { available: window[name].available, reason: window[name].reason };
}"""


def new_gpu(page: Page, name: str, kernel: str = "assets/matmul.wgsl") -> dict:
    """A GPU of its own for a test that breaks it: {available, reason} of gpu.js's createGpu()."""
    return page.evaluate(NEW_GPU_JS, [name, kernel])


@pytest.fixture(scope="module")
def page(gpu_browser: Browser, base_url: str) -> Iterator[Page]:
    guard = Guarded(gpu_browser)
    page = guard.new_page()
    start_pyodide(page, base_url, ["numpy", "faders"], gpu=True)
    assert "swiftshader" in run_python(page, SETUP).lower()
    yield page
    guard.context.close()
    assert guard.foreign == [], f"requests to other hosts: {guard.foreign}"


@pytest.mark.parametrize(("m", "k", "n"), [(1, 1, 1), (3, 1000, 1), (3, 1000, 7), (257, 129, 65),
                                           (65, 257, 129), (130, 3, 70)])
def test_products_agree_with_numpy_on_awkward_shapes(page: Page, m: int, k: int, n: int) -> None:
    errors = run_python(page, f"""
rng = np.random.default_rng({m * k * n})
a, b = rng.normal(size=({m}, {k})), rng.normal(size=({k}, {n}))
at, bt = np.ascontiguousarray(a.T), np.ascontiguousarray(b.T)
json.dumps([relative_error(gpu.matmul(a, b), a @ b),
            relative_error(gpu.matmul(at, b, transpose_a=True), a @ b),
            relative_error(gpu.matmul(a, bt, transpose_b=True), a @ b),
            relative_error(gpu.matmul(at, bt, transpose_a=True, transpose_b=True), a @ b)])
""")
    assert max(errors) <= 1e-4, errors


def test_arrays_stay_on_the_gpu_between_products(page: Page) -> None:
    error, shape = run_python(page, """
rng = np.random.default_rng(5)
a, b, c = rng.normal(size=(33, 17)), rng.normal(size=(17, 45)), rng.normal(size=(45, 6))
on_gpu = gpu.product(gpu.product(gpu.upload(a), gpu.upload(b)), gpu.upload(c))  # nothing read yet
json.dumps([relative_error(on_gpu.numpy(), a @ b @ c), list(on_gpu.shape)])
""")
    assert error <= 1e-4
    assert shape == [33, 6]


def test_weights_go_up_once_per_training_step(page: Page) -> None:
    uploads = run_python(page, """
count = {"n": 0}
upload = gpu.upload
def counting(matrix):
    count["n"] += 1
    return upload(matrix)
gpu.upload = counting
model = MLP([2, 8, 1], "tanh", seed=0, backend=gpu)
x = np.random.default_rng(0).normal(size=(10, 2))
model.forward(x)
model.backward(np.ones((10, 1)))
del gpu.upload
json.dumps(count["n"])
""")
    # Forward: x, W1, a1, W2. Backward: dz2 (with W2 reused, transposed on the GPU), a1 reused
    # (transposed), dz1, x reused (transposed). Without reuse it would be 10 uploads.
    assert uploads == 6


def test_a_kept_matrix_changed_in_place_stays_on_the_gpu_while_it_is_used(page: Page) -> None:
    error = run_python(page, """
backend = WebGPUBackend(js_gpu)
rng = np.random.default_rng(6)
weights = rng.normal(size=(4, 4))
backend.matmul(weights, weights)  # the oldest of the kept uploads...
others = [rng.normal(size=(4, 4)) for _ in range(backend.KEPT_UPLOADS - 1)]
for other in others:
    backend.matmul(other, other)  # ...and now all of them are kept
weights += 1.0  # a training step changes them in place: uploaded again, under the same key
x = rng.normal(size=(4, 4))
json.dumps(relative_error(backend.matmul(weights, x), weights @ x))  # x's upload evicts the oldest
""")
    assert error <= 1e-4

def test_the_mlp_trains_to_the_same_losses_on_both_backends(page: Page) -> None:
    on_numpy, on_gpu = run_python(page, """
json.dumps([losses(NUMPY), losses(SelectingBackend(gpu, "webgpu"))])
""")
    assert on_gpu == pytest.approx(on_numpy, rel=1e-4)
    assert on_numpy[-1] < on_numpy[0]


def test_calibration_sets_the_threshold_where_the_gpu_wins(page: Page) -> None:
    timings, threshold = run_python(page, """
backend = SelectingBackend(gpu, "auto")
timings = backend.calibrate(sizes=(16, 64, 128), repeats=2)
json.dumps([[[t.size, t.numpy_seconds, t.webgpu_seconds] for t in timings],
            None if not np.isfinite(backend.threshold_flops) else backend.threshold_flops])
""")
    assert [size for size, *_ in timings] == [16, 64, 128]
    winning = [size for size, numpy_s, gpu_s in timings if gpu_s < numpy_s]
    if threshold is None:
        assert timings[-1][2] >= timings[-1][1]  # the GPU lost at the largest size
    else:
        smallest = round((threshold / 2) ** (1 / 3))
        assert all(size in winning for size, *_ in timings if size >= smallest)


# ---- failures ------------------------------------------------------------------------------

BROKEN_LINE = KERNEL[:KERNEL.index("let tx = local.x;")].count("\n") + 1
BROKEN_KERNELS = {
    "typo": KERNEL.replace("let tx = local.x;", "let tx: f32 = local.x;"),
    "no-transpose": KERNEL.replace("fn transpose(", "fn transposed("),
}


@pytest.mark.parametrize(("kernel", "reason"), [
    ("broken/typo.wgsl", f"the matrix kernel does not compile (line {BROKEN_LINE}:"),
    ("broken/no-transpose.wgsl", "the matrix kernel's pipelines could not be made ("),
    ("assets/no-such-kernel.wgsl", "the kernel could not be downloaded (404 "),
])
def test_a_broken_or_missing_kernel_leaves_webgpu_unavailable_with_the_reason(
        page: Page, kernel: str, reason: str) -> None:
    page.route("**/broken/*.wgsl", lambda route: route.fulfill(
        body=BROKEN_KERNELS[route.request.url.rsplit("/", 1)[1][:-5]], content_type="text/plain"))
    found = new_gpu(page, "brokenGpu", kernel)
    assert found["available"] is False
    assert found["reason"].startswith(reason), found["reason"]
    if "typo" in kernel:
        assert "f32" in found["reason"]  # the compiler's own words about the line


# Inject a WebGPU error, then read and ask for more: [name, kind, message] of what each threw.
READ_AFTER_JS = """async () => {
  const gpu = window.failingGpu, handle = gpu.create(4, 1);
  // A bind group whose buffer is smaller than the kernel's binding needs; queued, not waited for.
  const tiny = { buffer: gpu.device.createBuffer({ size: 4, usage: GPUBufferUsage.STORAGE }) };
  gpu.dispatch(gpu.pipelines.matmul, { 0: tiny, 1: tiny, 2: tiny }, [1, 1, 1, 1, 1], [1, 1]);
  const caught = async (call) => {
    try { await call(); return null; } catch (e) { return [e.name, e.kind, e.message]; }
  };
  return [await caught(() => gpu.read(handle)), await caught(() => gpu.create(1, 1)), gpu.lost];
}"""


def test_an_error_webgpu_reports_rejects_the_next_read_and_every_later_call(page: Page) -> None:
    assert new_gpu(page, "failingGpu")["available"]
    read, later, lost = page.evaluate(READ_AFTER_JS)
    assert read[:2] == ["GPUValidationError", "validation"]
    assert "Binding size (4)" in read[2]
    assert later == read  # recorded once, thrown by every later call: results after it are suspect
    assert lost is False


# An error made outside every scope reaches the glue only as an uncaptured-error event, whenever
# WebGPU delivers it: wait for it to be recorded (at most 10 s).
UNSCOPED_JS = """async () => {
  const gpu = window.unscopedGpu;
  gpu.device.createBuffer({ size: 2 * gpu.device.limits.maxBufferSize, usage: GPUBufferUsage.STORAGE });
  await gpu.device.queue.onSubmittedWorkDone();  // sends the commands on
  for (let waited = 0; !gpu.failure && waited < 10000; waited += 10) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  try { gpu.create(1, 1); return null; } catch (e) { return [e.name, e.message]; }
}"""


def test_an_error_outside_every_scope_is_recorded_and_thrown_by_the_next_call(page: Page) -> None:
    assert new_gpu(page, "unscopedGpu")["available"]
    name, message = page.evaluate(UNSCOPED_JS)
    assert name == "GPUValidationError"
    assert "exceeds the max buffer size" in message


TOO_LARGE_JS = """async () => {
  const gpu = window.largeGpu;
  try { gpu.create(1e6, 1e5); return null; } catch (e) { return [e.name, e.message, gpu.failure]; }
}"""


def test_a_matrix_too_large_is_refused_as_a_gpu_failure_without_breaking_the_gpu(page: Page) -> None:
    assert new_gpu(page, "largeGpu")["available"]
    name, message, failure = page.evaluate(TOO_LARGE_JS)
    assert name == "GPUBufferTooLargeError"  # Python: GpuFailedError, so numpy does the product
    assert message.startswith("a 1000000×400000 matrix needs 1600000000000 bytes; its largest buffer holds ")
    assert failure is None  # nothing reached the GPU: not recorded as its failure


def test_a_validation_error_in_a_product_falls_back_to_numpy_with_a_notice(page: Page) -> None:
    assert new_gpu(page, "invalidGpu")["available"]
    error, name, notices = run_python(page, """
import js
backend = SelectingBackend(WebGPUBackend(js.invalidGpu), "webgpu")
rng = np.random.default_rng(7)
a, b = rng.normal(size=(20, 30)), rng.normal(size=(30, 10))
backend.matmul(a, b)  # a and b are kept on the GPU for the next product...
for entry in js.invalidGpu.buffers.values():
    entry.buffer.destroy()  # ...where their buffers are now gone: WebGPU refuses the submit
json.dumps([relative_error(backend.matmul(a, b), a @ b), backend.name, backend.notices])
""")
    assert error <= 1e-12  # redone by numpy
    assert name == "numpy"
    assert len(notices) == 1
    assert notices[0].startswith("WebGPU reported a validation error (")
    assert "destroyed" in notices[0] and notices[0].endswith("numpy carries on with the same numbers.")


def test_a_programming_error_raises_and_the_gpu_stays_in_use(page: Page) -> None:
    assert new_gpu(page, "sparedGpu")["available"]
    raised, error, name, notices = run_python(page, """
import js
backend = SelectingBackend(WebGPUBackend(js.sparedGpu), "webgpu")
rng = np.random.default_rng(8)
a, b = rng.normal(size=(12, 9)), rng.normal(size=(9, 5))
backend.matmul(a, b)
for handle in list(js.sparedGpu.buffers.keys()):
    js.sparedGpu.release(handle)  # behind the backend's back: its kept copies of a and b are gone
raised = []
for bad in (lambda: backend.matmul(a, b), lambda: backend.matmul(a, a)):  # released; shapes disagree
    try:
        bad()
    except Exception as error:
        raised.append([type(error).__name__, getattr(error, "name", None),
                       isinstance(error, GpuUnavailableError)])
c = rng.normal(size=(9, 5))
json.dumps([raised, relative_error(backend.matmul(b.T, c), b.T @ c), backend.name, backend.notices])
""")
    assert raised == [["JsException", "RangeError", False], ["ValueError", None, False]]
    assert error <= 1e-4  # float32: the GPU did it
    assert name == "webgpu"
    assert notices == []


def test_a_lost_gpu_mid_training_falls_back_to_numpy_with_a_notice(page: Page) -> None:
    on_numpy, on_lost, name, notices = run_python(page, """
backend = SelectingBackend(WebGPUBackend(js_gpu), "webgpu")
lost = losses(backend, lose_after=2)
json.dumps([losses(NUMPY), lost, backend.name, backend.notices])
""")
    assert len(on_lost) == len(on_numpy) == 6
    assert on_lost == pytest.approx(on_numpy, rel=1e-4)
    assert name == "numpy"
    assert len(notices) == 1 and "stopped working" in notices[0]
