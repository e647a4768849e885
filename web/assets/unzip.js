// The files of a wheel (a zip), read in JS so that they can be written straight into Python's
// file system. The site's wheels are all STORED zips (tools/wheels.py), so reading one is slicing:
// nothing to inflate. No zip64: the wheels are small.
const utf8 = new TextDecoder();

// [{name, data}] for every file (not folder) of the zip in `bytes` (a Uint8Array), in the archive's
// order; each file's data is a view into `bytes`.
export function unzip(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  while (end >= 0 && view.getUint32(end, true) !== 0x06054b50) end--;
  if (end < 0) throw new Error("not a zip file");
  const count = view.getUint16(end + 10, true);
  let p = view.getUint32(end + 16, true);
  const files = [];
  for (let i = 0; i < count; i++) {
    const method = view.getUint16(p + 10, true);
    const size = view.getUint32(p + 20, true);
    const nameLength = view.getUint16(p + 28, true);
    const local = view.getUint32(p + 42, true);
    const name = utf8.decode(bytes.subarray(p + 46, p + 46 + nameLength));
    p += 46 + nameLength + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
    if (name.endsWith("/")) continue;
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    if (method !== 0) throw new Error(`${name}: zip method ${method}, where the site's wheels are stored`);
    files.push({ name, data: bytes.subarray(start, start + size) });
  }
  return files;
}
