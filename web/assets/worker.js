// The lesson's Python runtime: a module Web Worker that loads Pyodide and the site's packages
// (all from this site, integrity-checked), reports real download progress, then relays
// messages between the page and faders.browser.PageLink.
import { loadPyodide } from "../pyodide/pyodide.mjs";

const PYODIDE_URL = new URL("../pyodide/", import.meta.url).href;
const PANEL_STATIC_URL = new URL("../static/panel/", import.meta.url).href;

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

// Every file Pyodide will ask for is fetched ahead, with a byte counter; when Pyodide asks, it
// gets a stream of the bytes (already here, or still arriving: the wasm is compiled as it
// streams in). Package files carry the lock's sha256, which the browser checks (subresource
// integrity) before handing them over.
const realFetch = self.fetch.bind(self);
const prefetched = new Map();

function prefetch(url, sha256) {
  const options = sha256 ? { integrity: `sha256-${hexToBase64(sha256)}` } : {};
  const pending = realFetch(url, options).then((response) => {
    if (!response.ok) throw new Error(`${url} answered ${response.status} ${response.statusText}`);
    // One branch is read at once to count the bytes (and keeps the download going); the other
    // buffers them until Pyodide reads it.
    const [counted, kept] = response.body.tee();
    const done = readCounting(counted);
    return { body: kept, type: response.headers.get("content-type") || "", done };
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
  const pending = prefetched.get(url);
  if (!pending) return realFetch(input, init);
  prefetched.delete(url);
  const { body, type } = await pending;
  return new Response(body, { status: 200, headers: { "content-type": type } });
};

async function startDownloads() {
  const listing = await realFetch(PYODIDE_URL + "files.json");
  if (!listing.ok) throw new Error(`Could not download files.json: it answered ${listing.status} ${listing.statusText}`);
  const files = await listing.json();
  for (const file of files) {
    if (file.url.endsWith(".mjs") || file.url.endsWith(".asm.js")) continue; // scripts, not fetched
    download.total += file.bytes;
    download.wire += file.compressed ?? file.bytes;
  }
  reportDownload(true);
  const wasm = prefetch(PYODIDE_URL + "pyodide.asm.wasm");
  prefetch(PYODIDE_URL + "python_stdlib.zip");
  // The lock holds the sha256 of every package file. Pyodide reads the same copy.
  const lockUrl = PYODIDE_URL + "pyodide-lock.json";
  const lockText = realFetch(lockUrl).then((response) => {
    if (!response.ok) throw new Error(`${lockUrl} answered ${response.status} ${response.statusText}`);
    return response.text();
  });
  prefetched.set(lockUrl, lockText.then((text) => {
    download.loaded += text.length;
    return { body: text, type: "application/json" };
  }));
  lockText.catch((error) => post("error", { message: `Could not download the lock file: ${error.message}` }));
  // Python cannot start before the wasm is here, so it comes first; the packages follow, and
  // arrive while Python starts. (A failed download has already said so: nothing more to report.)
  Promise.all([wasm, lockText]).then(([, text]) => {
    const sha = new Map(Object.values(JSON.parse(text).packages).map((p) => [p.file_name, p.sha256]));
    for (const file of files) {
      if (sha.has(file.url)) prefetch(PYODIDE_URL + file.url, sha.get(file.url));
    }
  }, () => {});
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

async function start(slug, query, wantsGpu) {
  const began = performance.now();
  const stage = (name) => post("progress", { stage: name, elapsed: performance.now() - began });
  const gpu = wantsGpu ? startGpu() : Promise.resolve(null);
  // Pyodide's own script is imported at once, beside the downloads (loadPyodide finds it loaded).
  const script = import(PYODIDE_URL + "pyodide.asm.js");
  await startDownloads();
  await script;
  const pyodide = await loadPyodide({
    indexURL: PYODIDE_URL,
    lockFileURL: PYODIDE_URL + "pyodide-lock.json",
    stdout: (text) => console.log(text),
    stderr: (text) => console.warn(text),
  });
  self.pyodide = pyodide; // Python at hand from the browser's console, for whoever looks into a lesson
  stage("packages");
  await pyodide.loadPackage(["faders"], {
    messageCallback: () => {},
    errorCallback: (text) => console.warn(text),
  });
  reportDownload(true);
  stage("import");
  pyodide.runPython(`
# Start-up allocates hundreds of thousands of objects that all live on: collecting cycles among
# them is wasted work. Collection resumes once the lesson is drawn (see below).
import gc
gc.disable()
import os
os.environ["PANEL_CDN_ROOT"] = ${JSON.stringify(PANEL_STATIC_URL)}
import pyodide.ffi
# Panel 1.10 refers to pyodide.ffi.jsnull, which Pyodide adds only in 0.28; in 0.27 JS null
# already arrives as None, so a unique placeholder is the faithful stand-in.
if not hasattr(pyodide.ffi, "jsnull"):
    pyodide.ffi.jsnull = object()
`);
  const startLesson = pyodide.runPython("from faders.browser import start; start");
  link = startLesson(slug, JSON.stringify(query), send, await gpu);
  stage("render");
  const doc = link.render();
  // What start-up made stays for the page's life: later collections need not look at it again.
  pyodide.runPython("import gc; gc.freeze(); gc.enable()");
  post("render", { payload: doc, elapsed: performance.now() - began });
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
  if (message.type === "start") {
    start(message.slug, message.query, message.gpu).then(() => early.splice(0).forEach(handle), report);
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
