// A lesson's snapshot is stored as the words of its snapshot that differ from the base snapshot's:
// building and rendering a lesson changes about 2.5 MB of a 63 MB heap (knn), in some fourteen
// thousand places. A Pyodide snapshot is a header (its length in bytes is the file's second word)
// and then the heap; the lesson's header may be longer or shorter than the base's, so the heaps
// are compared from where each begins (`shift`: the lesson's header length less the base's).
// The delta is one Uint32Array: the lesson snapshot's length and the shift, in words, the number
// of runs, then [first word, word count] of each run, then the runs' words. Runs closer than GAP
// words apart are stored as one (a header costs two words).
const GAP = 4;

const headerWords = (snapshot) => words(snapshot)[1] / 4;

// The snapshot `after` as a delta from the snapshot `before`.
export function heapDelta(before, after) {
  const old = words(before);
  const now = words(after);
  const header = headerWords(after);
  const shift = header - headerWords(before);
  const same = (i) => i >= header && i - shift < old.length && old[i - shift] === now[i];
  const runs = [];
  let start = -1;
  let equalSince = -1;
  for (let i = 0; i < now.length; i++) {
    if (same(i)) {
      if (start >= 0 && equalSince < 0) equalSince = i;
      if (start >= 0 && i - equalSince >= GAP) {
        runs.push(start, equalSince - start);
        start = -1;
      }
    } else {
      if (start < 0) start = i;
      equalSince = -1;
    }
  }
  if (start >= 0) runs.push(start, (equalSince < 0 ? now.length : equalSince) - start);
  let changed = 0;
  for (let r = 1; r < runs.length; r += 2) changed += runs[r];
  const delta = new Uint32Array(3 + runs.length + changed);
  delta[0] = now.length;
  delta[1] = shift >>> 0; // as a 32-bit two's complement
  delta[2] = runs.length / 2;
  delta.set(runs, 3);
  let at = 3 + runs.length;
  for (let r = 0; r < runs.length; r += 2) {
    delta.set(now.subarray(runs[r], runs[r] + runs[r + 1]), at);
    at += runs[r + 1];
  }
  return new Uint8Array(delta.buffer);
}

// Where the base goes for a delta, once its runs are checked to lie within the lesson's snapshot and
// to account for every word stored (throws otherwise): `bytes`, the lesson snapshot's length, and
// `shift`, where the base's first byte lands in it (negative: before its start).
export function checkHeapDelta(delta) {
  const d = words(delta);
  if (d.length < 3) throw new Error("the lesson's snapshot is empty");
  const [length, shift, runs] = [d[0], d[1] | 0, d[2]];
  let at = 3 + 2 * runs;
  if (at > d.length) throw new Error("the lesson's snapshot is not whole");
  for (let r = 0; r < runs; r++) {
    const [first, count] = [d[3 + 2 * r], d[4 + 2 * r]];
    if (first + count > length) throw new Error("the lesson's snapshot writes past its end");
    at += count;
  }
  if (at !== d.length) throw new Error("the lesson's snapshot is not whole");
  return { bytes: length * 4, shift: shift * 4 };
}

// Write a checked delta's runs into `snapshot` (the lesson's, of checkHeapDelta().bytes, holding the
// base's bytes placed at its shift).
export function applyHeapDelta(snapshot, delta) {
  if (checkHeapDelta(delta).bytes !== snapshot.byteLength) throw new Error("the lesson's snapshot is for another heap");
  const target = words(snapshot);
  const d = words(delta);
  const runs = d[2];
  let at = 3 + 2 * runs;
  for (let r = 0; r < runs; r++) {
    const [first, count] = [d[3 + 2 * r], d[4 + 2 * r]];
    target.set(d.subarray(at, at + count), first);
    at += count;
  }
}

function words(bytes) {
  if (bytes.byteOffset % 4 || bytes.byteLength % 4) throw new Error("a snapshot is whole 32-bit words");
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
}
