// The whole MLP in one kernel (tiny-cuda-nn style): each invocation carries 4 examples (one vec4 per unit) through
// every layer in private memory, so no activation touches a storage buffer between layers. Z and A go to the
// cache only when WRITE_CACHE is set; otherwise only A_L is written.

struct Sizes {
  m: u32,       // examples
  layers: u32,  // L
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> sizes: Sizes;
// dims[0..L], then for each layer the offset (in vec4s) of its block in P, then of its Z_l in the cache (in f32s).
@group(0) @binding(1) var<storage, read> shape: array<u32>;
// Per layer, per group of 4 output units g: kPad = ceil(k/4)·4 vec4s (W[4g..4g+3][p] for p < kPad), then the 4
// biases. Padded units and inputs have zero weights, so padded activations are exactly 0.
@group(0) @binding(2) var<storage, read> P: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> X: array<f32>;                // (dims[0], m)
@group(0) @binding(4) var<storage, read_write> out: array<f32>;        // A_L, (dims[L], m)
@group(0) @binding(5) var<storage, read_write> cache: array<f32>;      // [Z1, A1, …, ZL, AL], each (dims[l], m)

override WG: u32 = 64u;
override WRITE_CACHE: bool = false;

// Widest layer (rounded up to 4) the private arrays hold. Function-scope arrays need a const size, so
// src/gpu/kernels.ts rewrites this number from src/gpu/tuning.ts (its one substitution mechanism).
const MAX_WIDTH: u32 = 64u;

fn pad4(x: u32) -> u32 {
  return (x + 3u) & ~3u;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let m = sizes.m;
  let L = sizes.layers;
  let col = gid.x * 4u;
  if (col >= m) { return; }
  let full = col + 4u <= m;

  // Two halves: layer l reads one and writes the other.
  var h: array<vec4<f32>, 2u * MAX_WIDTH>;
  let k0 = shape[0];
  for (var p = k0; p < pad4(k0); p++) { h[p] = vec4<f32>(0.0); }
  for (var p = 0u; p < k0; p++) {
    let base = p * m + col;
    if (full) {
      h[p] = vec4<f32>(X[base], X[base + 1u], X[base + 2u], X[base + 3u]);
    } else {
      var v = vec4<f32>(0.0);
      for (var c = 0u; c < m - col; c++) { v[c] = X[base + c]; }
      h[p] = v;
    }
  }

  var inBase = 0u;
  var outBase = MAX_WIDTH;
  for (var l = 0u; l < L; l++) {
    let k = pad4(shape[l]);
    let n = shape[l + 1u];
    var blk = shape[L + 1u + l];
    let zOff = shape[2u * L + 1u + l] * m;
    for (var g = 0u; g * 4u < n; g++) {
      var z0 = vec4<f32>(0.0);
      var z1 = vec4<f32>(0.0);
      var z2 = vec4<f32>(0.0);
      var z3 = vec4<f32>(0.0);
      // 4 inputs × 4 units per step: 8 vec4 loads feed 64 multiply-adds.
      for (var p = 0u; p < k; p += 4u) {
        let a0 = h[inBase + p];
        let a1 = h[inBase + p + 1u];
        let a2 = h[inBase + p + 2u];
        let a3 = h[inBase + p + 3u];
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
      var z = array<vec4<f32>, 4>(z0 + bias.x, z1 + bias.y, z2 + bias.z, z3 + bias.w);
      for (var u = 0u; u < 4u; u++) {
        let j = g * 4u + u;
        // select keeps -0.0 as numpy's maximum(x, 0) does.
        let a = select(vec4<f32>(0.0), z[u], z[u] >= vec4<f32>(0.0));
        h[outBase + j] = a;
        if (j < n && (WRITE_CACHE || l + 1u == L)) {
          let zBase = zOff + j * m + col;
          let aBase = zBase + n * m;
          let oBase = j * m + col;
          for (var c = 0u; c < min(4u, m - col); c++) {
            if (WRITE_CACHE) {
              cache[zBase + c] = z[u][c];
              cache[aBase + c] = a[c];
            }
            if (l + 1u == L) { out[oBase + c] = a[c]; }
          }
        }
      }
    }
    let t = inBase;
    inBase = outBase;
    outBase = t;
  }
}
