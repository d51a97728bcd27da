// Interface, tuning and dispatch: src/gpu/kernels/mlp-fused.ts. CPU twin: feedForward in src/reference/forward.ts.
// The whole MLP in one kernel (tiny-cuda-nn style): each invocation carries 4 examples (one vec4 per unit) through
// every layer in private memory, so no activation touches a storage buffer between layers. Z and A go to the
// cache only when WRITE_CACHE is set; otherwise only A_L is written.

//!struct FusedSizes

//!bindings
// `shape`: dims[0..L], then for each layer the offset (in vec4s) of its block in P, then of its Z_l in the cache
// (in f32s). `P`, per layer, per group of 4 output units g: kPad = ceil(k/4)·4 vec4s (W[4g..4g+3][p] for p < kPad), then the 4
// biases. Padded units and inputs have zero weights, so padded activations are exactly 0.

override WG: u32 = 64u;
override WRITE_CACHE: bool = false;

// Widest layer (rounded up to 4) the private arrays hold. Function-scope arrays need a const size, so
// src/gpu/kernels/mlp-fused.ts rewrites this number from FUSED.maxWidth (the one `const` substitution).
const MAX_WIDTH: u32 = 64u;

// numpy's maximum(z, 0): select keeps -0.0 as numpy does.
fn relu4(z: vec4<f32>) -> vec4<f32> {
  return select(vec4<f32>(0.0), z, z >= vec4<f32>(0.0));
}

// Writes unit j0 + u (row `u` below `base`) for columns col..col+3 of an (n, m) matrix, to the cache or to out.
fn store4(base: u32, m: u32, col: u32, u: u32, j0: u32, n: u32, v: vec4<f32>, toCache: bool) {
  if (j0 + u >= n) { return; }
  let i = base + u * m;
  let count = min(4u, m - col);
  if (toCache) {
    cache[i] = v.x;
    if (count > 1u) { cache[i + 1u] = v.y; }
    if (count > 2u) { cache[i + 2u] = v.z; }
    if (count > 3u) { cache[i + 3u] = v.w; }
  } else {
    out[i] = v.x;
    if (count > 1u) { out[i + 1u] = v.y; }
    if (count > 2u) { out[i + 2u] = v.z; }
    if (count > 3u) { out[i + 3u] = v.w; }
  }
}

// Input p of X (k0, m) for columns col..col+3; 0 for the padding rows past k0 and the columns past m.
fn loadX(p: u32, k0: u32, m: u32, col: u32, full: bool) -> vec4<f32> {
  if (p >= k0) { return vec4<f32>(0.0); }
  let base = p * m + col;
  if (full) { return vec4<f32>(X[base], X[base + 1u], X[base + 2u], X[base + 3u]); }
  var v = vec4<f32>(0.0);
  for (var c = 0u; c < m - col; c++) { v[c] = X[base + c]; }
  return v;
}

fn pad4(x: u32) -> u32 {
  return (x + 3u) & ~3u;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m = sizes.m;
  let L = sizes.layers;
  let col = gid.x * 4u;
  if (col >= m) { return; }
  // K models in one dispatch: model gid.y has its own parameters, output rows and cache; X is shared.
  let pm = gid.y * sizes.paramStride4;
  let cm = gid.y * sizes.cacheStrideF;
  let om = gid.y * shape[L] * m;
  let full = col + 4u <= m;

  // Two halves: layer l reads one and writes the other. Layer 1 reads its inputs straight from X instead, so the
  // input may be wider than MAX_WIDTH (an encoded X of 173 values); only the hidden and output layers must fit.
  var h: array<vec4<f32>, 2u * MAX_WIDTH>;
  let k0 = shape[0];

  var inBase = MAX_WIDTH;
  var outBase = 0u;
  for (var l = 0u; l < L; l++) {
    let k = pad4(shape[l]);
    let n = shape[l + 1u];
    var blk = pm + shape[L + 1u + l];
    let zOff = cm + shape[2u * L + 1u + l] * m;
    for (var g = 0u; g * 4u < n; g++) {
      var z0 = vec4<f32>(0.0);
      var z1 = vec4<f32>(0.0);
      var z2 = vec4<f32>(0.0);
      var z3 = vec4<f32>(0.0);
      // 4 inputs × 4 units per step: 8 vec4 loads feed 64 multiply-adds.
      for (var p = 0u; p < k; p += 4u) {
        var a0: vec4<f32>;
        var a1: vec4<f32>;
        var a2: vec4<f32>;
        var a3: vec4<f32>;
        // A uniform branch: every invocation is on the same layer.
        if (l == 0u) {
          a0 = loadX(p, k0, m, col, full);
          a1 = loadX(p + 1u, k0, m, col, full);
          a2 = loadX(p + 2u, k0, m, col, full);
          a3 = loadX(p + 3u, k0, m, col, full);
        } else {
          a0 = h[inBase + p];
          a1 = h[inBase + p + 1u];
          a2 = h[inBase + p + 2u];
          a3 = h[inBase + p + 3u];
        }
        let w0 = P[blk + p];
        let w1 = P[blk + p + 1u];
        let w2 = P[blk + p + 2u];
        let w3 = P[blk + p + 3u];
        z0 += w0.x * a0 + w1.x * a1 + w2.x * a2 + w3.x * a3;
        z1 += w0.y * a0 + w1.y * a1 + w2.y * a2 + w3.y * a3;
        z2 += w0.z * a0 + w1.z * a1 + w2.z * a2 + w3.z * a3;
        z3 += w0.w * a0 + w1.w * a1 + w2.w * a2 + w3.w * a3;
      }
      let bias = P[blk + k];
      blk += k + 1u;
      // Named per unit, not an array indexed in a loop: SwiftShader turns dynamic indices into gathers.
      let za = z0 + bias.x;
      let zb = z1 + bias.y;
      let zc = z2 + bias.z;
      let zd = z3 + bias.w;
      let aa = relu4(za);
      let ab = relu4(zb);
      let ac = relu4(zc);
      let ad = relu4(zd);
      let j = g * 4u;
      h[outBase + j] = aa;
      h[outBase + j + 1u] = ab;
      h[outBase + j + 2u] = ac;
      h[outBase + j + 3u] = ad;
      if (WRITE_CACHE) {
        let zBase = zOff + j * m + col;
        let aBase = zBase + n * m;
        store4(zBase, m, col, 0u, j, n, za, true);
        store4(aBase, m, col, 0u, j, n, aa, true);
        store4(zBase, m, col, 1u, j, n, zb, true);
        store4(aBase, m, col, 1u, j, n, ab, true);
        store4(zBase, m, col, 2u, j, n, zc, true);
        store4(aBase, m, col, 2u, j, n, ac, true);
        store4(zBase, m, col, 3u, j, n, zd, true);
        store4(aBase, m, col, 3u, j, n, ad, true);
      }
      if (l + 1u == L) {
        let oBase = om + j * m + col;
        store4(oBase, m, col, 0u, j, n, aa, false);
        store4(oBase, m, col, 1u, j, n, ab, false);
        store4(oBase, m, col, 2u, j, n, ac, false);
        store4(oBase, m, col, 3u, j, n, ad, false);
      }
    }
    let t = inBase;
    inBase = outBase;
    outBase = t;
  }
}
