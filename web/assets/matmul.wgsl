// C = A · B for row-major float32 matrices, A (M×K), B (K×N), C (M×N).
// Rows are stored padded to a multiple of 4 floats (K4 = ceil(K/4), N4 = ceil(N/4) vec4s per row;
// the padding holds zeros), so every load and store is a whole vec4.
//
// A workgroup of 8×8 threads computes a 64×64 tile of C; each thread an 8×8 block of it (8 rows
// × 2 vec4s), which keeps 16 vec4 accumulators in registers. The tiles of A and B that the
// workgroup needs are staged through workgroup memory 16 columns of K at a time: each thread
// loads 4 vec4s of A and 4 of B per stage, then does 16 × 16 vec4 multiply-adds from shared
// memory. Few threads with much work each suit software adapters (SwiftShader) as well as GPUs.

struct Shape { M: u32, K: u32, N: u32, K4: u32, N4: u32 }

@group(0) @binding(0) var<storage, read> A: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read> B: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> C: array<vec4<f32>>;
@group(0) @binding(3) var<uniform> shape: Shape;

const TILE_K = 16u;
// aTile[k * 16 + r] holds rows 4r..4r+3 of A's tile at column k: one vec4 per 4 rows.
var<workgroup> aTile: array<vec4<f32>, 256>;
// bTile[k * 16 + c] holds columns 4c..4c+3 of B's tile at row k.
var<workgroup> bTile: array<vec4<f32>, 256>;

@compute @workgroup_size(8, 8)
fn main(@builtin(local_invocation_id) local: vec3<u32>, @builtin(workgroup_id) group: vec3<u32>) {
  let tx = local.x;  // which 2 vec4 columns of the tile
  let ty = local.y;  // which 8 rows of the tile
  let t = ty * 8u + tx;
  let rowBase = group.y * 64u;
  let colBase4 = group.x * 16u;  // in vec4s

  var left: array<vec4<f32>, 8>;   // rows ty*8 .. ty*8+7, columns tx*8 .. +3
  var right: array<vec4<f32>, 8>;  // the same rows, columns tx*8+4 .. +7
  let stages = (shape.K + TILE_K - 1u) / TILE_K;
  for (var s = 0u; s < stages; s++) {
    for (var q = 0u; q < 4u; q++) {
      let slot = q * 64u + t;  // 256 vec4s of each tile, 4 per thread
      // A: row aRow of the tile, K-columns 4·aK4 .. 4·aK4+3, scattered into the column-major tile.
      let aRow = slot / 4u;
      let aK4 = slot % 4u;
      let k4 = s * 4u + aK4;
      var a = vec4<f32>(0.0);
      if (rowBase + aRow < shape.M && k4 < shape.K4) {
        a = A[(rowBase + aRow) * shape.K4 + k4];
      }
      let r4 = aRow / 4u;
      let lane = aRow % 4u;
      aTile[(aK4 * 4u) * 16u + r4][lane] = a.x;
      aTile[(aK4 * 4u + 1u) * 16u + r4][lane] = a.y;
      aTile[(aK4 * 4u + 2u) * 16u + r4][lane] = a.z;
      aTile[(aK4 * 4u + 3u) * 16u + r4][lane] = a.w;
      // B: row bRow of the tile, columns 4·bCol4 .. 4·bCol4+3.
      let bRow = slot / 16u;
      let bCol4 = slot % 16u;
      let k = s * TILE_K + bRow;
      var b = vec4<f32>(0.0);
      if (k < shape.K && colBase4 + bCol4 < shape.N4) {
        b = B[k * shape.N4 + colBase4 + bCol4];
      }
      bTile[bRow * 16u + bCol4] = b;
    }
    workgroupBarrier();

    for (var kk = 0u; kk < TILE_K; kk++) {
      let rowsLow = aTile[kk * 16u + ty * 2u];
      let rowsHigh = aTile[kk * 16u + ty * 2u + 1u];
      let colsLeft = bTile[kk * 16u + tx * 2u];
      let colsRight = bTile[kk * 16u + tx * 2u + 1u];
      for (var i = 0u; i < 4u; i++) {
        left[i] += rowsLow[i] * colsLeft;
        right[i] += rowsLow[i] * colsRight;
        left[i + 4u] += rowsHigh[i] * colsLeft;
        right[i + 4u] += rowsHigh[i] * colsRight;
      }
    }
    workgroupBarrier();
  }

  let col4 = colBase4 + tx * 2u;
  for (var i = 0u; i < 8u; i++) {
    let row = rowBase + ty * 8u + i;
    if (row < shape.M) {
      if (col4 < shape.N4) {
        C[row * shape.N4 + col4] = left[i];
      }
      if (col4 + 1u < shape.N4) {
        C[row * shape.N4 + col4 + 1u] = right[i];
      }
    }
  }
}

// T = Aᵀ, for A (M×K) into T (K×M), both with padded rows; `shape` holds M, K, K4 and M4 (in N4).
// Each thread writes one vec4 of T: row j of T (column j of A), at columns 4i..4i+3 (rows of A).
@compute @workgroup_size(64)
fn transpose(@builtin(global_invocation_id) id: vec3<u32>) {
  let M4 = shape.N4;
  let j = id.x / M4;
  let i4 = id.x % M4;
  if (j >= shape.K) {
    return;
  }
  var column = vec4<f32>(0.0);
  for (var r = 0u; r < 4u; r++) {
    let row = i4 * 4u + r;
    if (row < shape.M) {
      column[r] = A[row * shape.K4 + j / 4u][j % 4u];
    }
  }
  C[j * M4 + i4] = column;
}
