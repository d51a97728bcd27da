// dZ_{l-1} = (W_lᵀ · dZ_l) ⊙ reluMask(Z_{l-1}) for the fused trainer: each invocation owns 4 examples (a vec4)
// of 4 units of layer l-1, in named accumulators (SwiftShader turns indexed private arrays into gathers). W_l
// comes from WT, where one vec4 holds W[4g..4g+3][p], so a step over 4 units of layer l is 8 vec4 loads
// (4 of dZ_l, 4 of WT) for 64 multiply-adds, as in the forward kernel.

struct Sizes {
  n: u32,        // units of layer l
  k: u32,        // units of layer l-1
  stride4: u32,  // vec4s per row of every batch matrix
  wtOff: u32,    // offset (vec4s) of W_l in WT: ceil(n/4) groups of k vec4s
  dzIn: u32,     // offset (vec4s) of dZ_l in dZ
  dzOut: u32,    // offset (vec4s) of dZ_{l-1} in dZ
  zOff: u32,     // offset (vec4s) of Z_{l-1} in acts
  _pad: u32,
}

@group(0) @binding(0) var<uniform> sizes: Sizes;
@group(0) @binding(1) var<storage, read> WT: array<vec4<f32>>;
@group(0) @binding(2) var<storage, read_write> dZ: array<vec4<f32>>;
@group(0) @binding(3) var<storage, read> acts: array<vec4<f32>>;

override WG: u32 = 64u;

fn masked(z: vec4<f32>, d: vec4<f32>) -> vec4<f32> {
  // The notebook's drelu: only Z > 0 passes the gradient (a NaN Z gives 0, as on the CPU).
  return select(vec4<f32>(0.0), d, z > vec4<f32>(0.0));
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let c = gid.x;
  let p0 = gid.y * 4u;
  let n = sizes.n;
  let k = sizes.k;
  let s4 = sizes.stride4;
  if (c >= s4 || p0 >= k) { return; }
  // Inputs past k are read clamped and never stored; units past n have zero weights in WT.
  let q1 = min(p0 + 1u, k - 1u);
  let q2 = min(p0 + 2u, k - 1u);
  let q3 = min(p0 + 3u, k - 1u);
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
  var w = sizes.wtOff;
  for (var i = 0u; i < n; i += 4u) {
    let d0 = dZ[sizes.dzIn + i * s4 + c];
    let d1 = dZ[sizes.dzIn + min(i + 1u, n - 1u) * s4 + c];
    let d2 = dZ[sizes.dzIn + min(i + 2u, n - 1u) * s4 + c];
    let d3 = dZ[sizes.dzIn + min(i + 3u, n - 1u) * s4 + c];
    let w0 = WT[w + p0];
    let w1 = WT[w + q1];
    let w2 = WT[w + q2];
    let w3 = WT[w + q3];
    a0 += w0.x * d0 + w0.y * d1 + w0.z * d2 + w0.w * d3;
    a1 += w1.x * d0 + w1.y * d1 + w1.z * d2 + w1.w * d3;
    a2 += w2.x * d0 + w2.y * d1 + w2.z * d2 + w2.w * d3;
    a3 += w3.x * d0 + w3.y * d1 + w3.z * d2 + w3.w * d3;
    w += k;
  }
  let z = sizes.zOff + p0 * s4 + c;
  let o = sizes.dzOut + p0 * s4 + c;
  dZ[o] = masked(acts[z], a0);
  if (p0 + 1u < k) { dZ[o + s4] = masked(acts[z + s4], a1); }
  if (p0 + 2u < k) { dZ[o + 2u * s4] = masked(acts[z + 2u * s4], a2); }
  if (p0 + 3u < k) { dZ[o + 3u * s4] = masked(acts[z + 3u * s4], a3); }
}
