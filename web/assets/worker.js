// The lesson's Python runtime: a module Web Worker that starts Pyodide with the site's packages
// (all from this site, integrity-checked), reports real progress, then relays messages between
// the page and faders.browser.PageLink.
//
// Three ways to start (see README, "Starting"): cold; from the reader's own snapshot of a started
// runtime, kept in the origin's private file system ("restore"); and, in a second worker the page
// starts once the lesson is ready, making that snapshot ("make"). The Pyodide internals all three
// rely on are in pyodide-snapshot.js.
import { loadPyodide } from "../pyodide/pyodide.mjs";
import * as snapshot from "./pyodide-snapshot.js";
import { applyHeapDelta, checkHeapDelta, heapDelta } from "./heap-delta.js";
import {
  findLessonSnapshot, findSnapshot, forgetOthers, forgetSnapshot, readLessonSnapshot, readSnapshot, readWheels,
  snapshotName, storeLessonSnapshot, storeSnapshot,
} from "./snapshot-store.js";
import { PRELUDE, SNAPSHOT_CODE, usesKeptLesson } from "./snapshot-code.js";
import { unzip } from "./unzip.js";

const PYODIDE_URL = new URL("../pyodide/", import.meta.url).href;
const WASM_URL = PYODIDE_URL + "pyodide.asm.wasm";
const SITE_PACKAGES = "/lib/python3.12/site-packages/";
// A snapshot read slower than this is given up (the page then starts cold, in the same worker).
const READ_TIMEOUT_MS = 10_000;

// Milliseconds from this worker's start to each step of starting, sent with the document (bench).
const timings = {};
const mark = (name) => {
  timings[name] = Math.round(performance.now());
};
mark("worker started");
post("started"); // the page runs Bokeh's scripts once this worker's thread is up (lesson.js)

let link = null; // the Python PageLink, once the lesson is built
const early = []; // messages from the page that arrive before the link exists

function post(type, fields = {}) {
  self.postMessage({ type, ...fields });
}

function send(kind, payload) {
  self.postMessage({ type: kind, payload });
}

// ---- downloads with progress --------------------------------------------------------------

// Bytes as unpacked (what fetch sees) give the fraction done; `wire` is what the server sends
// for the same files, brotli-compressed, which is what the reader is told.
const download = { loaded: 0, total: 0, wire: 0 };
let lastReport = 0;

function reportDownload(force = false) {
  const now = performance.now();
  if (force || now - lastReport > 100) {
    lastReport = now;
    post("progress", { stage: "download", ...download });
  }
}

async function readCounting(stream) {
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    download.loaded += value.byteLength;
    reportDownload();
  }
}

function hexToBase64(hex) {
  const bytes = hex.match(/../g).map((pair) => parseInt(pair, 16));
  return btoa(String.fromCharCode(...bytes));
}

// The files Pyodide fetches itself are fetched ahead, with a byte counter; when it asks for one it
// gets the response itself, its bytes already here or still arriving. (The wheels: fetchWheels.)
const realFetch = self.fetch.bind(self);
// The worker that makes a snapshot takes the files the lesson's worker has just fetched from the
// HTTP cache as they are, rather than ask the server again (package files are still checked
// against the lock's sha256). Files the page itself fetches are revalidated as usual.
let reuse = "default";
const prefetched = new Map();

function prefetch(url) {
  const pending = realFetch(url, { cache: reuse }).then((response) => {
    if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
    // A copy is read at once to count the bytes (and keeps the download going); the response
    // itself waits for Pyodide. Handing over the fetched response (not a new one made from its
    // bytes) lets V8 keep the wasm it compiled beside the HTTP cache's copy and reuse it.
    const done = readCounting(response.clone().body);
    return { response, done };
  });
  const done = pending.then((file) => file.done);
  // A file that cannot be fetched is fatal: say which, at once, rather than wait for Pyodide.
  done.catch((error) => post("error", { message: `Could not download ${url.split("/").pop()}: ${error.message}` }));
  prefetched.set(url, pending);
  return done;
}

self.fetch = async (input, init) => {
  // Pyodide passes URL objects; other callers may pass strings or Requests.
  const url = new URL(input instanceof Request ? input.url : String(input), self.location.href).href;
  // Pyodide asks for its wasm too, but is handed the module compiled above (pyodide-snapshot.js).
  if (url === WASM_URL && mainWasm) return new Response(new Uint8Array(0), { headers: { "content-type": "application/wasm" } });
  const pending = prefetched.get(url);
  if (!pending) return realFetch(input, init);
  prefetched.delete(url);
  return (await pending).response;
};

let lockText = null; // the lock file's text, once startDownloads() has asked for it
let askWheels = null; // starts every wheel's download (once), once startDownloads() has run
let downloads = null;
let mainWasm = null;

// Python's main wasm, from the browser's HTTP cache wherever it is there. V8 keeps the code it has
// optimised beside an HTTP cache entry, and the next page starts with that code; beside the offline
// copy's entry (Cache Storage) it keeps none, and a page then runs Python on V8's quick first compile
// until it has optimised the code again (a lesson's first render took 0.2 s longer). The URL names
// the file's sha256, so a copy cached under it is this build's; the service worker leaves such
// requests to the browser. Not in the HTTP cache: the network, which puts it there for the next page;
// failing that (offline), the offline copy, when this page has one.
let mainWasmSource = { named: null, controlled: false }; // from the page's first message
async function fetchMainWasm() {
  const { named, controlled } = mainWasmSource;
  if (!named) return realFetch(WASM_URL, { cache: reuse });
  const cached = await realFetch(named, { cache: "only-if-cached", mode: "same-origin" }).catch(() => null);
  if (cached?.ok) return cached;
  const fetched = realFetch(named, { cache: reuse });
  return controlled ? fetched.catch(() => realFetch(WASM_URL, { cache: reuse })) : fetched;
}

// Every file the start needs, asked for once (and Pyodide's script imported beside them).
function startDownloads() {
  downloads ??= downloadAll();
  return downloads;
}

async function downloadAll() {
  // Python's main wasm is compiled from the fetched response itself: V8 then keeps the compiled
  // code beside the HTTP cache's copy and reuses it on later pages (a copy made from the bytes
  // would be compiled afresh every time). Asked for first: every start waits for it. Its bytes are
  // counted once compiled; a failure is reported below.
  mainWasm = WebAssembly.compileStreaming(fetchMainWasm());
  mainWasm.then(() => mark("main wasm ready"), () => {});
  const script = import(PYODIDE_URL + "pyodide.asm.js"); // loadPyodide finds it loaded
  // The lock holds the sha256 of every package file, and names the snapshot: asked for at once.
  const lockUrl = PYODIDE_URL + "pyodide-lock.json";
  lockText = realFetch(lockUrl).then((response) => {
    if (!response.ok) throw new Error(`${lockUrl} answered ${response.status} ${response.statusText}`);
    return response.text();
  });
  const listing = await realFetch(PYODIDE_URL + "files.json");
  if (!listing.ok) throw new Error(`Could not download files.json: it answered ${listing.status} ${listing.statusText}`);
  const files = await listing.json();
  for (const file of files) {
    if (file.url.endsWith(".mjs") || file.url.endsWith(".asm.js")) continue; // scripts, not fetched
    download.total += file.bytes;
    download.wire += file.compressed ?? file.bytes;
  }
  reportDownload(true);
  const wasmBytes = files.find((file) => file.url === "pyodide.asm.wasm")?.bytes ?? 0;
  const wasm = mainWasm.then(() => {
    download.loaded += wasmBytes;
    reportDownload(true);
  });
  wasm.catch((error) => post("error", { message: `Could not download pyodide.asm.wasm: ${error.message}` }));
  prefetch(PYODIDE_URL + "python_stdlib.zip");
  // Pyodide reads the same copy of the lock.
  prefetched.set(lockUrl, lockText.then((text) => {
    download.loaded += text.length;
    return { response: new Response(text, { headers: { "content-type": "application/json" } }) };
  }));
  lockText.catch((error) => post("error", { message: `Could not download the lock file: ${error.message}` }));
  // Python cannot start before the wasm is here, so it comes first; the packages follow, and
  // arrive while Python starts. A restore reads them from beside its snapshot and never asks.
  // (A failed download has already said so: nothing more to report.)
  let wheelsAsked = null;
  askWheels = () => {
    if (wheelsAsked) return wheelsAsked;
    // The downloads' worker starts at once, while this thread is free to start it. Should it fail
    // to, that is heard now, before any wheel is asked of it.
    const fetcher = new Worker(new URL("./fetcher.js", import.meta.url), { type: "module" });
    const fetcherFailed = new Promise((_, reject) => {
      fetcher.onerror = (event) => {
        event.preventDefault();
        reject(new Error(`the downloads' worker failed (${event.message || "it did not start"})`));
      };
    });
    fetcherFailed.catch(() => {}); // reported once the wheels are asked of it (fetchWheels)
    wheelsAsked = Promise.all([wasm, lockText]).then(([, text]) => {
      const sizes = new Map(files.map((file) => [file.url, file.bytes]));
      fetchWheels(fetcher, fetcherFailed, Object.values(JSON.parse(text).packages).map((p) => ({
        url: PYODIDE_URL + p.file_name, sha256: p.sha256, bytes: sizes.get(p.file_name) ?? 0,
      })));
    });
    wheelsAsked.catch(() => fetcher.terminate()); // no wasm or no lock: nothing to fetch
    return wheelsAsked;
  };
  await script;
}

// The wheels, each a promise of its bytes by URL, downloaded by `fetcher`, a worker of their own
// (fetcher.js): Python's start-up holds this worker's thread while they arrive. They are checked
// against the lock's sha256 (subresource integrity) as they are fetched. `failed` rejects if that
// worker fails.
const wheelDownloads = new Map();

function fetchWheels(fetcher, failed, wheels) {
  const waiting = new Map();
  for (const wheel of wheels) {
    wheelDownloads.set(wheel.url, new Promise((resolve, reject) => waiting.set(wheel.url, { ...wheel, resolve, reject })));
  }
  fetcher.onmessage = ({ data }) => {
    const wheel = waiting.get(data.url);
    waiting.delete(data.url);
    if (!waiting.size) fetcher.terminate();
    if (data.error) {
      post("error", { message: `Could not download ${data.url.split("/").pop()}: ${data.error}` });
      return wheel.reject(new Error(data.error));
    }
    download.loaded += wheel.bytes;
    reportDownload();
    wheel.resolve(new Uint8Array(data.bytes));
  };
  failed.catch((error) => {
    post("error", { message: `Could not download the packages: ${error.message}` });
    for (const wheel of waiting.values()) wheel.reject(error);
  });
  fetcher.postMessage({
    cache: reuse,
    files: wheels.map(({ url, sha256 }) => ({ url, integrity: `sha256-${hexToBase64(sha256)}` })),
  });
}

// ---- start-up -----------------------------------------------------------------------------

// The WebGPU engine, for lessons that multiply matrices: started alongside Python, handed to it.
async function startGpu() {
  try {
    const { createGpu } = await import("./gpu.js");
    return await createGpu(new URL("matmul.wgsl", import.meta.url).href);
  } catch (error) {
    return { available: false, reason: `starting WebGPU failed (${error.message || error})` };
  }
}

// Every file of every wheel in the lock (sorted by file name: the .so files then always come in the
// same order), fetched through the prefetches above, or read beside a snapshot (`stored`: a promise
// of [{file, data}]), and unpacked. The wheels are kept as they came, for a snapshot made here.
let wheelZips = null;
async function packageFiles(stored) {
  const wheels = Object.values(JSON.parse(await lockText).packages).map((p) => p.file_name).sort();
  if (stored) {
    wheelZips = await stored;
    const names = wheelZips.map((wheel) => wheel.file).join(" ");
    if (names !== wheels.join(" ")) throw new Error(`the snapshot's wheels are ${names}, not the lock's`);
  } else {
    await askWheels();
    const zips = await Promise.all(wheels.map((wheel) => wheelDownloads.get(PYODIDE_URL + wheel)));
    wheelZips = wheels.map((file, i) => ({ file, data: zips[i] }));
    mark("wheels fetched");
  }
  const files = wheelZips.flatMap((wheel) => unzip(wheel.data));
  mark("wheels unpacked");
  return files;
}

// The package files and their compiled .so, asked for once: a restore asks as soon as it finds its
// snapshot (and hands over the wheels stored with it), so that they are ready when the heap is read.
// `forget()`: a restore that failed hands over to a cold start, which fetches the wheels afresh.
let packages = null;
function preparePackages(stored = null) {
  if (packages) return packages;
  const files = packageFiles(stored);
  const dynlibs = files.then((list) => snapshot.compileDynlibs(list, SITE_PACKAGES)).then((libs) => {
    mark(".so compiled");
    return libs;
  });
  packages = { files, dynlibs, forget: () => { packages = null; } };
  // Whoever awaits them reports a failure; until then it is not an unhandled one.
  files.catch(() => {});
  dynlibs.catch(() => {});
  return packages;
}

// Start Pyodide: cold, to make a snapshot (`make`), or from one (`restore`: {bytes, meta}).
async function startPython({ make = false, restore = null } = {}) {
  await startDownloads();
  const { files, dynlibs } = preparePackages();
  const failed = snapshot.hookModule({
    files,
    dynlibs,
    sitePackages: SITE_PACKAGES,
    tableLength: restore ? restore.meta.tableLength : null,
    mainWasm,
    late: !make && !restore,
    mark,
  });
  const options = {
    indexURL: PYODIDE_URL,
    lockFileURL: PYODIDE_URL + "pyodide-lock.json",
    stdout: (text) => console.log(text),
    stderr: (text) => console.warn(text),
    ...(make ? { _makeSnapshot: true } : {}),
    ...(restore ? snapshot.restoreOptions(restore.bytes) : {}),
  };
  const pyodide = await Promise.race([loadPyodide(options), failed]);
  mark("Python started");
  if (!make && !restore) await snapshot.installLate(pyodide, { files, dynlibs, sitePackages: SITE_PACKAGES, mark });
  reportDownload(true);
  return pyodide;
}

// The lesson `slug` kept built on the snapshot `name` (see tryLesson), read and checked: its
// metadata and its delta from the base heap; null (and a console line) if there is none or it
// cannot be used, and the page restores the base instead.
async function readBuiltLesson(name, meta, slug) {
  try {
    const lesson = await findLessonSnapshot(name, meta, slug);
    if (!lesson) return null;
    const delta = await readLessonSnapshot(name, slug, lesson);
    return { meta: lesson, delta, layout: checkHeapDelta(delta) };
  } catch (error) {
    console.info(`Faders: the lesson kept built is not used (${describe(error)}).`);
    return null;
  }
}

// Where the base snapshot is read for a lesson's (heap-delta.js, checkHeapDelta): its bytes go at
// `shift` in the lesson's; a negative shift is taken up by `pad` bytes before the lesson's start.
function basePlace({ bytes, shift }) {
  const pad = Math.max(0, -shift);
  return { capacity: pad + bytes, at: pad + shift, pad };
}

// The reader's snapshot for this version of the site, read and checked; null if there is none,
// the private file system cannot be used, or it cannot be read. `name` is null when it cannot even be named.
// With `slug`, the heap is that lesson's, built, where one is kept (`built`: true); `ahead(document)`
// is then handed the document it rendered, for the page to draw while Python is restored.
async function findOwnSnapshot(failedName, stage, slug = null, ahead = null) {
  let name = null;
  try {
    name = await snapshotName(await lockText, SNAPSHOT_CODE);
    mark("snapshot named");
    if (name === failedName) return { name, failed: true };
    const meta = await findSnapshot(name);
    if (!meta) return { name };
    mark("snapshot found");
    const built = slug ? await readBuiltLesson(name, meta, slug) : null;
    if (built && ahead) ahead(built.meta.document);
    // The wheels first (22 MB): numpy's .so then compile on other threads while the heap is read.
    await preparePackages(readWheels(name, meta, mark)).files;
    stage("reading", { name, loaded: 0, total: meta.bytes });
    const place = built ? basePlace(built.layout) : undefined;
    let last = 0;
    const bytes = await readSnapshot(name, meta, (loaded, total) => {
      if (performance.now() - last > 100) {
        last = performance.now();
        stage("reading", { name, loaded, total });
      }
    }, READ_TIMEOUT_MS, mark, place);
    mark("snapshot checked");
    if (!built) return { name, restore: { bytes, meta } };
    // The lesson's snapshot: the base's bytes where it wants them, then the words that differ.
    const lessonBytes = bytes.subarray(place.pad, place.pad + built.layout.bytes);
    applyHeapDelta(lessonBytes, built.delta);
    mark("lesson's heap made");
    return { name, restore: { bytes: lessonBytes, meta: built.meta }, built: true };
  } catch (error) {
    packages?.forget();
    console.info(`Faders: starting without a snapshot (${describe(error)}).`);
    if (name) post("snapshot-failed", { name, reason: describe(error) });
    return { name, failed: true };
  }
}

// `trial`: restore the snapshot just stored and render the lesson, then only say how it went (the
// page's trial of a new snapshot); nothing is started without a snapshot. With `keep`, the lesson
// so built is kept as a snapshot of its own (tryLesson).
async function start(slug, query, wantsGpu, {
  allowSnapshot = true, failedSnapshot = null, forget = null, trial = false, keep = false,
} = {}) {
  const began = performance.now();
  const stage = (name, fields = {}) => post("progress", { stage: name, elapsed: performance.now() - began, ...fields });
  const gpu = wantsGpu ? startGpu() : Promise.resolve(null);
  if (forget) forgetSnapshot(forget).catch(() => {});
  await startDownloads();
  mark("script imported");
  // A lesson kept built: its document can go to the page before Python is back.
  let sentAhead = null;
  const ahead = usesKeptLesson(query, wantsGpu) ? (document) => {
    sentAhead = document;
    post("document", { payload: document });
    mark("document sent");
  } : null;
  const found = allowSnapshot ? await findOwnSnapshot(failedSnapshot, stage, trial ? null : slug, ahead) : { name: null };
  const restored = Boolean(found.restore);
  if (trial && !restored) {
    post("tried", { restored: false });
    return false;
  }
  let pyodide;
  if (restored) {
    stage("restoring");
    // The base heap, which a lesson kept built is stored as a change of.
    const base = keep ? { bytes: found.restore.bytes.slice(), checksum: found.restore.meta.checksum } : null;
    try {
      // Only a session started to make a snapshot can take one (pyodide-snapshot.js, takeSnapshot).
      pyodide = await startPython({ restore: found.restore, make: keep });
      snapshot.afterRestore(pyodide, found.restore.meta, found.restore.bytes);
      mark("after restore");
    } catch (error) {
      // Python may be half-restored: the page starts a fresh worker, cold.
      post("snapshot-failed", { name: found.name, reason: describe(error), restart: true });
      return false;
    }
    found.restore = null; // the bytes are Python's heap now
    if (trial) return tryLesson(pyodide, slug, found.name, base, began);
  } else {
    stage("packages");
    pyodide = await startPython();
    stage("import");
    pyodide.runPython(PRELUDE);
    mark("imported");
  }
  self.pyodide = pyodide; // Python at hand from the browser's console, for whoever looks into a lesson
  const startLesson = pyodide.runPython("start");
  link = startLesson(slug, JSON.stringify(query), send, await gpu);
  mark("lesson built");
  stage("render");
  const doc = link.render();
  mark("rendered");
  // What start-up made stays for the page's life: later collections need not look at it again.
  pyodide.runPython("import gc; gc.freeze(); gc.enable()");
  post("render", {
    payload: doc === sentAhead ? null : doc, elapsed: performance.now() - began, timings, origin: performance.timeOrigin,
    path: found.built ? "lesson-snapshot" : restored ? "snapshot" : "cold",
  });
  // No snapshot for this version yet (and none failed): the page may have one made, once ready.
  if (found.name && !found.failed && !restored) {
    forgetOthers(found.name).catch(() => {});
    post("snapshot-wanted", { name: found.name });
  }
  // Restored, but without this lesson kept built: the page may keep it, once ready.
  if (restored && !found.built) post("lesson-wanted", { name: found.name });
  return true;
}

// The trial of a restored snapshot: the lesson built and rendered at its defaults (not drawn), as its
// page will. With the base heap (`base`: its bytes), the lesson is then kept built: the heap is
// stored as the words that differ from the base's (with the base's checksum, so that it is never put
// on another), and the lesson's page restores it with its lesson and document at hand
// (faders.browser.prebuild and start). Says how it went ("tried").
async function tryLesson(pyodide, slug, name, base, began) {
  const document = pyodide.runPython("from faders.browser import prebuild; prebuild")(slug);
  const ms = performance.now() - began;
  let kept = null;
  if (base) {
    try {
      const { bytes, meta } = snapshot.takeSnapshot(pyodide);
      const delta = heapDelta(base.bytes, bytes);
      const stored = await storeLessonSnapshot(name, slug, delta, { ...meta, base: base.checksum, document });
      kept = { bytes: stored.bytes };
    } catch (error) {
      kept = { reason: describe(error) };
    }
  }
  post("tried", { restored: true, ms, kept });
  return false;
}

// A second worker, started by the page once its lesson is ready: start Python as a restore will
// find it, run every lesson's imports, take the snapshot and store it. Its heap is then dropped.
async function make() {
  const began = performance.now();
  let name = null;
  try {
    await startDownloads();
    name = await snapshotName(await lockText, SNAPSHOT_CODE);
    const pyodide = await startPython({ make: true });
    pyodide.runPython(SNAPSHOT_CODE);
    const ready = performance.now();
    const { bytes, meta } = snapshot.takeSnapshot(pyodide);
    const taken = performance.now();
    const stored = await storeSnapshot(name, bytes, meta, wheelZips);
    post("made", {
      name, bytes: stored.bytes, startMs: ready - began, takeMs: taken - ready, storeMs: performance.now() - taken,
    });
  } catch (error) {
    post("make-failed", { name, reason: describe(error) });
  }
}

function handle(message) {
  if (message.type === "rendered") {
    link.rendered();
  } else if (message.type === "patch") {
    try {
      link.receive_patch(message.payload);
    } finally {
      post("idle");
    }
  } else if (message.type === "drawn") {
    link.drawn();
  } else if (message.type === "call") {
    link.call(message.id, message.method, JSON.stringify(message.argument ?? null));
  }
}

const describe = (error) => String(error && error.message ? error.message : error);

// A failure of Python itself (Pyodide's "fatal error": out of memory, a crash in compiled code)
// ends the lesson; any other failure is reported, and the lesson carries on.
function report(error) {
  post(error && error.pyodide_fatal_error ? "fatal" : "error", { message: describe(error) });
}

self.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  report(event.reason);
});

self.onmessage = (event) => {
  const message = event.data;
  if (message.mainWasm) mainWasmSource = message.mainWasm;
  if (message.type === "start") {
    start(message.slug, message.query, message.gpu, message).then((started) => {
      if (started) early.splice(0).forEach(handle);
    }, report);
  } else if (message.type === "trial") {
    start(message.slug, {}, false, { trial: true, keep: message.keep }).catch(report);
  } else if (message.type === "make") {
    reuse = "force-cache";
    make();
  } else if (link === null) {
    early.push(message);
  } else {
    try {
      handle(message);
    } catch (error) {
      report(error);
    }
  }
};
