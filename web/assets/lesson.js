// A lesson page: starts the Python worker, shows real loading progress, draws the lesson with
// Bokeh when Python has built it, keeps page and worker in sync, keeps the URL and the embed
// snippet in step with the knobs, and offers the automation API (window.faders, postMessage).
import { listen, loadInsideStyles, refresh } from "./access.js";
import { goToPlace } from "./places.js";

const page = JSON.parse(document.getElementById("faders-page").textContent);
// Python's main wasm under a name that carries its sha256 (worker.js, fetchMainWasm).
const NAMED_WASM = new URL(`../pyodide/pyodide.asm.wasm?sha256=${page.mainWasm}`, import.meta.url).href;
// Fetched beside the worker's start rather than before it; needed only when the lesson is drawn.
const bokehRedraws = import("./bokeh-redraws.js");
const root = document.documentElement;
const $ = (id) => document.getElementById(id);
const MB = (bytes) => (bytes / 1e6).toFixed(1);

// ---- ready promise and automation API -----------------------------------------------------

let markReady, markFailed;
const ready = new Promise((resolve, reject) => {
  markReady = resolve;
  markFailed = reject;
});
ready.catch(() => {}); // failure is shown on the page; callers of faders.ready see it too

const pendingCalls = new Map();
let nextCallId = 1;
let worker = null;
let deadReason = null; // why the lesson cannot go on, once it cannot

function call(method, argument) {
  return ready.then(
    () =>
      new Promise((resolve, reject) => {
        if (deadReason !== null) return reject(new Error(deadReason));
        const id = nextCallId++;
        pendingCalls.set(id, { resolve, reject });
        worker.postMessage({ type: "call", id, method, argument });
      }),
  );
}

window.faders = {
  ready,
  get: () => call("get"),
  set: (settings) => call("set", settings),
  run: (action) => call("run", action),
  // How many updates from Python the page has drawn so far (a benchmark counts redraws with it).
  get drawn() {
    return patchesDrawn;
  },
};

function tellHost(message) {
  if (window.parent !== window) window.parent.postMessage({ faders: message }, "*");
}

// The same API across an iframe: {faders: {id, method: "get"|"set"|"run"|"ready", argument}}.
window.addEventListener("message", async (event) => {
  const request = event.data && event.data.faders;
  if (!request || typeof request !== "object" || typeof request.method !== "string") return;
  const reply = (body) =>
    event.source && event.source.postMessage({ faders: { id: request.id, ...body } }, "*");
  try {
    let result;
    if (request.method === "ready") result = await ready.then(() => true);
    else if (["get", "set", "run"].includes(request.method))
      result = await window.faders[request.method](request.argument);
    else throw new Error(`Unknown method '${request.method}': use ready, get, set or run.`);
    reply({ result });
  } catch (error) {
    reply({ error: String(error && error.message ? error.message : error) });
  }
});

// ---- loading progress and failure ---------------------------------------------------------

const STAGES = {
  download: "Downloading Python and the lesson's packages",
  reading: "Reading Python as saved in this browser",
  restoring: "Restoring Python",
  packages: "Installing packages",
  import: "Starting Panel and the lesson",
  render: "Drawing the lesson",
};
let downloaded = { loaded: 0, total: 0 };
let stageName = "download";
let restoring = false; // Python comes from this browser's storage: nothing is downloaded

// Silence from the worker for this long while loading means something hangs (a request that
// never completes, a stuck import): say so rather than leave the bar waiting forever.
const STALL_MS = 30_000;
let lastSignOfLife = performance.now();
const stallWatch = setInterval(() => {
  if (root.dataset.fadersState !== "loading") return clearInterval(stallWatch);
  if (performance.now() - lastSignOfLife > STALL_MS) {
    clearInterval(stallWatch);
    fail("Loading has stalled: nothing has arrived for 30 seconds. Check your connection.");
  }
}, 1000);

function showProgress(message) {
  lastSignOfLife = performance.now();
  if (message.stage === "download") downloaded = message;
  else stageName = message.stage;
  if (stageName === "reading") restoring = true;
  if (stageName === "packages") restoring = false; // the saved copy failed: a cold start
  if (stageName === "reading" && message.total) {
    // The saved runtime, read from this browser's storage (nothing is downloaded meanwhile).
    $("faders-progress").value = Math.round((message.loaded / message.total) * 100);
    $("faders-stage").textContent = STAGES.reading + "…";
    $("faders-bytes").textContent = `${MB(message.loaded)} of ${MB(message.total)} MB`;
    return;
  }
  if (restoring) {
    $("faders-stage").textContent = STAGES[stageName] + "…";
    $("faders-bytes").textContent = "";
    return;
  }
  const fraction = downloaded.total ? Math.min(1, downloaded.loaded / downloaded.total) : 0;
  $("faders-progress").value = Math.round(fraction * 100);
  $("faders-stage").textContent = STAGES[stageName] + "…";
  $("faders-bytes").textContent = downloaded.total
    ? `${MB(fraction * downloaded.wire)} of ${MB(downloaded.wire)} MB`
    : "";
}

// The lesson cannot go on (it could not start, its worker died, the page lost step with Python):
// say so in words with a way out, stop the worker, and fail every pending and later API call.
function fail(message) {
  if (deadReason !== null) return;
  deadReason = message;
  const started = root.dataset.fadersState === "ready";
  root.dataset.fadersState = "error";
  $("faders-loader").hidden = true;
  if (started) {
    $("faders-error-title").textContent = "The lesson stopped working.";
    $("faders-error-advice").textContent =
      "What you see below no longer changes. Reload the lesson to start it again; your settings are kept in the address.";
    $("faders-live").inert = true;
  }
  $("faders-error-detail").textContent = message;
  $("faders-error").hidden = false;
  markFailed(new Error(message));
  for (const { reject } of pendingCalls.values()) reject(new Error(message));
  pendingCalls.clear();
  worker?.terminate();
  tellHost({ event: "error", message });
}

$("faders-reload").addEventListener("click", () => location.reload());

// Notices about refused settings (replaced with each change) and problems met after start-up
// (the latest few kept: a failing action must not take the page down, but the reader should know).
let settingNotices = [];
const problems = [];
const PROBLEMS_SHOWN = 3;

function showNotices() {
  const list = $("faders-notices");
  const texts = [...settingNotices, ...problems];
  list.replaceChildren(
    ...texts.map((text) => Object.assign(document.createElement("li"), { textContent: text })),
  );
  list.hidden = texts.length === 0;
}

function problem(message) {
  problems.push(
    `Something went wrong in the lesson's Python code (${message}). The lesson carries on: ` +
      "try again, or press Reset; if it keeps happening, reload the page.",
  );
  problems.splice(0, problems.length - PROBLEMS_SHOWN);
  showNotices();
  tellHost({ event: "error", message });
}

// ---- settings in the URL and the embed snippet --------------------------------------------

const embedded = new URLSearchParams(location.search).get("embed") === "1";
// The engine a link asks for (?backend=numpy|webgpu) is the page's, not a knob: links keep it.
const chosenBackend = new URLSearchParams(location.search).get("backend");
let urlTimer = null;

// Commas separate the items of a list setting (labels=cat,dog,car) and colons a point's x and y
// (fpoints=0.5:1); a query needs no escape for either.
const queryText = (query) => String(query).replaceAll("%2C", ",").replaceAll("%3A", ":");

function showSettings({ settings, notices }) {
  settingNotices = notices;
  showNotices();
  const query = new URLSearchParams(settings);
  if (page.gpu && chosenBackend !== null) query.set("backend", chosenBackend);
  if (embedded) query.set("embed", "1");
  const search = `?${queryText(query)}`; // now: the embed snippet's query below adds embed=1
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => history.replaceState(null, "", search + location.hash), 250);
  // The canonical link keeps the settings (a shared page opens as the reader sees it), not embed=1.
  let canonical = document.querySelector('link[rel="canonical"]');
  if (!canonical) {
    canonical = Object.assign(document.createElement("link"), { rel: "canonical" });
    document.head.append(canonical);
  }
  const url = new URL(location.pathname, location.href);
  url.search = queryText(new URLSearchParams(settings));
  canonical.href = url.href;
  query.set("embed", "1");
  const src = new URL(`?${queryText(query)}`, location.href).href;
  $("faders-embed-code").value =
    `<iframe src="${src}" title="Faders: ${page.title}" width="100%" height="${page.embedHeight}" ` +
    `style="border:0" loading="lazy"></iframe>`;
}

$("faders-embed-copy")?.addEventListener("click", async () => {
  const field = $("faders-embed-code");
  field.select();
  try {
    await navigator.clipboard.writeText(field.value);
    $("faders-embed-copied").textContent = "Copied.";
  } catch {
    $("faders-embed-copied").textContent = "Selected: press Ctrl+C (⌘C) to copy.";
  }
});

// ---- drawing with Bokeh and keeping the two documents in step -----------------------------

let jsdoc = null;
let patching = 0;
let busy = false;
let queued = [];

function sendChange(event) {
  if (patching > 0) return;
  if (busy && event.model && event.attr) {
    // While the worker is busy, only the latest value of each property matters.
    queued = queued.filter((e) => !(e.model === event.model && e.attr === event.attr));
    queued.push(event);
    return;
  }
  sendEvents([event]);
}

function sendEvents(events) {
  busy = true;
  worker.postMessage({ type: "patch", payload: JSON.stringify(jsdoc.create_json_patch(events)) });
}

// Patches from Python are applied event by event, yielding to the browser whenever a batch
// has taken longer than a frame, so that no change from Python ever blocks the page for long.
const patchQueue = [];
let draining = false;
const nextTask = () => new Promise((resolve) => setTimeout(resolve, 0));

function queuePatch(patch) {
  patchQueue.push(patch);
  if (!draining) drainPatches();
}

// Each patch is acknowledged once applied and the browser has had a turn to paint it: Python sends
// the next one only then, so the page never falls behind however fast Python changes things.
let patchesDrawn = 0;

async function drainPatches() {
  draining = true;
  let started = performance.now();
  while (patchQueue.length) {
    const { events } = patchQueue.shift();
    for (const event of events) {
      patching += 1;
      try {
        jsdoc.apply_json_patch({ events: [event] }, new Map());
      } catch (error) {
        // The page's copy of the lesson no longer matches Python's: nothing after this is safe.
        draining = false;
        return fail(`The page could not draw an update from the lesson (${error.message || error}).`);
      } finally {
        patching -= 1;
      }
      if (performance.now() - started > 16) {
        await nextTask();
        started = performance.now();
      }
    }
    await nextTask();
    refresh();
    patchesDrawn += 1;
    worker.postMessage({ type: "drawn" });
  }
  draining = false;
}

// Bokeh's and Panel's scripts (preloaded by the page, at low priority: at high priority they held
// back a first visit's downloads), run in order. On a page the offline copy serves (a later visit,
// which restores a snapshot) they run once the worker's thread is up: run before it, they held the
// page's thread for 0.15-0.2 s just when the browser had the worker's script and needed that thread
// to start it. On a first visit they run at once, as the page loads: there, run alongside the
// worker's start, they made it about 0.1 s longer.
let bokehLoaded = null;
function loadBokeh() {
  bokehLoaded ??= Promise.all(page.scripts.map((src) => new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.async = false; // run in the order given, as soon as each is here
    script.src = new URL(src, location.href).href;
    script.onload = resolve;
    script.onerror = () => reject(new Error(`${src.split("/").pop()} could not be loaded`));
    document.head.append(script);
  }))).then(() => performance.mark("faders-scripts"));
  return bokehLoaded;
}

// The lesson's document drawn; then the page is live once Python says it holds the same document.
// A lesson kept built in the reader's snapshot is drawn ahead, while its Python is restored: the
// page finds its document itself, and the worker sends it too ("document"); "render" then comes
// without one. Should that Python fail (the page then starts one afresh), "render" brings another
// document, which replaces it.
let drawnAhead = null;
let aheadPayload = null; // the document drawn ahead
let renderCame = false; // Python's own "render" is here: nothing more is drawn ahead
let shown = null; // the drawn document's root views

// The worker sends the document once it has checked the lesson it restores: its copy wins should
// the page's own (findKeptDocument) ever differ (the lesson kept again, by another page, between
// the two reads).
function drawAhead(payload, fromWorker) {
  if (renderCame || deadReason !== null || payload === aheadPayload) return;
  if (drawnAhead && !fromWorker) return;
  performance.mark("faders-document");
  const drawn = drawnAhead ? drawnAhead.then(undraw, () => {}) : Promise.resolve();
  aheadPayload = payload;
  drawnAhead = drawn.then(() => embed(payload));
  drawnAhead.catch(() => {}); // said when the lesson goes live (draw)
}

// The document of this lesson kept built in the reader's snapshot, looked up by the page itself
// while the worker is still importing Pyodide's script, when the page's thread is often idle: it
// is drawn 0.15 s sooner (README). The worker reads and checks the same lesson before restoring it;
// should that fail, its "render" brings the document Python built afresh, which replaces this one.
// Null where there is none to draw, or where this page's Python will not use it.
async function findKeptDocument(failedName) {
  const [store, code, lock] = await Promise.all([
    import("./snapshot-store.js"),
    import("./snapshot-code.js"),
    fetch(new URL("../pyodide/pyodide-lock.json", import.meta.url)).then((response) => response.text()),
  ]);
  if (!code.usesKeptLesson(linkQuery(), startsGpu())) return null;
  const name = await store.snapshotName(lock, code.SNAPSHOT_CODE);
  if (name === failedName) return null;
  const meta = await store.findSnapshot(name);
  const lesson = meta && await store.findLessonSnapshot(name, meta, page.slug);
  return lesson ? lesson.document : null;
}

async function draw(payload) {
  if (payload === null) {
    await drawnAhead;
  } else {
    if (drawnAhead) await drawnAhead.then(undraw, () => {});
    await embed(payload);
  }
  worker.postMessage({ type: "rendered" });
  root.dataset.fadersState = "ready";
  performance.mark("faders-ready");
  markReady();
  tellHost({ event: "ready" });
  goToPlace();
}

async function embed(payload) {
  await new Promise((resolve) =>
    document.readyState === "loading"
      ? document.addEventListener("DOMContentLoaded", resolve, { once: true })
      : resolve(),
  );
  const { docs_json, render_items, root_ids } = JSON.parse(payload);
  render_items[0].roots = { [root_ids[0]]: "faders-live" };
  render_items[0].root_ids = root_ids;
  await loadBokeh();
  (await bokehRedraws).lightenRedraws(window.Bokeh, window); // before the first redraw
  const [views] = await window.Bokeh.embed.embed_items(docs_json, render_items);
  shown = views;
  performance.mark("faders-embedded");
  jsdoc = [...views.roots.values()][0].model.document;
  jsdoc.on_change(sendChange, false);
  await insideStyles;
  refresh([...views.roots.values()]);
  listen(jsdoc, $("faders-announce"));
  $("faders-preview").hidden = true;
  $("faders-loader").hidden = true;
}

function undraw() {
  for (const view of shown.roots.values()) view.remove();
  $("faders-live").replaceChildren();
  jsdoc = null;
  busy = false; // what the reader changed there went to the Python that failed
  queued = [];
}

function onWorkerMessage({ data: message }) {
  switch (message.type) {
    case "started":
      return void loadBokeh().catch(() => {}); // a failure is reported when the lesson is drawn
    case "progress":
      if (message.stage !== "download") performance.mark(`faders-stage-${message.stage}`);
      if (message.name) snapshotName = message.name;
      if (message.stage === "reading" || message.stage === "restoring") watchRestore();
      return showProgress(message);
    case "document":
      return drawAhead(message.payload, true);
    case "render":
      clearTimeout(restoreWatch);
      renderCame = true;
      if (!drawnAhead) performance.mark("faders-document");
      root.dataset.fadersStart = message.path;
      // The worker's clock starts with the worker: its steps on the page's clock, for the bench.
      window.fadersStartTimings = Object.fromEntries(Object.entries(message.timings ?? {}).map(
        ([step, ms]) => [step, ms + message.origin - performance.timeOrigin]));
      showProgress({ stage: "render" });
      return draw(message.payload).catch((error) => fail(`Drawing failed: ${error.message}`));
    case "snapshot-failed":
      return snapshotFailed(message);
    case "snapshot-wanted":
      return ready.then(() => makeSnapshotLater(message.name), () => {});
    case "lesson-wanted":
      return ready.then(() => keepLessonLater(message.name), () => {});
    case "patch":
      return queuePatch(JSON.parse(message.payload));
    case "idle":
      if (queued.length) {
        const events = queued;
        queued = [];
        return sendEvents(events);
      }
      busy = false;
      return;
    case "state": {
      const state = JSON.parse(message.payload);
      showSettings(state);
      return tellHost({ event: "change", settings: state.settings });
    }
    case "result": {
      const { id, result, error } = JSON.parse(message.payload);
      const pending = pendingCalls.get(id);
      pendingCalls.delete(id);
      if (pending) error === undefined ? pending.resolve(result) : pending.reject(new Error(error));
      return;
    }
    case "problem":
      return problem(JSON.parse(message.payload).message);
    case "error":
      return root.dataset.fadersState === "ready" ? problem(message.message) : fail(message.message);
    case "fatal":
      return fail(`The lesson's Python stopped: ${message.message}`);
  }
}

// An error nothing in the worker caught (Python's runtime failing, say, once out of memory) means
// the worker can no longer be trusted: the lesson ends, in words.
function watchWorker() {
  worker.onerror = (event) => {
    event.preventDefault();
    const detail = event.message || "script error";
    fail(root.dataset.fadersState === "ready"
      ? `The lesson's Python stopped (${detail}). This can happen when the browser runs short of memory.`
      : `The Python worker could not start (${detail}).`);
  };
  worker.onmessageerror = () => fail("A message from the lesson's Python could not be read.");
}

const insideStyles = loadInsideStyles(new URL("./inside.css", import.meta.url));

// ---- the reader's snapshot of a started Python (see worker.js and README, "Starting") ------

// localStorage: "faders-start" = "cold" turns snapshots off; "faders-snapshot-failed" names the
// snapshot that failed once, so that it is neither read nor made again.
function setting(key, value) {
  try {
    if (value === undefined) return localStorage.getItem(key);
    localStorage.setItem(key, value);
  } catch {
    return null; // storage switched off: snapshots too, in effect (Cache Storage goes with it)
  }
  return null;
}
const keepsInBrowser = setting("faders-start") !== "cold";
// A restore that neither finishes nor fails within this (a hang) is abandoned for a cold start.
const RESTORE_TIMEOUT_MS = 30_000;
let restoreWatch = null;
let snapshotName = null;

function watchRestore() {
  if (restoreWatch !== null) return;
  restoreWatch = setTimeout(() => snapshotFailed({ name: snapshotName, reason: "restoring took too long", restart: true }), RESTORE_TIMEOUT_MS);
}

function snapshotFailed({ name, reason, restart }) {
  console.info(`Faders: the saved Python could not be used (${reason}); starting without it.`);
  if (name) setting("faders-snapshot-failed", name);
  if (restart && root.dataset.fadersState === "loading") {
    worker.terminate();
    startWorker({ allowSnapshot: false, forget: name });
  }
}

// The snapshot is made in a worker of its own, after the lesson is ready and the browser idle:
// all its work is off the page's thread, and the lesson's own worker is left alone.
const whenIdle = (work) => (window.requestIdleCallback || ((callback) => setTimeout(callback, 1000)))(work, { timeout: 3000 });

function makeSnapshotLater(name) {
  snapshotName = name;
  whenIdle(() => alone("faders-snapshot-make", () => makeSnapshot(name)));
}

// A page restored from the snapshot without its lesson kept built (the first page was closed before
// it was, or its copy was found corrupt) keeps it built now, as the first page would have.
function keepLessonLater(name) {
  if (!page.keptBuilt.includes(page.slug)) return;
  whenIdle(() => alone("faders-snapshot-make", async () => {
    window.fadersLessonKept = await trySnapshot(name, page.slug);
  }));
}

// `work()` unless another page of the site is doing it now (three embeds on one blog post make
// one snapshot, not three); `wait`: after that page is done instead.
function alone(key, work, wait = false) {
  if (!navigator.locks) return work();
  return navigator.locks.request(key, { ifAvailable: !wait }, (lock) => (lock ? work() : null));
}

function makeSnapshot(name) {
  console.info("Faders: saving Python in this browser for the next lessons…");
  const maker = pythonWorker();
  return new Promise((resolve) => {
    const done = (data) => {
      window.fadersSnapshotMade = data;
      maker.terminate();
      resolve();
    };
    maker.onmessage = async ({ data }) => {
      if (data.type === "made") {
        maker.terminate();
        // Through the offline copy when there is one: the next page reads its files from there.
        await keptForOffline;
        await controlled(CONTROL_TIMEOUT_MS);
        const trial = await trySnapshot(data.name, page.slug);
        console.info(`Faders: Python saved in this browser for the next lessons (${MB(data.bytes)} MB; ` +
          `started in ${Math.round(data.startMs)} ms, snapshot ${Math.round(data.takeMs)} ms, stored in ${Math.round(data.storeMs)} ms` +
          (trial.ok ? `, restored and rendered once in ${Math.round(trial.ms)} ms).` : `); its trial restore did not finish: ${trial.reason}.`));
        const keeping = performance.now();
        const lessons = trial.ok ? await keepLessonsBuilt(data.name, trial) : {};
        done({ ...data, trial, lessons, keptMs: performance.now() - keeping });
      } else if (data.type === "make-failed") {
        snapshotFailed({ name: data.name || name, reason: data.reason });
        done(data);
      }
    };
    maker.onerror = (event) => {
      event.preventDefault();
      snapshotFailed({ name, reason: event.message || "the worker failed" });
      done({ type: "make-failed", name, reason: event.message });
    };
    maker.postMessage({ type: "make", mainWasm: mainWasm() });
  });
}

// The stored snapshot restored once, as the next page will restore it, in a worker of its own that
// renders this lesson (not drawn) and is then dropped. A snapshot that fails here is remembered as
// failed before any page relies on it. And the trial reads Pyodide's files where the next page
// will (the offline copy, once the service worker controls this page), so that the code V8
// compiles for them can be kept beside that copy: the next page started 6–11% sooner with it.
const TRIAL_TIMEOUT_MS = 60_000;
const CONTROL_TIMEOUT_MS = 20_000;

// True once the site's service worker controls this page (workers started after that read the
// offline copy); false if it does not within `ms`, or cannot.
function controlled(ms) {
  if (!("serviceWorker" in navigator) || !keepsInBrowser) return Promise.resolve(false);
  if (navigator.serviceWorker.controller) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      clearTimeout(timer);
      resolve(true);
    }, { once: true });
  });
}

// Every lesson that can be kept built on the new snapshot (all but those that start the GPU with
// the page), one worker after another, this page's own in its trial. Each restores the snapshot,
// builds and renders its lesson and stores the words of the heap that changed (3-4 MB, 18 MB for
// language-model; about 1 s each here):
// the page of any of them then restores with its lesson built. A snapshot that fails one of these
// restores is not used again. Returns {slug: {bytes} or {reason}}.
async function keepLessonsBuilt(name, trial) {
  const kept = {};
  if (trial.kept) kept[page.slug] = trial.kept;
  for (const slug of page.keptBuilt) {
    if (slug === page.slug) continue;
    const result = await trySnapshot(name, slug);
    kept[slug] = result.ok ? result.kept : { reason: result.reason };
    if (result.failed) break;
  }
  const stored = Object.values(kept).filter((lesson) => lesson.bytes);
  console.info(`Faders: ${stored.length} lessons kept built in this browser ` +
    `(${MB(stored.reduce((sum, lesson) => sum + lesson.bytes, 0))} MB).`);
  return kept;
}

// `slug`'s lesson is rendered on the restored snapshot, and kept built if it can be.
function trySnapshot(name, slug) {
  const trial = pythonWorker();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      trial.terminate();
      // A restore that fails or crashes here would fail the next page: it is not tried there.
      if (result.failed) setting("faders-snapshot-failed", name);
      resolve({ ok: result.ms !== undefined, ...result });
    };
    const timer = setTimeout(() => finish({ reason: "it took over a minute" }), TRIAL_TIMEOUT_MS);
    trial.onmessage = ({ data }) => {
      if (data.type === "tried") finish(data.restored ? { ms: data.ms, kept: data.kept } : { reason: "the snapshot was not found" });
      else if (data.type === "snapshot-failed" || data.type === "fatal") finish({ reason: data.reason || data.message, failed: true });
      else if (data.type === "error") finish({ reason: data.message }); // a download, say: not the snapshot's fault
    };
    trial.onerror = (event) => {
      event.preventDefault();
      finish({ reason: event.message || "its worker did not start" });
    };
    trial.postMessage({ type: "trial", slug, keep: page.keptBuilt.includes(slug), mainWasm: mainWasm() });
  });
}

// The site kept for offline reading (web/offline/sw.js), once a lesson is live. On a first visit the
// page fills the build's cache itself, from the browser's HTTP cache, with every file this visit has
// just fetched (the service worker's own requests do not reach that cache, and would download them
// again); the service worker then fetches only what is left, the pages in one file. A page already
// served by a service worker leaves a new build to the new service worker, which fetches it whole.
async function keepForOffline() {
  if (!keepsInBrowser || !("serviceWorker" in navigator) || typeof caches === "undefined") return;
  const site = new URL("../", import.meta.url).href;
  try {
    if (!navigator.serviceWorker.controller) await alone("faders-offline-copy", () => fillOfflineCopy(site), true);
    await navigator.serviceWorker.register(site + "sw.js", { scope: site });
  } catch (error) {
    console.info(`Faders: the site is not kept for offline reading (${error.message}).`);
  }
}

async function fillOfflineCopy(site) {
  const { build, files } = await (await fetch(site + "offline.json", { cache: "no-cache" })).json();
  const fetched = new Set(performance.getEntriesByType("resource").map((entry) => entry.name));
  fetched.add(location.origin + location.pathname);
  const cache = await caches.open(`faders-site-${build}`);
  for (const file of files) {
    const url = site + file;
    // The worker has fetched every file of pyodide/ on this visit.
    if (!(fetched.has(url) || file.startsWith("pyodide/")) || await cache.match(url)) continue;
    // The worker asked for Python's main wasm under its sha256 (worker.js, fetchMainWasm).
    const asked = file === "pyodide/pyodide.asm.wasm" ? NAMED_WASM : url;
    // A file this page cannot take from the HTTP cache is left to the service worker's install, which
    // fetches whatever the cache still lacks (and fails whole, keeping the old build, if it cannot).
    const response = await fetch(asked, { cache: "force-cache" }).catch(() => null);
    if (response?.ok) await cache.put(url, response);
  }
}

const keptForOffline = ready.then(keepForOffline, () => {});

// A worker of web/assets/worker.js: the lesson's, the snapshot's maker, or its trial.
function pythonWorker() {
  return new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
}

// Where a worker finds Python's main wasm (worker.js, fetchMainWasm): its name with its sha256, and
// whether this page has the offline copy to fall back on.
function mainWasm() {
  return { named: NAMED_WASM, controlled: Boolean(navigator.serviceWorker?.controller) };
}

function startWorker(options) {
  performance.mark("faders-worker");
  worker = pythonWorker();
  worker.onmessage = onWorkerMessage;
  watchWorker();
  worker.postMessage({ type: "start", slug: page.slug, query: linkQuery(), gpu: startsGpu(), mainWasm: mainWasm(), ...options });
}

const linkQuery = () => Object.fromEntries(new URLSearchParams(location.search));

// Starting WebGPU costs time; start it only where the lesson can use it.
function startsGpu() {
  return page.gpu && (page.measuresGpu || chosenBackend === "webgpu");
}

function start() {
  if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
    return fail("This browser cannot run WebAssembly in a Web Worker, which the lesson needs.");
  }
  const failedSnapshot = setting("faders-snapshot-failed");
  startWorker({ allowSnapshot: keepsInBrowser, failedSnapshot });
  // A page the offline copy serves: a later visit, which may find its lesson kept built.
  if (keepsInBrowser && navigator.serviceWorker?.controller) {
    findKeptDocument(failedSnapshot).then((payload) => {
      if (!payload) return;
      performance.mark("faders-document-found");
      drawAhead(payload, false);
    }, (error) => console.info(`Faders: the lesson kept built was not looked up here (${error.message}).`));
  }
  if (!navigator.serviceWorker?.controller) loadBokeh().catch(() => {}); // a failure is shown when drawn
  showProgress({ stage: "download", loaded: 0, total: 0 });
}

addEventListener("hashchange", () => root.dataset.fadersState === "ready" && goToPlace());
start();
