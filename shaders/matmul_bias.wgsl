// Interface, tuning and dispatch: src/gpu/kernels/matmul-bias.ts. CPU twin: matmulBias in src/reference/matmul.ts.
// Z = W·A + b for one layer in the notebook's (units, m) row-major layout; each invocation computes 4 rows × 4
// columns. TILED stages W and A through workgroup memory (for real GPUs); without it every invocation reads
// storage directly, which SwiftShader runs faster (no barriers). EPILOGUE also writes A = relu(Z), or A alone.

//!struct LayerSizes

//!bindings

// Invocations per workgroup along m and along n, and the depth of one k step; set from MATMUL_TILINGS in src/gpu/kernels/matmul-bias.ts.
override WG_M: u32 = 16u;
override WG_N: u32 = 4u;
override TILE_K: u32 = 16u;
override TILED: bool = true;
// 0: write Z only; 1: write Z and A = relu(Z); 2: write A = relu(Z) only (no cache wanted).
override EPILOGUE: u32 = 1u;

// Each invocation owns 4 rows (the named accumulators z0…z3) and 4 adjacent columns (their vec4 lanes). Named
// accumulators matter: SwiftShader turns a dynamically indexed private array into per-lane gathers.
const ROWS: u32 = 4u;
const COLS: u32 = 4u;

override TILE_M: u32 = WG_M * COLS;
override TILE_N: u32 = WG_N * ROWS;

var<workgroup> tileW: array<f32, TILE_N * TILE_K>;
var<workgroup> tileA: array<vec4<f32>, TILE_K * WG_M>;

// A_prev[p, col..col+3], zero past the last column.
fn loadColumns(p: u32, col: u32, m: u32) -> vec4<f32> {
  let base = p * m + col;
  if (col + COLS <= m) {
    return vec4<f32>(Aprev[base], Aprev[base + 1u], Aprev[base + 2u], Aprev[base + 3u]);
  }
  var v = vec4<f32>(0.0);
  for (var c = 0u; c < COLS; c++) {
    if (col + c < m) { v[c] = Aprev[base + c]; }
  }
  return v;
}

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

  let col = col0 + lid.x * COLS;
  let r0 = row0 + lid.y * ROWS;
  var z0 = vec4<f32>(0.0);
  var z1 = vec4<f32>(0.0);
  var z2 = vec4<f32>(0.0);
  var z3 = vec4<f32>(0.0);
  if (TILED) {
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
        var v = vec4<f32>(0.0);
        if (row < k) { v = loadColumns(row, col0 + (i % WG_M) * COLS, m); }
        tileA[i] = v;
      }
      workgroupBarrier();
      let kEnd = min(TILE_K, k - k0);
      let wBase = lid.y * ROWS * TILE_K;
      for (var kk = 0u; kk < kEnd; kk++) {
        let a = tileA[kk * WG_M + lid.x];
        z0 += tileW[wBase + kk] * a;
        z1 += tileW[wBase + TILE_K + kk] * a;
        z2 += tileW[wBase + 2u * TILE_K + kk] * a;
        z3 += tileW[wBase + 3u * TILE_K + kk] * a;
      }
      workgroupBarrier();
    }
  } else {
    // Rows past n read row n-1 (in bounds); their sums are never written.
    let w0 = min(r0, n - 1u) * k;
    let w1 = min(r0 + 1u, n - 1u) * k;
    let w2 = min(r0 + 2u, n - 1u) * k;
    let w3 = min(r0 + 3u, n - 1u) * k;
    for (var p = 0u; p < k; p++) {
      let a = loadColumns(p, col, m);
      z0 += W[w0 + p] * a;
      z1 += W[w1 + p] * a;
      z2 += W[w2 + p] * a;
      z3 += W[w3 + p] * a;
    }
  }
  let acc = array<vec4<f32>, ROWS>(z0, z1, z2, z3);

  for (var r = 0u; r < ROWS; r++) {
    let row = r0 + r;
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
