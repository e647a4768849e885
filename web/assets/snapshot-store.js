// Where the reader's own snapshot of the started runtime is kept: Cache Storage (the spike found
// it as fast as OPFS to read, and it never hung). One snapshot at a time, under a name that
// changes whenever what it holds would: the lock file (every wheel's sha256, and Pyodide's
// version), the Python run before it is taken, the format, and the browser's JSPI capability.
import { FORMAT, capabilities } from "./pyodide-snapshot.js";

const CACHE = "faders-snapshot";
const at = (name) => new URL(`../snapshot/${name}`, import.meta.url).href;

async function sha256(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

export async function snapshotName(lockText, code) {
  const hash = await sha256(new TextEncoder().encode([lockText, code, FORMAT, capabilities()].join("\0")));
  return `snapshot-${hash.slice(0, 20)}`;
}

// The stored snapshot's metadata, or null if there is none of this name. Throws where Cache Storage
// cannot be used (a private window of some browsers, storage switched off).
export async function findSnapshot(name) {
  if (typeof caches === "undefined") throw new Error("no Cache Storage here");
  const cache = await caches.open(CACHE);
  const meta = await cache.match(at(`${name}.json`));
  return meta ? meta.json() : null;
}

// The snapshot's bytes, read into one buffer of the stored size and checked against the sha256
// stored beside them. `progress(loaded, total)` is told as they arrive; a read slower than
// `timeoutMs` gives up (the page then starts as it would without a snapshot).
export async function readSnapshot(name, meta, progress, timeoutMs, mark = () => {}) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`reading took over ${timeoutMs / 1000} s`)), timeoutMs);
  });
  const read = (async () => {
    const cache = await caches.open(CACHE);
    const response = await cache.match(at(name));
    if (!response) throw new Error("the snapshot's bytes are missing");
    const bytes = new Uint8Array(meta.bytes);
    const reader = response.body.getReader();
    let loaded = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (loaded + value.length > bytes.length) throw new Error("the snapshot is longer than stored");
      bytes.set(value, loaded);
      loaded += value.length;
      progress(loaded, bytes.length);
    }
    if (loaded !== bytes.length) throw new Error(`the snapshot is ${loaded} bytes, not ${bytes.length}`);
    mark("snapshot bytes read");
    if ((await sha256(bytes)) !== meta.sha256) throw new Error("the snapshot's bytes do not match their sha256");
    return bytes;
  })();
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// Store a snapshot (its metadata last: a snapshot without metadata is never read) and delete every
// other: they belong to earlier versions of the site.
export async function storeSnapshot(name, bytes, meta) {
  const cache = await caches.open(CACHE);
  const full = { ...meta, bytes: bytes.length, sha256: await sha256(bytes) };
  try {
    await cache.put(at(name), new Response(bytes));
    await cache.put(at(`${name}.json`), Response.json(full));
  } catch (error) {
    await cache.delete(at(name)).catch(() => {});
    throw error;
  }
  await forgetOthers(name);
  return full;
}

export async function forgetSnapshot(name) {
  const cache = await caches.open(CACHE);
  await cache.delete(at(`${name}.json`));
  await cache.delete(at(name));
}

// Snapshots of earlier versions of the site, deleted once this version starts without one.
export async function forgetOthers(name) {
  const cache = await caches.open(CACHE);
  const kept = [at(name), at(`${name}.json`)];
  for (const request of await cache.keys()) if (!kept.includes(request.url)) await cache.delete(request);
}
