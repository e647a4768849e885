// WebGPU matrix multiplication for the Python in this worker (faders.backend.webgpu).
//
// Matrices live in GPU buffers named by small integer handles, so Python can keep arrays on the
// GPU between products and read a result back only when it needs one. Rows are padded to a
// multiple of 4 floats (the kernel reads and writes whole vec4s); Python does the padding.
//
// Failures come in three kinds, and Python treats each differently (faders.backend.webgpu):
// - WebGPU reports an error (validation, out of memory, internal). It does so later and on the
//   side, never by throwing, so every call here runs inside error scopes; the first error they
//   report is kept as `failure`, thrown by read() and finish() (which wait for the scopes) and by
//   every later call, since results made after it cannot be trusted. A matrix larger than the
//   GPU's buffers is refused the same way, but not kept. These errors carry FAILURE_NAMES.
// - The device is lost: `lost` and `lostReason` say so (read() then throws a GPUDeviceLostError).
// - Anything else thrown here (a TypeError, a RangeError, a plain Error) is a bug in this glue or
//   in its caller, never a GPU failure.

const WORKGROUP_TILE = 64; // rows and columns of C per workgroup (matmul.wgsl)

// The error names Python reads (faders.backend.webgpu) to tell a GPU failure from a bug.
const FAILURE_NAMES = {
  validation: "GPUValidationError",
  "out-of-memory": "GPUOutOfMemoryError",
  internal: "GPUInternalError",
  "too-large": "GPUBufferTooLargeError",
  lost: "GPUDeviceLostError",
};
const SCOPES = ["validation", "out-of-memory", "internal"];
const KIND_OF = { GPUValidationError: "validation", GPUOutOfMemoryError: "out-of-memory", GPUInternalError: "internal" };

function gpuFailure(kind, message) {
  const error = new Error(message);
  error.name = FAILURE_NAMES[kind];
  error.kind = kind;
  return error;
}

// Why WebGPU cannot be used here: createGpu() returns it as {available: false, reason}.
class Unavailable extends Error {}

// The WebGPU engine, or {available: false, reason} in words when this browser cannot offer it.
export async function createGpu(kernelURL) {
  let device = null;
  try {
    if (!("gpu" in navigator)) throw new Unavailable("this browser has no WebGPU");
    const kernel = downloadKernel(kernelURL);
    kernel.catch(() => {}); // reported below, unless the adapter fails first
    const adapter = await requestAdapter();
    device = await requestDevice(adapter);
    return new Gpu(adapter, device, await buildPipelines(device, await kernel));
  } catch (error) {
    if (!(error instanceof Unavailable)) throw error; // a bug here must not pass for "no GPU"
    device?.destroy();
    return { available: false, reason: error.message };
  }
}

async function downloadKernel(url) {
  let response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new Unavailable(`the kernel could not be downloaded (${error.message})`);
  }
  if (!response.ok) {
    throw new Unavailable(`the kernel could not be downloaded (${`${response.status} ${response.statusText}`.trim()})`);
  }
  return response.text();
}

async function requestAdapter() {
  let adapter;
  try {
    adapter = await navigator.gpu.requestAdapter({ powerPreference: "high-performance" });
  } catch (error) {
    throw new Unavailable(`asking for a GPU adapter failed (${error.message})`);
  }
  if (!adapter) throw new Unavailable("WebGPU is present but offers no GPU adapter");
  return adapter;
}

async function requestDevice(adapter) {
  try {
    return await adapter.requestDevice({
      requiredLimits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
                        maxBufferSize: adapter.limits.maxBufferSize },
    });
  } catch (error) {
    throw new Unavailable(`the GPU device request failed (${error.message})`);
  }
}

// The product and transpose pipelines, or Unavailable with the compiler's first complaints.
async function buildPipelines(device, source) {
  device.pushErrorScope("validation"); // a shader that does not compile also raises one: keep it here
  const module = device.createShaderModule({ code: source });
  const messages = (await module.getCompilationInfo()).messages.filter((m) => m.type === "error");
  const invalid = await device.popErrorScope();
  if (messages.length || invalid) {
    const where = messages.slice(0, 3).map((m) => `line ${m.lineNum}:${m.linePos}: ${m.message}`);
    throw new Unavailable(`the matrix kernel does not compile (${where.join("; ") || firstLine(invalid.message)})`);
  }
  const pipeline = (entryPoint) => device.createComputePipelineAsync({ layout: "auto", compute: { module, entryPoint } });
  try {
    const [matmul, transpose] = await Promise.all([pipeline("main"), pipeline("transpose")]);
    return { matmul, transpose };
  } catch (error) {
    throw new Unavailable(`the matrix kernel's pipelines could not be made (${firstLine(error.message)})`);
  }
}

function firstLine(text) {
  return String(text).trim().split("\n")[0];
}

function adapterName(adapter) {
  const info = adapter.info || {};
  const parts = [info.vendor, info.architecture, info.device, info.description].filter(Boolean);
  return parts.length ? parts.join(" ") : "unnamed adapter";
}

class Gpu {
  constructor(adapter, device, pipelines) {
    this.available = true;
    this.adapter = adapterName(adapter);
    this.device = device;
    this.pipelines = pipelines;
    this.lostReason = null;
    device.lost.then((info) => { this.lostReason = info.message || "the GPU device was lost"; });
    this.failure = null; // the first error WebGPU reported; every later call throws it
    this.unsettled = new Set(); // error scopes popped but not yet answered
    // A safety net: an error outside every scope still counts.
    device.onuncapturederror = (event) => this.record(event.error);
    this.buffers = new Map();
    this.nextHandle = 1;
    this.maxBytes = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  }

  get lost() {
    return this.lostReason !== null;
  }

  // A zero-filled matrix of rows × (4·cols4) floats on the GPU; returns its handle.
  create(rows, cols4) {
    this.throwIfFailed();
    const bytes = Math.max(rows * cols4 * 16, 16);
    if (bytes > this.maxBytes) {
      // Refused before WebGPU sees it, and not recorded: nothing on the GPU went wrong.
      throw gpuFailure("too-large", `a ${rows}×${cols4 * 4} matrix needs ${bytes} bytes; ` +
                                    `its largest buffer holds ${this.maxBytes}`);
    }
    const buffer = this.scoped(() => this.device.createBuffer({
      size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    }));
    const handle = this.nextHandle++;
    this.buffers.set(handle, { buffer, rows, cols4 });
    return handle;
  }

  // Copy float32 data (a typed array, or a Python buffer) into a matrix made by create().
  write(handle, data) {
    const { buffer } = this.matrix(handle);
    if (data instanceof Float32Array) {
      this.scoped(() => this.device.queue.writeBuffer(buffer, 0, data));
      return;
    }
    const view = data.getBuffer("f32"); // a Python buffer: read it in place, no copy
    try {
      this.scoped(() => this.device.queue.writeBuffer(buffer, 0, view.data));
    } finally {
      view.release();
    }
  }

  upload(data, rows, cols4) {
    const handle = this.create(rows, cols4);
    this.write(handle, data);
    return handle;
  }

  // Free a matrix's buffer. Never throws: Python calls it from finalizers, a lost device included.
  release(handle) {
    const entry = this.buffers.get(handle);
    if (entry) {
      entry.buffer.destroy();
      this.buffers.delete(handle);
    }
  }

  // C = A · B for handles a (M×K), b (K×N) into c (M×N); queued, not waited for.
  matmul(a, b, c, M, K, N) {
    const [A, B, C] = [a, b, c].map((h) => this.matrix(h));
    const K4 = Math.ceil(K / 4), N4 = Math.ceil(N / 4);
    if (A.cols4 !== K4 || B.rows !== K || B.cols4 !== N4 || C.rows !== M || C.cols4 !== N4) {
      throw new RangeError(`matmul shapes do not agree: A ${A.rows}×${A.cols4 * 4}, B ${B.rows}×${B.cols4 * 4}, ` +
                           `C ${C.rows}×${C.cols4 * 4} for ${M}×${K} · ${K}×${N}`);
    }
    this.dispatch(this.pipelines.matmul, { 0: A, 1: B, 2: C }, [M, K, N, K4, N4],
                  [Math.ceil(N / WORKGROUP_TILE), Math.ceil(M / WORKGROUP_TILE)]);
  }

  // T = Aᵀ for handles a (M×K) into t (K×M); queued, not waited for.
  transpose(a, t, M, K) {
    const [A, T] = [a, t].map((h) => this.matrix(h));
    const M4 = Math.ceil(M / 4);
    if (T.rows !== K || T.cols4 !== M4 || A.rows !== M) throw new RangeError("transpose shapes do not agree");
    // The kernel reads A as `A` and writes T as `C` (binding 1, B, is not used by it).
    this.dispatch(this.pipelines.transpose, { 0: A, 2: T }, [M, K, 0, A.cols4, M4],
                  [Math.ceil((K * M4) / 64), 1]);
  }

  // Run `pipeline` on `matrices` (binding → matrix) with the shape words as its uniform; queued.
  dispatch(pipeline, matrices, shapeWords, workgroups) {
    this.scoped(() => {
      const shape = this.device.createBuffer({ size: 32, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
      this.device.queue.writeBuffer(shape, 0, new Uint32Array([...shapeWords, 0, 0, 0]));
      const entries = Object.entries(matrices).map(([binding, { buffer }]) => ({ binding: Number(binding), resource: { buffer } }));
      entries.push({ binding: 3, resource: { buffer: shape } });
      const encoder = this.device.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(pipeline);
      pass.setBindGroup(0, this.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }));
      pass.dispatchWorkgroups(...workgroups);
      pass.end();
      this.device.queue.submit([encoder.finish()]);
      shape.destroy();
    });
  }

  // The matrix's padded float32 contents, copied back from the GPU. Rejects with the first error
  // WebGPU reported for this or any earlier call, or with a GPUDeviceLostError.
  async read(handle) {
    this.throwIfFailed();
    const { buffer } = this.matrix(handle);
    let staging;
    try {
      const mapped = this.scoped(() => {
        staging = this.device.createBuffer({ size: buffer.size, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
        const encoder = this.device.createCommandEncoder();
        encoder.copyBufferToBuffer(buffer, 0, staging, 0, buffer.size);
        this.device.queue.submit([encoder.finish()]);
        return staging.mapAsync(GPUMapMode.READ);
      });
      await mapped.catch(async (error) => {
        await this.settled(); // an error WebGPU reported explains a failed mapping best
        // Nothing here unmaps or destroys the staging buffer before its mapping ends: a mapping
        // that failed without an error means the device went away.
        throw gpuFailure("lost", this.lostReason || `the GPU stopped answering (${error.message})`);
      });
      const data = new Float32Array(staging.getMappedRange().slice(0));
      await this.settled();
      return data;
    } finally {
      staging?.destroy();
    }
  }

  // Wait until every queued product has finished (for timing); throws as read() does.
  async finish() {
    this.throwIfFailed();
    await this.device.queue.onSubmittedWorkDone();
    await this.settled();
  }

  // Give the device up, as a lost GPU would (tests and the lesson's "lose the GPU" check use it).
  lose() {
    this.device.destroy();
  }

  // ---- plumbing -------------------------------------------------------------------------

  matrix(handle) {
    const entry = this.buffers.get(handle);
    if (!entry) throw new RangeError(`no matrix has handle ${handle} (released already?)`);
    return entry;
  }

  // Run `work` (WebGPU calls) inside an error scope of each kind; what they catch is recorded.
  scoped(work) {
    this.throwIfFailed();
    for (const filter of SCOPES) this.device.pushErrorScope(filter);
    try {
      return work();
    } finally {
      for (let i = 0; i < SCOPES.length; i++) this.watch(this.device.popErrorScope());
    }
  }

  watch(popped) {
    const answered = popped.then((error) => { if (error) this.record(error); }, () => {})
      .finally(() => this.unsettled.delete(answered));
    this.unsettled.add(answered);
  }

  record(error) {
    this.failure ??= gpuFailure(KIND_OF[error.constructor.name] || "internal", error.message);
  }

  // Wait until every scope popped so far has answered; throw the first error any reported.
  async settled() {
    while (this.unsettled.size) await Promise.all(this.unsettled);
    this.throwIfFailed();
  }

  throwIfFailed() {
    if (this.failure) throw this.failure;
  }
}
