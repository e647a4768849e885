"""The reader's own snapshot of the started runtime (web/assets/pyodide-snapshot.js): made after a
first lesson is ready, with every lesson kept built on it, restored by the next page, and sound once
restored; every way it can fail leaves the page starting as it would without one.

This must pass before Pyodide or any wheel is upgraded: the snapshot relies on Pyodide's internals.
One browser context (site storage is per context), pages loaded in order: the first makes the
snapshot, the others restore it or meet a broken one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from faders.lessons import LESSON_CLASSES, lesson_class
from faders.lessons.logits import LogitsLesson
from tests.e2e.conftest import Guarded, guarding, live, open_lesson, snapshot
from tools.waiting import wait_until

MADE_TIMEOUT_MS = 180_000

# In the restored worker: build every lesson of the registry, then a soundness set.
CHECKS = """
import asyncio, inspect, json, random, sys
import numpy as np, panel as pn
from bokeh.core.serialization import Serializer
from bokeh.document import Document
from bokeh.embed.util import standalone_docs_json_and_render_items
from bokeh.models import ColumnDataSource
from pyodide.ffi import create_once_callable
from js import Math, setTimeout
import faders.browser
from faders.browser import PageLink
from faders.lessons import LESSON_CLASSES, lesson_class

out = {"random": random.random(), "modules_before": len(sys.modules)}
page_lesson = faders.browser.current.lesson
backend = page_lesson.backend
documents = {}
for slug in LESSON_CLASSES:
    chosen = lesson_class(slug)
    lesson = chosen(backend=backend) if chosen.uses_gpu else chosen()
    documents[slug] = len(json.loads(PageLink(lesson, lambda kind, payload: None).render())["docs_json"])
out["documents"] = documents

a = np.random.default_rng().standard_normal((64, 64))
out["numpy_inv"] = bool(np.allclose(a @ np.linalg.inv(a), np.eye(64), atol=1e-8))
out["numpy_sum"] = int(np.arange(10**6, dtype=np.int64).sum())
out["numpy_fft"] = float(np.fft.fft(np.ones(8))[0].real)

slider = pn.widgets.FloatSlider(start=0, end=1, value=0.5)
seen = []
slider.param.watch(lambda e: seen.append(e.new), "value")
doc = Document()
model = slider.get_root(doc)
doc.add_root(model)
slider.value = 0.25
out["panel_widget"] = [model.value, seen]
doc2 = Document()
doc2.add_root(pn.Column(pn.widgets.IntSlider(value=3), pn.pane.Markdown("**hi**")).get_root(doc2))
docs_json = standalone_docs_json_and_render_items(doc2.roots, suppress_callback_warning=True)[0]
out["panel_doc_json"] = len(json.dumps(docs_json))
encoded = Serializer(deferred=False).encode(ColumnDataSource(data={"x": np.arange(5.0)}))
out["bokeh_ndarray"] = encoded["attributes"]["data"]["entries"][0][1]["type"]

out["getsource"] = inspect.getsource(faders.browser.run_async).splitlines()[0]

async def square(i):
    await asyncio.sleep(0.005 * i)
    return i * i
out["asyncio"] = await asyncio.gather(*(asyncio.ensure_future(square(i)) for i in range(4)))
fired = asyncio.get_event_loop().create_future()
setTimeout(create_once_callable(lambda: fired.set_result("fired")), 5)
out["js_timer"] = await fired
out["js_math"] = Math.max(3, 7)
from js import js_double
out["js_function"] = js_double(21)

# WebGPU: a product on the GPU, waited for with run_sync (JSPI), against numpy.
gpu = backend.gpu
out["gpu"] = None if gpu is None else gpu.adapter
if gpu is not None:
    x, y = np.random.default_rng(1).standard_normal((2, 48, 48)).astype(np.float32)
    out["gpu_matmul_error"] = float(np.max(np.abs(gpu.matmul(x, y) - x @ y)))
json.dumps(out)
"""

RUN_CHECKS_JS = """async (code) => {
  self.js_double = (x) => 2 * x;
  return pyodide.runPythonAsync(code);
}"""

STORE_JS = """async ([action, extra]) => {
  const root = await navigator.storage.getDirectory();
  const dir = await root.getDirectoryHandle("faders-snapshot", { create: true });
  const backup = await root.getDirectoryHandle("test-backup", { create: true });
  const names = async (d) => {
    const found = [];
    for await (const n of d.keys()) found.push(n);
    return found.sort();
  };
  const read = async (d, n) => new Uint8Array(await (await (await d.getFileHandle(n)).getFile())
    .arrayBuffer());
  const write = async (d, n, bytes) => {
    const w = await (await d.getFileHandle(n, { create: true })).createWritable();
    await w.write(bytes);
    await w.close();
  };
  const { checksum } = await import(new URL("/assets/snapshot-store.js", location.href).href);
  const keys = await names(dir);
  const meta = keys.find((n) => /^snapshot-[0-9a-f]+[.]json$/.test(n));
  const body = meta && meta.slice(0, -5);
  if (action === "keys") return keys;
  if (action === "backup") {
    for (const n of keys) await write(backup, n, await read(dir, n));
    return keys.length;
  }
  if (action === "restore") {
    for (const n of keys) await dir.removeEntry(n);
    for (const n of await names(backup)) {
      await write(dir, extra ? n.replace(/snapshot-[0-9a-f]+/, extra) : n, await read(backup, n));
    }
    return (await names(dir)).length;
  }
  // Change one byte of the heap (or of the wheels stored beside it, or of a lesson kept built): at
  // `extra.at`; the checksum in the metadata is kept (corrupt bytes) or updated to match (the bytes
  // read well, and Python's restore meets them). In a lesson's delta, `header` is a byte of its
  // snapshot's header (web/assets/heap-delta.js: its first run, which starts at word 0).
  const file = extra.lesson ? `${body}.lesson-${extra.lesson}` : extra.wheels ? `${body}.wheels` : body;
  const metaFile = extra.lesson ? `${file}.json` : meta;
  const bytes = await read(dir, file);
  const at = extra.header === undefined ? extra.at
    : 4 * (3 + 2 * new Uint32Array(bytes.buffer)[2]) + extra.header;
  bytes[at] ^= 0xff;
  const info = JSON.parse(new TextDecoder().decode(await read(dir, metaFile)));
  if (extra.resign) info[extra.wheels ? "wheelsChecksum" : "checksum"] = checksum(bytes);
  await write(dir, file, bytes);
  await write(dir, metaFile, new TextEncoder().encode(JSON.stringify(info)));
  return info.checksum;
}"""


# The stored files' checksum (web/assets/snapshot-store.js) against its definition worked out one
# word at a time in exact integers, with the largest words; and what it catches: any changed byte,
# words moved or zeroed. The same bytes anywhere in memory give the same sum.
CHECKSUM_JS = """async () => {
  const { checksum } = await import(new URL("/assets/snapshot-store.js", location.href).href);
  const definition = (bytes) => {
    const prime = 4294967291n;
    let low = 1n;
    let high = 0n;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const add = (word) => {
      low = (low + BigInt(word)) % prime;
      high = (high + low) % prime;
    };
    const whole = bytes.byteLength >>> 2;
    for (let i = 0; i < whole; i++) add(view.getUint32(4 * i, true));
    for (let i = whole * 4; i < bytes.byteLength; i++) add(bytes[i]);
    return high.toString(16).padStart(8, "0") + low.toString(16).padStart(8, "0");
  };
  const bytes = new Uint8Array(4099).map((_, i) => (i * 7919) % 251);
  const largest = new Uint8Array(3 * 4096 + 7).fill(255);
  const base = checksum(bytes);
  const after = (edit) => {
    const copy = bytes.slice();
    edit(copy);
    return checksum(copy);
  };
  return {
    defined: [checksum(bytes) === definition(bytes), checksum(largest) === definition(largest)],
    format: /^[0-9a-f]{16}$/.test(base),
    same: checksum(bytes.slice()) === base,
    flipped: [0, 1000, 4098].map((at) => after((b) => { b[at] ^= 1; }) !== base),
    moved: after((b) => { b.set(bytes.subarray(0, 4), 8); b.set(bytes.subarray(8, 12), 0); }) !== base,
    zeroed: after((b) => b.fill(0, 2048, 3072)) !== base,
    unaligned: checksum(bytes.subarray(1)) === checksum(bytes.slice(1)),
  };
}"""


# A lesson's snapshot stored as a delta from the base (web/assets/heap-delta.js): random snapshots
# whose headers differ in length and whose heaps differ in scattered words (and in length) come
# back byte for byte; a delta that does not add up is refused before anything is written.
DELTA_JS = """async () => {
  const { heapDelta, checkHeapDelta, applyHeapDelta } =
    await import(new URL("/assets/heap-delta.js", location.href).href);
  let seed = 7;
  const random = (n) => (seed = (seed * 1103515245 + 12345) >>> 0) % n;
  const snapshot = (header, heap) => {
    const bytes = new Uint8Array(header + heap.length).map(() => random(256));
    new Uint32Array(bytes.buffer)[1] = header;
    bytes.set(heap, header);
    return bytes;
  };
  let same = 0;
  let smaller = 0;
  for (let round = 0; round < 100; round++) {
    const heap = new Uint8Array(4 * (1000 + random(3000))).map(() => random(256));
    const grown = new Uint8Array(heap.length + 4 * random(50));
    grown.set(heap);
    for (let edit = random(40); edit > 0; edit--) grown[random(grown.length)] ^= 1 + random(255);
    const before = snapshot(16 * (1 + random(4)), heap);
    const after = snapshot(16 * (1 + random(4)), grown);
    const delta = heapDelta(before, after);
    const { bytes, shift } = checkHeapDelta(delta);
    const pad = Math.max(0, -shift);
    const buffer = new Uint8Array(pad + bytes);
    buffer.set(before, pad + shift);
    const made = buffer.subarray(pad, pad + bytes);
    applyHeapDelta(made, delta);
    same += made.length === after.length && made.every((b, i) => b === after[i]);
    smaller += delta.length < after.length / 2;
  }
  const refused = (edit) => {
    const delta = heapDelta(snapshot(16, new Uint8Array(64)), snapshot(16, new Uint8Array(64).fill(1)));
    edit(new Uint32Array(delta.buffer));
    const heap = new Uint8Array(80).fill(9);
    try {
      applyHeapDelta(heap, delta);
    } catch (error) {
      return heap.every((b) => b === 9) && error.message;
    }
    return false;
  };
  return {
    same, smaller,
    past: refused((d) => { d[3] = 19; }),
    short: refused((d) => { d[2] = 0; }),
    other: refused((d) => { d[0] = 21; }),
  };
}"""


@pytest.fixture(scope="module")
def guard(gpu_browser: Browser) -> Iterator[Guarded]:
    yield from guarding(gpu_browser, snapshots=True)


def started(page: Page) -> str:
    return page.evaluate("document.documentElement.dataset.fadersStart")


def failed_name(page: Page) -> str | None:
    return page.evaluate("localStorage.getItem('faders-snapshot-failed')")


def stored(page: Page, action: str, extra: object = None) -> object:
    return page.evaluate(STORE_JS, [action, extra])


def reset(page: Page, name: str | None = None) -> None:
    """Put the good snapshot back (under `name`: another version's) and forget earlier failures."""
    stored(page, "restore", name)
    page.evaluate("localStorage.removeItem('faders-snapshot-failed')")


def spoil(guard: Guarded, base_url: str, change: dict) -> str:
    """Put the good snapshot back, then change its stored files as STORE_JS's `change` does; returns
    the snapshot's name. The console is cleared for the page that meets it."""
    page = guard.new_page()
    page.goto(base_url + "index.html")
    reset(page)
    name = stored(page, "keys")[0]
    stored(page, "change", change)
    guard.console.clear()
    page.close()
    return name


def test_first_page_makes_a_snapshot(guard: Guarded, base_url: str) -> None:
    page = open_lesson(guard, base_url + "lessons/function.html")
    assert started(page) == "cold"
    wait_until(page, "!!window.fadersSnapshotMade", timeout=MADE_TIMEOUT_MS, polling=250)
    made = page.evaluate("window.fadersSnapshotMade")
    assert made["type"] == "made", made
    assert made["bytes"] > 30e6
    # Restored once in a trial worker, which rendered the lesson; nothing marked as failed.
    assert made["trial"]["ok"] and made["trial"]["ms"] > 0, made["trial"]
    assert failed_name(page) is None
    # Every lesson but the one whose page hands Python the GPU, kept built: each stored as the
    # words its heap changed, a few MB of a 63 MB heap.
    kept = sorted(slug for slug in LESSON_CLASSES if not lesson_class(slug).measures_gpu)
    assert sorted(made["lessons"]) == kept
    assert all(1e6 < lesson.get("bytes", 0) < 30e6 for lesson in made["lessons"].values()), made["lessons"]
    name = made["name"]
    lesson_files = [f"{name}.lesson-{slug}{ending}" for slug in kept for ending in ("", ".json")]
    assert stored(page, "keys") == sorted([name, f"{name}.json", f"{name}.wheels", *lesson_files])
    assert stored(page, "backup") == 3 + len(lesson_files)
    page.close()


def test_the_checksum_catches_corrupt_bytes(guard: Guarded, base_url: str) -> None:
    page = guard.new_page()
    page.goto(base_url + "index.html")
    assert page.evaluate(CHECKSUM_JS) == {"defined": [True, True], "format": True, "same": True,
                                          "flipped": [True, True, True], "moved": True, "zeroed": True,
                                          "unaligned": True}
    page.close()


def test_a_lesson_is_stored_as_the_words_it_changed(guard: Guarded, base_url: str) -> None:
    page = guard.new_page()
    page.goto(base_url + "index.html")
    found = page.evaluate(DELTA_JS)
    assert found["same"] == 100 and found["smaller"] == 100
    assert found["past"] == "the lesson's snapshot writes past its end"
    assert found["short"] == "the lesson's snapshot is not whole"
    assert found["other"] == "the lesson's snapshot is for another heap"
    page.close()


def test_restored_python_builds_every_lesson_and_is_sound(guard: Guarded, base_url: str) -> None:
    page = open_lesson(guard, base_url + "lessons/gpus.html?backend=webgpu")
    assert started(page) == "snapshot"
    assert page.evaluate("faders.get()")["settings"]  # the lesson's own wire works
    out = json.loads(page.workers[0].evaluate(RUN_CHECKS_JS, CHECKS))
    assert set(out["documents"]) == set(LESSON_CLASSES)
    assert all(count == 1 for count in out["documents"].values())
    assert out["numpy_inv"] and out["numpy_sum"] == 499999500000 and out["numpy_fft"] == 8.0
    assert out["panel_widget"] == [0.25, [0.25]]
    assert out["panel_doc_json"] > 1000
    assert out["bokeh_ndarray"] == "ndarray"
    assert out["getsource"].startswith("def run_async")
    assert out["asyncio"] == [0, 1, 4, 9]
    assert (out["js_timer"], out["js_math"], out["js_function"]) == ("fired", 7, 42)
    assert out["gpu"], "WebGPU did not start on SwiftShader"
    assert out["gpu_matmul_error"] < 1e-3
    # Fresh random state: a second restore (of a lesson kept built) draws other numbers than this one.
    again = open_lesson(guard, base_url + "lessons/knn.html")
    assert started(again) == "lesson-snapshot"
    second = again.workers[0].evaluate("pyodide.runPython('import random; random.random()')")
    assert second != out["random"]
    page.close()
    again.close()


def same_numbers(shown: object, expected: object) -> bool:
    """The page's numbers are CPython's, to the last few bits (Pyodide's libm rounds its own way)."""
    if isinstance(expected, dict):
        return isinstance(shown, dict) and shown.keys() == expected.keys() and all(
            same_numbers(shown[key], value) for key, value in expected.items())
    if isinstance(expected, list | tuple):
        return isinstance(shown, list) and len(shown) == len(expected) and all(
            same_numbers(a, b) for a, b in zip(shown, expected, strict=True))
    if isinstance(expected, float):
        return shown == pytest.approx(expected, rel=1e-12, abs=1e-300)
    return shown == expected


def as_json(value: object) -> object:
    return json.loads(json.dumps(value))


def test_a_lesson_kept_built_is_drawn_ahead_and_comes_alive(guard: Guarded, base_url: str) -> None:
    page = open_lesson(guard, base_url + "lessons/logits.html?embed=1")
    assert started(page) == "lesson-snapshot"
    # The page found the document itself, the worker sent the same before Python was back, and
    # the page drew it once.
    assert page.evaluate("performance.getEntriesByName('faders-document-found').length") == 1
    steps = page.evaluate("window.fadersStartTimings")
    assert steps["document sent"] < steps["Python started"]
    assert page.evaluate("performance.getEntriesByName('faders-embedded').length") == 1
    assert page.evaluate("document.querySelectorAll('#faders-live > *').length") == 1
    lesson = LogitsLesson()
    assert same_numbers(snapshot(page)["results"], as_json(lesson.results()))
    # Python holds the drawn document: a setting changes the numbers and the screen.
    page.evaluate("faders.set({t: 2})")
    lesson.apply({"t": "2"})
    assert same_numbers(snapshot(page)["results"], as_json(lesson.results()))
    entropy = f"Entropy {lesson.results()['entropy_bits']:.3f} bits."
    live(page).get_by_text(entropy).first.wait_for()
    page.close()
    # A link with settings of its own: the lesson is built afresh on the restored heap, with them.
    page = open_lesson(guard, base_url + "lessons/logits.html?t=0.5")
    assert started(page) == "lesson-snapshot"
    fresh = LogitsLesson()
    fresh.apply({"t": "0.5"})
    assert same_numbers(snapshot(page)["results"], as_json(fresh.results()))
    page.close()


def test_a_restore_that_throws_starts_cold(guard: Guarded, base_url: str) -> None:
    page = guard.new_page()
    page.goto(base_url + "index.html")
    name = stored(page, "keys")[0]
    stored(page, "change", {"at": 16, "resign": True})  # Pyodide's build id in the header
    page.close()
    page = open_lesson(guard, base_url + "lessons/scale.html")
    assert started(page) == "cold"
    assert failed_name(page) == name
    assert any("build id mismatch" in line for line in guard.console)
    page.close()


def test_a_corrupt_lesson_is_passed_over_then_kept_again(guard: Guarded, base_url: str) -> None:
    spoil(guard, base_url, {"lesson": "scale", "at": 100_000, "resign": False})
    page = open_lesson(guard, base_url + "lessons/scale.html")
    assert started(page) == "snapshot"
    assert any("the lesson kept built is not used" in line and "does not match its checksum" in line
               for line in guard.console)
    assert failed_name(page) is None  # the snapshot itself is sound, and still used
    # The page found the lesson's document by itself and drew it; Python's own replaced it.
    assert page.evaluate("performance.getEntriesByName('faders-document-found').length") == 1
    assert page.evaluate("performance.getEntriesByName('faders-embedded').length") == 2
    assert page.evaluate("document.querySelectorAll('#faders-live > *').length") == 1
    # Once ready, the page keeps its lesson built again, and the next page of it has it.
    wait_until(page, "!!window.fadersLessonKept", timeout=MADE_TIMEOUT_MS, polling=250)
    assert page.evaluate("window.fadersLessonKept.kept.bytes") > 1e6
    page.close()
    page = open_lesson(guard, base_url + "lessons/scale.html")
    assert started(page) == "lesson-snapshot"
    page.close()


def test_a_lesson_drawn_ahead_whose_restore_throws_is_drawn_again_cold(guard: Guarded, base_url: str) -> None:
    name = spoil(guard, base_url, {"lesson": "function", "header": 16, "resign": True})  # Pyodide's build id
    page = open_lesson(guard, base_url + "lessons/function.html")
    assert started(page) == "cold"
    assert failed_name(page) == name
    assert any("build id mismatch" in line for line in guard.console)
    # The document drawn ahead made way for the cold Python's, which is live.
    assert page.evaluate("performance.getEntriesByName('faders-embedded').length") == 2
    assert page.evaluate("document.querySelectorAll('#faders-live > *').length") == 1
    page.evaluate("faders.set({lr: 0.2})")
    assert snapshot(page)["settings"]["lr"] in (0.2, "0.2")
    page.close()


def test_corrupt_wheels_start_cold(guard: Guarded, base_url: str) -> None:
    name = spoil(guard, base_url, {"at": 1_000_000, "resign": False, "wheels": True})
    page = open_lesson(guard, base_url + "lessons/function.html")
    assert started(page) == "cold"
    assert any(f"{name}.wheels does not match its checksum" in line for line in guard.console)
    page.close()


def test_corrupt_bytes_start_cold(guard: Guarded, base_url: str) -> None:
    spoil(guard, base_url, {"at": 20_000_000, "resign": False})
    page = open_lesson(guard, base_url + "lessons/logits.html")
    assert started(page) == "cold"
    assert any("does not match its checksum" in line for line in guard.console)
    # Not tried again, nor made again: the failure is remembered.
    name = failed_name(page)
    page.close()
    page = open_lesson(guard, base_url + "lessons/logits.html")
    assert started(page) == "cold" and failed_name(page) == name
    page.wait_for_timeout(4000)  # a snapshot would be started within 3 s of ready
    assert not any("saving Python" in line for line in guard.console)
    page.close()


def test_a_stale_snapshot_is_deleted_and_a_failed_store_starts_nothing(guard: Guarded, base_url: str) -> None:
    page = guard.new_page()
    page.goto(base_url + "index.html")
    reset(page, "snapshot-00000000000000000000")  # an earlier version of the site's
    # Too little room for a new one: storing it fails (a quota error).
    session = guard.context.new_cdp_session(page)
    origin = base_url.rstrip("/")
    session.send("Storage.overrideQuotaForOrigin", {"origin": origin, "quotaSize": 1_000_000})
    lesson = open_lesson(guard, base_url + "lessons/knn.html")
    assert started(lesson) == "cold"
    wait_until(lesson, "!!window.fadersSnapshotMade", timeout=MADE_TIMEOUT_MS, polling=250)
    assert stored(lesson, "keys") == []  # the other version's snapshot is gone, no new one stored
    made = lesson.evaluate("window.fadersSnapshotMade")
    assert made["type"] == "make-failed", made
    assert failed_name(lesson) == made["name"]
    assert lesson.evaluate("document.documentElement.dataset.fadersState") == "ready"
    session.send("Storage.overrideQuotaForOrigin", {"origin": origin})
    lesson.close()
    page.close()
