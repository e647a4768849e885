// Where the reader's own snapshot of the started runtime is kept: the Origin Private File System,
// read in one blocking call through a read-only sync access handle (several pages may read at once).
// Measured here, reading 63 MB from an on-disk profile took 45-60 ms that way, against 130-190 ms
// through Cache Storage. One snapshot at a time, under a name that changes whenever what it holds
// would: the lock file (every wheel's sha256, and Pyodide's version), the Python run before it is
// taken, the format, and the browser's JSPI capability. The heap is `<name>`, the site's wheels
// beside it `<name>.wheels` (a restore then needs no fetch and no HTTP cache: reading 22 MB from here
// is much quicker than from the HTTP cache, which keeps them brotli-compressed), and the metadata
// `<name>.json`, written last: a snapshot without metadata is never read. Each lesson built on it
// (worker.js, `tryLesson`) is `<name>.lesson-<slug>`, the words of its heap that differ from the base's
// (heap-delta.js), with its metadata `<name>.lesson-<slug>.json`, written last too.
import { FORMAT, capabilities } from "./pyodide-snapshot.js";

const FOLDER = "faders-snapshot";
const CHUNK = 16 * 1024 * 1024; // read in parts so that the page can show progress

async function folder() {
  if (!navigator.storage?.getDirectory) throw new Error("no Origin Private File System here");
  return (await navigator.storage.getDirectory()).getDirectoryHandle(FOLDER, { create: true });
}

async function fileIn(dir, name) {
  try {
    return await dir.getFileHandle(name);
  } catch (error) {
    if (error.name === "NotFoundError") return null;
    throw error;
  }
}

async function sha256(bytes) {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

// A checksum of a stored file, as 16 hex digits, that catches what corrupts one: a byte changed,
// words lost, zeroed or moved. Fletcher's, over 32-bit words, modulo the largest prime below 2^32:
// `low` is 1 plus the sum of the words, `high` the sum of every running `low`. It is no defence
// against a deliberate change (whoever can write the origin's storage can write the checksum beside
// it); it costs a quarter of SHA-256 through WebCrypto, which copies its input first: 18-24 ms
// against 75-100 ms for 63 MB here, on every restore.
const PRIME = 4294967291;
// Words summed in a block as doubles stay exact: 1,024 words of < 2^32 sum to < 2^42, and their
// running sums to < 2^51.
const BLOCK = 1024;

export function checksum(bytes) {
  const whole = bytes.byteLength >>> 2;
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, whole);
  let low = 1;
  let high = 0;
  for (let start = 0; start < whole; start += BLOCK) {
    const end = Math.min(start + BLOCK, whole);
    let sum = 0;
    let sums = 0;
    for (let i = start; i < end; i++) {
      sum += words[i];
      sums += sum;
    }
    high = (high + (end - start) * low + sums) % PRIME;
    low = (low + sum) % PRIME;
  }
  for (let i = whole * 4; i < bytes.byteLength; i++) {
    low = (low + bytes[i]) % PRIME; // the last one to three bytes, each as a word
    high = (high + low) % PRIME;
  }
  const hex = (n) => n.toString(16).padStart(8, "0");
  return hex(high) + hex(low);
}

export async function snapshotName(lockText, code) {
  const hash = await sha256(new TextEncoder().encode([lockText, code, FORMAT, capabilities()].join("\0")));
  return `snapshot-${hash.slice(0, 20)}`;
}

// The stored snapshot's metadata, or null if there is none of this name. Throws where the private
// file system cannot be used (storage switched off, an older browser).
export function findSnapshot(name) {
  return metadata(`${name}.json`);
}

async function metadata(fileName) {
  const meta = await fileIn(await folder(), fileName);
  return meta ? JSON.parse(await (await meta.getFile()).text()) : null;
}

// All of a file's bytes, which must be `size`: through a read-only sync handle where the browser
// has one (a worker), else as a File. `progress(loaded, size)` is told as they arrive. They are read
// into a buffer of `place.capacity` bytes at `place.at` (where a lesson's snapshot wants the base's
// bytes, for its delta to complete them).
async function readAll(handle, size, progress = () => {}, place = { capacity: size, at: 0 }) {
  const { capacity, at: offset } = place;
  if (offset < 0 || offset + size > capacity) throw new Error(`${handle.name} (${size} bytes) does not fit in ${capacity}`);
  let reader = null;
  try {
    reader = await handle.createSyncAccessHandle({ mode: "read-only" });
  } catch {
    const all = new Uint8Array(await (await handle.getFile()).arrayBuffer());
    if (all.length !== size) throw new Error(`${handle.name} is ${all.length} bytes, not ${size}`);
    progress(size, size);
    if (capacity === size) return all;
    const bytes = new Uint8Array(capacity);
    bytes.set(all, offset);
    return bytes;
  }
  try {
    const found = reader.getSize();
    if (found !== size) throw new Error(`${handle.name} is ${found} bytes, not ${size}`);
    const bytes = new Uint8Array(capacity);
    for (let at = 0; at < size; at += CHUNK) {
      const part = bytes.subarray(offset + at, offset + Math.min(at + CHUNK, size));
      if (reader.read(part, { at }) !== part.length) throw new Error(`${handle.name} could not be read whole`);
      progress(at + part.length, size);
    }
    return bytes;
  } finally {
    reader.close();
  }
}

// One of the snapshot's files, read whole and checked against the checksum in its metadata.
// `done()` is called once the bytes are read, before they are checked.
async function readChecked(fileName, size, sum, progress = undefined, done = () => {}, place = undefined) {
  const handle = await fileIn(await folder(), fileName);
  if (!handle) throw new Error(`the snapshot's ${fileName} is missing`);
  const bytes = await readAll(handle, size, progress, place);
  done();
  const at = place?.at ?? 0;
  if (checksum(bytes.subarray(at, at + size)) !== sum) throw new Error(`the snapshot's ${fileName} does not match its checksum`);
  return bytes;
}

// The snapshot's bytes, read into one buffer (of the stored size, or into `place`: see readAll) and
// checked against the checksum stored beside them. `progress(loaded, total)` is told as they
// arrive; a read slower than `timeoutMs` gives up (the page then starts as it would without a snapshot).
export async function readSnapshot(name, meta, progress, timeoutMs, mark = () => {}, place = undefined) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`reading took over ${timeoutMs / 1000} s`)), timeoutMs);
  });
  const read = readChecked(name, meta.bytes, meta.checksum, progress, () => mark("snapshot bytes read"), place);
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

// The wheels stored beside the snapshot, as [{file, data}] in the order they were stored.
export async function readWheels(name, meta, mark = () => {}) {
  const total = meta.wheels.reduce((sum, [, size]) => sum + size, 0);
  const bytes = await readChecked(`${name}.wheels`, total, meta.wheelsChecksum, undefined, () => mark("wheels read"));
  let at = 0;
  return meta.wheels.map(([file, size]) => {
    at += size;
    return { file, data: bytes.subarray(at - size, at) };
  });
}

async function writeFile(dir, name, bytes) {
  const writer = await (await dir.getFileHandle(name, { create: true })).createSyncAccessHandle();
  try {
    writer.truncate(0);
    for (let at = 0; at < bytes.length;) at += writer.write(bytes.subarray(at), { at });
    writer.flush();
  } finally {
    writer.close();
  }
}

// Store a snapshot (its metadata last) with the wheels it was made from ([{file, data}]), and delete
// every other: they belong to earlier versions of the site. Runs in a dedicated worker (sync access
// handles exist only there).
export async function storeSnapshot(name, bytes, meta, wheels) {
  const dir = await folder();
  const joined = new Uint8Array(wheels.reduce((sum, wheel) => sum + wheel.data.length, 0));
  let at = 0;
  for (const wheel of wheels) {
    joined.set(wheel.data, at);
    at += wheel.data.length;
  }
  const full = {
    ...meta, bytes: bytes.length, checksum: checksum(bytes),
    wheels: wheels.map((wheel) => [wheel.file, wheel.data.length]), wheelsChecksum: checksum(joined),
  };
  try {
    await writeFile(dir, name, bytes);
    await writeFile(dir, `${name}.wheels`, joined);
    await writeFile(dir, `${name}.json`, new TextEncoder().encode(JSON.stringify(full)));
  } catch (error) {
    await forgetSnapshot(name).catch(() => {});
    throw error;
  }
  await forgetOthers(name);
  return full;
}

const lessonFile = (name, slug) => `${name}.lesson-${slug}`;

// A lesson kept built on the snapshot `name` (`meta`: that snapshot's metadata): the lesson's
// metadata, or null if it has none. Throws if the lesson was built on another snapshot.
export async function findLessonSnapshot(name, meta, slug) {
  const lesson = await metadata(`${lessonFile(name, slug)}.json`);
  if (lesson && lesson.base !== meta.checksum) throw new Error("it was built on another snapshot");
  return lesson;
}

// The lesson's delta from the base snapshot (heap-delta.js), checked against its checksum.
export function readLessonSnapshot(name, slug, meta) {
  return readChecked(lessonFile(name, slug), meta.bytes, meta.checksum);
}

// Store a lesson built on the snapshot `name` (its delta, then its metadata). Returns the metadata.
export async function storeLessonSnapshot(name, slug, delta, meta) {
  const dir = await folder();
  const full = { ...meta, bytes: delta.length, checksum: checksum(delta) };
  const file = lessonFile(name, slug);
  try {
    await writeFile(dir, file, delta);
    await writeFile(dir, `${file}.json`, new TextEncoder().encode(JSON.stringify(full)));
  } catch (error) {
    for (const written of [`${file}.json`, file]) await dir.removeEntry(written).catch(() => {});
    throw error;
  }
  return full;
}

const belongsTo = (file, name) => file === name || file.startsWith(`${name}.`);

// The snapshot `name`, its wheels and its lessons (the metadata first: a half-deleted one is never read).
export async function forgetSnapshot(name) {
  const dir = await folder();
  for (const file of [`${name}.json`, name, `${name}.wheels`]) await dir.removeEntry(file).catch(() => {});
  for await (const file of dir.keys()) if (belongsTo(file, name)) await dir.removeEntry(file).catch(() => {});
}

// Snapshots of earlier versions of the site, deleted once this version starts without one (a file
// another page is reading stays until a later start). Earlier versions kept theirs in Cache Storage.
export async function forgetOthers(name) {
  const dir = await folder();
  for await (const other of dir.keys()) if (!belongsTo(other, name)) await dir.removeEntry(other).catch(() => {});
  if (typeof caches !== "undefined") await caches.delete(FOLDER);
}
