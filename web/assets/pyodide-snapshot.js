// Everything here leans on Pyodide 0.27.7's private parts (a memory snapshot of the heap, the
// hiwire table of JS objects Python holds, Emscripten's dynamic loader). It is kept in this one
// module so that an upgrade of Pyodide has one place to re-check; tests/e2e/test_snapshot.py
// makes a snapshot, restores it and checks the restored Python before any upgrade may land.
//
// Used by worker.js for all three ways of starting: cold (no snapshot), making one, restoring one.

// Bump when anything below changes what a snapshot holds or how it is read.
export const FORMAT = "faders-snapshot-2";

// The heap bakes in whether the browser has JSPI (WebAssembly stack switching): Pyodide stores
// `run_sync` or its "not supported" twin as a method pointer at start-up (jsproxy_init), from the
// same test as this. A snapshot is only valid where this is the same as where it was made.
export function capabilities() {
  if ("Suspending" in WebAssembly) return "jspi";
  return "Suspender" in WebAssembly ? "jspi-old" : "no-jspi";
}

// After a restore the heap is the maker's, random states included: reseed from the OS (crypto).
// numpy.random is not imported before the snapshot; should it ever be, it is reseeded too.
export const RESEED = `
import random, sys
random.seed()
if "numpy.random" in sys.modules:
    sys.modules["numpy.random"].seed()
`;

// ---- the same heap layout on every start -----------------------------------------------------

// Every .so of the site's wheels (numpy's 19), compiled in parallel as soon as their bytes are here.
export function compileDynlibs(files, sitePackages) {
  const libs = files.filter((f) => f.name.endsWith(".so"));
  return Promise.all(libs.map(async (f) => ({ path: sitePackages + f.name, module: await WebAssembly.compile(f.data) })));
}

// Instantiated in archive order, before Python runs, whether making, restoring or starting cold:
// their data segments and table slots then land at the same addresses every time, which is what
// the pointers inside a snapshot assume. Loaded as Pyodide's loadDynlib loads a package's own .so:
// local (not global), never unloaded, undefined symbols bound once all are in.
function preloadDynlibs(Module, libs) {
  for (const { path, module } of libs) {
    const dso = Module.newDSO(path, undefined, "loading");
    dso.global = false;
    dso.exports = Module.loadWebAssemblyModule(module, { loadAsync: false, nodelete: true, allowUndefined: true }, path, {});
    Module.LDSO.loadedLibsByName[path.split("/").pop()] ??= dso;
  }
  Module.reportUndefinedSymbols();
}

// The package files go into MEMFS from JS, before Python starts or its heap comes back, instead of
// through loadPackage: no Python-side unpacking, and no importlib.invalidate_caches() (on 3.12 that
// makes zipimport re-read the stdlib zip's directory, 0.3-1.3 s here). It is not needed: the files
// exist before Python looks, and after a restore every cached FileFinder sees a new directory
// mtime and rescans by itself. Each folder and file is made as FS.mkdir and FS.writeFile make it
// (its parent's mknod), and a file is handed its bytes as MEMFS keeps them when it may own them
// (`canOwn`): none of their path walks, open and close, for some 1,300 files in 150 folders.
function writeFiles(FS, files, sitePackages) {
  const MEMFS = FS.filesystems.MEMFS;
  const root = sitePackages.slice(0, -1);
  FS.mkdirTree(root);
  const folders = new Map([[root, FS.lookupPath(root).node]]);
  const fresh = (folder, name) => folder.mount.type === MEMFS && !Object.hasOwn(folder.contents, name);
  const folderOf = (path) => {
    let node = folders.get(path);
    if (node) return node;
    const cut = path.lastIndexOf("/");
    const parent = folderOf(path.slice(0, cut));
    const name = path.slice(cut + 1);
    if (fresh(parent, name)) {
      node = parent.node_ops.mknod(parent, name, FOLDER, 0);
    } else {
      FS.mkdirTree(path); // already there, or not in MEMFS: the general way
      node = FS.lookupPath(path).node;
    }
    folders.set(path, node);
    return node;
  };
  for (const { name, data } of files) {
    const path = sitePackages + name;
    const cut = path.lastIndexOf("/");
    const folder = folderOf(path.slice(0, cut));
    const file = path.slice(cut + 1);
    if (!fresh(folder, file)) {
      FS.writeFile(path, data, { canOwn: true }); // not a new MEMFS file: the general way
      continue;
    }
    const node = folder.node_ops.mknod(folder, file, REGULAR_FILE, 0);
    node.contents = data;
    node.usedBytes = data.length;
  }
}
const FOLDER = 0o40777; // the modes FS.mkdir and FS.writeFile give
const REGULAR_FILE = 0o100666;

// Pyodide writes the standard library's zip (9 MB) into MEMFS as a copy of the bytes it fetched,
// which nothing else uses: MEMFS keeps those bytes instead (that one write, in Pyodide's own
// preRun, is given `canOwn`; any other goes through as it was asked).
function ownStdlib(FS) {
  const writeFile = FS.writeFile;
  FS.writeFile = (path, data, options = {}) => {
    if (!/^\/lib\/python\d+\.zip$/.test(path)) return writeFile(path, data, options);
    FS.writeFile = writeFile;
    return writeFile(path, data, { ...options, canOwn: true });
  };
}

// `mainWasm` (a WebAssembly.Module, compiled as the worker started) replaces Pyodide's own fetch
// and compile of it, which a restore would start only once the snapshot is read.
// Runs in Emscripten's preRun, after the main wasm is instantiated and before Python starts (or
// its heap is restored). A run dependency holds everything else back meanwhile, so nothing touches
// the heap between the preloads. When restoring, `ready` (the snapshot's bytes read and checked)
// is awaited too, and the wasm table must have the length it had when the snapshot was made.
// Returns a promise that rejects if this fails (loadPyodide would otherwise wait forever).
// `mark(name)` notes when each step ends (the bench's breakdown of a start).
export function hookModule({
  files, dynlibs, sitePackages, ready = null, tableLength = null, mainWasm = null, late = false, mark = () => {},
}) {
  const create = globalThis._createPyodideModule;
  return new Promise((_, reject) => {
    globalThis._createPyodideModule = (settings) => {
      globalThis._createPyodideModule = create; // one start per hook
      if (mainWasm) {
        settings.instantiateWasm = (imports, done) => {
          mainWasm.then(async (module) => {
            mark("main wasm compiled");
            const instance = await WebAssembly.instantiate(module, imports);
            mark("main wasm instantiated");
            done(instance, module);
          }).catch(reject);
          return {};
        };
      }
      settings.preRun.unshift((Module) => ownStdlib(Module.FS));
      // A cold page that makes no snapshot needs no fixed layout: Python starts at once, and the
      // packages go in once they are here (installLate).
      if (late) return create(settings);
      settings.preRun.unshift((Module) => {
        Module.addRunDependency("faders-files");
        (async () => {
          const libs = await dynlibs;
          mark(".so awaited");
          preloadDynlibs(Module, libs);
          mark(".so preloaded");
          Module.fadersTableLength = Module.wasmTable.length;
          if (tableLength !== null && tableLength !== Module.wasmTable.length) {
            throw new Error(`wasm table of ${Module.wasmTable.length} entries, the snapshot's had ${tableLength}`);
          }
          const list = await files;
          mark("files awaited");
          writeFiles(Module.FS, list, sitePackages);
          mark("files written");
          await ready;
        })().then(() => Module.removeRunDependency("faders-files"), reject);
      });
      return create(settings);
    };
  });
}

// On a cold page, after Python has started (hookModule's `late`) while the wheels downloaded: the
// same preloads and files. Python's finder for site-packages may have listed the folder while it
// was empty; it is dropped (one entry, not importlib.invalidate_caches()'s walk). Nothing calls
// loadPackage on such a page, so pyodide.loadedPackages stays empty.
export async function installLate(pyodide, { files, dynlibs, sitePackages, mark = () => {} }) {
  const M = pyodide._module;
  const libs = await dynlibs;
  mark(".so awaited");
  preloadDynlibs(M, libs);
  mark(".so preloaded");
  const list = await files;
  mark("files awaited");
  writeFiles(M.FS, list, sitePackages);
  mark("files written");
  pyodide.runPython(`import sys; sys.path_importer_cache.pop(${JSON.stringify(sitePackages.slice(0, -1))}, None)`);
}

// ---- making a snapshot ---------------------------------------------------------------------

// Hiwire slots Pyodide fills at start-up, by index (0.27.7's order): 1 is the `js` module's
// globals, 6 is pyodide.loadedPackages.
const JSGLOBALS_SLOT = 1;
const LOADED_PACKAGES_SLOT = 6;

// `pyodide` was started with `_makeSnapshot: true` and has run the code to keep. Returns the heap
// and what a restore needs beside it. The making session is not used afterwards: in this mode
// Python's `js` is a Proxy that records access paths, and 0.27.7's has no apply trap, so JS calls
// from Python would throw "Illegal invocation".
export function takeSnapshot(pyodide) {
  const M = pyodide._module;
  // dlopen() handles live in the heap, but the JS map from handle to library does not.
  const handles = {};
  for (const [handle, dso] of Object.entries(M.LDSO.loadedLibsByHandle)) if (+handle) handles[handle] = dso.name;
  // The snapshot insists that slot 6 is still {} ("Unexpected hiwire entry at index 6"); Pyodide
  // filled it from the dist-info folders on disk. Empty it for the snapshot.
  if (M.__hiwire_get(LOADED_PACKAGES_SLOT) !== pyodide.loadedPackages) throw new Error("hiwire slot 6 moved");
  if (M.__hiwire_get(JSGLOBALS_SLOT) !== pyodide._api.config.jsglobals) throw new Error("hiwire slot 1 moved");
  for (const name of Object.keys(pyodide.loadedPackages)) delete pyodide.loadedPackages[name];
  // Every other JS object Python holds must be a path from globalThis; none is expected.
  const serializer = (obj) => {
    throw new Error(`the snapshot cannot hold ${String(obj).slice(0, 80)}`);
  };
  const bytes = pyodide.makeMemorySnapshot({ serializer });
  return { bytes, meta: { handles, tableLength: M.fadersTableLength } };
}

// ---- restoring one -------------------------------------------------------------------------

export function restoreOptions(bytes) {
  const deserializer = (data) => {
    throw new Error(`cannot restore ${JSON.stringify(data)}`);
  };
  return { _loadSnapshot: bytes, _snapshotDeserializer: deserializer };
}

// Right after loadPyodide() returns from a snapshot (`bytes`: the buffer it was restored from).
export function afterRestore(pyodide, meta, bytes) {
  const M = pyodide._module;
  // Pyodide's config keeps the snapshot buffer alive (63 MB) otherwise.
  pyodide._api.config._loadSnapshot = null;
  // Its bytes are the heap now (restoreSnapshot copies them in): detaching the buffer frees them at
  // once, where dropping the last reference waits for a full collection, often after ready.
  bytes.buffer.transfer?.(0);
  for (const [handle, name] of Object.entries(meta.handles)) M.LDSO.loadedLibsByHandle[handle] = M.LDSO.loadedLibsByName[name];
  // The restore puts a fresh {} in slot 6, which Python then filled from the dist-info folders:
  // join it to pyodide.loadedPackages again, or loadPackage would reinstall everything.
  Object.assign(pyodide.loadedPackages, M.__hiwire_get(LOADED_PACKAGES_SLOT));
  M.__hiwire_set(LOADED_PACKAGES_SLOT, pyodide.loadedPackages);
  pyodide.runPython(RESEED);
}
