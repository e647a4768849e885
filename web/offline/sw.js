// The site's service worker: once a lesson has been opened, every page of this build of the site
// opens without a network. It keeps one cache per build, filled whole when it installs (on a first
// visit the page has already filled it, from what it has just downloaded: assets/lesson.js); a new
// build installs beside it and takes over only when no page of the old one is open, then deletes the
// old cache, so a page never mixes files of two builds. It asks this site only, and answers nothing
// else.
const BUILD = "__BUILD__"; // written by tools/offline.py: a hash of every file below
const FILES = __FILES__;
// The pages and preview pictures, which come together in one file (tools/offline.py): as the server
// would send each, its type and its text (each page holds the site's policy in a <meta> tag).
const PACKED = new Set(__PACKED__);
const CACHE = `faders-site-${BUILD}`;
const ROOT = new URL("./", self.location.href).href;
// Bokeh's and Panel's scripts (2.5 MB), which every lesson page runs. Chromium compiles a script put in
// the cache while its service worker installs there and then, off every page's thread, and keeps the
// code beside it. Put there by a first visit's page instead, the scripts were compiled by the next page,
// and only the page after it found the code: so the install puts them again.
const COMPILED_AHEAD = new Set(FILES.filter((file) => file.startsWith("static/") && file.endsWith(".js")));

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    let pages = null; // offline-pages.json, once a page is missing
    for (const file of FILES) {
      const url = ROOT + file;
      const cached = await cache.match(url); // put by the page, or by an install that was cut short
      if (cached) {
        if (COMPILED_AHEAD.has(file)) await cache.put(url, cached);
        continue;
      }
      if (PACKED.has(file)) {
        pages ??= await fetchPages();
        const [type, text] = pages[file];
        await cache.put(url, new Response(text, { headers: { "Content-Type": type } }));
      } else {
        await cache.put(url, await fetchFresh(file));
      }
    }
  })());
});

// Revalidated: the HTTP cache may hold an earlier build's copy (an unchanged file costs a 304).
async function fetchFresh(file) {
  const response = await fetch(ROOT + file, { cache: "no-cache" });
  if (!response.ok) throw new Error(`${file} answered ${response.status}`);
  return response;
}

async function fetchPages() {
  const { build, files } = await (await fetchFresh("offline-pages.json")).json();
  if (build !== BUILD) throw new Error(`the pages are of build ${build}, not ${BUILD}`);
  return files;
}

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("faders-site-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || !request.url.startsWith(ROOT)) return;
  // Python's main wasm asked for under its sha256 comes from the browser's HTTP cache, where V8 keeps
  // its optimised code beside it (assets/worker.js, fetchMainWasm).
  if (request.url.startsWith(`${ROOT}pyodide/pyodide.asm.wasm?sha256=`)) return;
  event.respondWith((async () => {
    const url = new URL(request.url);
    if (url.pathname.endsWith("/")) url.pathname += "index.html";
    // A lesson's settings are in its query: the page is the same file.
    const key = request.mode === "navigate" ? url.origin + url.pathname : url.href;
    // Looked up by name, not through caches.open(), which would make the cache again if a newer
    // build has just deleted it.
    const cached = await caches.match(key, { cacheName: CACHE });
    return cached || fetch(request);
  })());
});
