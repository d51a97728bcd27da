// Z = W·A + b for one layer in the notebook's (units, m) row-major layout, tiled through workgroup memory;
// the EPILOGUE override also writes A = relu(Z) (fused), or A alone when the caller keeps no cache.

struct Sizes {
  n: u32,  // output units (rows of W and Z)
  k: u32,  // input units (columns of W, rows of A_prev)
  m: u32,  // examples (columns of A_prev and Z)
  _pad: u32,
}

@group(0) @binding(0) var<uniform> sizes: Sizes;
@group(0) @binding(1) var<storage, read> W: array<f32>;        // (n, k)
@group(0) @binding(2) var<storage, read> b: array<f32>;        // (n)
@group(0) @binding(3) var<storage, read> Aprev: array<f32>;    // (k, m)
@group(0) @binding(4) var<storage, read_write> Z: array<f32>;  // (n, m)
@group(0) @binding(5) var<storage, read_write> A: array<f32>;  // (n, m), relu(Z)

// Invocations per workgroup along m and along n, and the depth of one k step; set from src/gpu/tuning.ts.
override WG_M: u32 = 16u;
override WG_N: u32 = 4u;
override TILE_K: u32 = 16u;
// 0: write Z only; 1: write Z and A = relu(Z); 2: write A = relu(Z) only (no cache wanted).
override EPILOGUE: u32 = 1u;

// Output rows per invocation. Function-scope arrays need a const size, so src/gpu/kernels.ts rewrites this
// one number (its only substitution); everything else is an override.
const ROWS: u32 = 4u;
// Each invocation also owns 4 adjacent columns, held as one vec4 per row.
const COLS: u32 = 4u;

override TILE_M: u32 = WG_M * COLS;
override TILE_N: u32 = WG_N * ROWS;

var<workgroup> tileW: array<f32, TILE_N * TILE_K>;
var<workgroup> tileA: array<vec4<f32>, TILE_K * WG_M>;

@compute @workgroup_size(WG_M, WG_N)
fn main(@builtin(workgroup_id) wg: vec3<u32>,
        @builtin(local_invocation_id) lid: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let n = sizes.n;
  let k = sizes.k;
  let m = sizes.m;
  let col0 = wg.x * TILE_M;
  let row0 = wg.y * TILE_N;
  let threads = WG_M * WG_N;

  var acc: array<vec4<f32>, ROWS>;
  for (var k0 = 0u; k0 < k; k0 += TILE_K) {
    // Stage a TILE_N × TILE_K block of W, zero outside the matrix so edge tiles need no special case below.
    for (var i = li; i < TILE_N * TILE_K; i += threads) {
      let r = row0 + i / TILE_K;
      let c = k0 + i % TILE_K;
      var w = 0.0;
      if (r < n && c < k) { w = W[r * k + c]; }
      tileW[i] = w;
    }
    // Stage a TILE_K × TILE_M block of A_prev as vec4s of adjacent columns; m need not be a multiple of 4.
    for (var i = li; i < TILE_K * WG_M; i += threads) {
      let row = k0 + i / WG_M;
      let col = col0 + (i % WG_M) * COLS;
      var v = vec4<f32>(0.0);
      if (row < k) {
        let base = row * m + col;
        for (var c = 0u; c < COLS; c++) {
          if (col + c < m) { v[c] = Aprev[base + c]; }
        }
      }
      tileA[i] = v;
    }
    workgroupBarrier();

    let kEnd = min(TILE_K, k - k0);
    for (var kk = 0u; kk < kEnd; kk++) {
      let a = tileA[kk * WG_M + lid.x];
      for (var r = 0u; r < ROWS; r++) {
        acc[r] += tileW[(lid.y * ROWS + r) * TILE_K + kk] * a;
      }
    }
    workgroupBarrier();
  }

  let col = col0 + lid.x * COLS;
  for (var r = 0u; r < ROWS; r++) {
    let row = row0 + lid.y * ROWS + r;
    if (row >= n) { break; }
    let z = acc[r] + vec4<f32>(b[row]);
    // select keeps -0.0 as numpy's maximum(x, 0) does; NaN becomes 0 (X with NaN is rejected before upload).
    let a = select(vec4<f32>(0.0), z, z >= vec4<f32>(0.0));
    for (var c = 0u; c < COLS; c++) {
      if (col + c < m) {
        let idx = row * m + col + c;
        if (EPILOGUE != 2u) { Z[idx] = z[c]; }
        if (EPILOGUE != 0u) { A[idx] = a[c]; }
      }
    }
  }
}
