// C = A · B for row-major float32 matrices, A (M×K), B (K×N), C (M×N).
// Rows are stored padded to a multiple of 4 floats (K4 = ceil(K/4), N4 = ceil(N/4) vec4s per row;
// the padding holds zeros), so every load and store is a whole vec4.
//
// A workgroup of 16×16 threads computes a 64×64 tile of C; each thread a 4×4 block of it. The
// tiles of A and B that the 256 threads need are staged through workgroup memory 16 columns of K
// at a time: each thread loads one vec4 of A and one of B per stage, then reads 4 + 4 vec4s
// from shared memory for 16 multiply-adds of vec4s.

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

@compute @workgroup_size(16, 16)
fn main(@builtin(local_invocation_id) local: vec3<u32>, @builtin(workgroup_id) group: vec3<u32>) {
  let tx = local.x;  // which 4 columns of the tile
  let ty = local.y;  // which 4 rows of the tile
  let t = ty * 16u + tx;
  let rowBase = group.y * 64u;
  let colBase4 = group.x * 16u;  // in vec4s

  // What this thread stages: one vec4 of A (row aRow, K-columns 4·aK4..) and one of B.
  let aRow = t / 4u;
  let aK4 = t % 4u;
  let bRow = t / 16u;
  let bCol4 = t % 16u;

  var acc: array<vec4<f32>, 4>;
  let stages = (shape.K + TILE_K - 1u) / TILE_K;
  for (var s = 0u; s < stages; s++) {
    let k4 = s * 4u + aK4;
    var a = vec4<f32>(0.0);
    if (rowBase + aRow < shape.M && k4 < shape.K4) {
      a = A[(rowBase + aRow) * shape.K4 + k4];
    }
    // Scatter A's vec4 (4 columns of one row) into the column-major tile.
    let r4 = aRow / 4u;
    let lane = aRow % 4u;
    for (var j = 0u; j < 4u; j++) {
      aTile[(aK4 * 4u + j) * 16u + r4][lane] = a[j];
    }
    let k = s * TILE_K + bRow;
    var b = vec4<f32>(0.0);
    if (k < shape.K && colBase4 + bCol4 < shape.N4) {
      b = B[k * shape.N4 + colBase4 + bCol4];
    }
    bTile[bRow * 16u + bCol4] = b;
    workgroupBarrier();

    for (var kk = 0u; kk < TILE_K; kk++) {
      let aRows = aTile[kk * 16u + ty];
      let bCols = bTile[kk * 16u + tx];
      acc[0] += aRows.x * bCols;
      acc[1] += aRows.y * bCols;
      acc[2] += aRows.z * bCols;
      acc[3] += aRows.w * bCols;
    }
    workgroupBarrier();
  }

  let col4 = colBase4 + tx;
  if (col4 < shape.N4) {
    for (var i = 0u; i < 4u; i++) {
      let row = rowBase + ty * 4u + i;
      if (row < shape.M) {
        C[row * shape.N4 + col4] = acc[i];
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
