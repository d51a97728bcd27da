// dZ_{l-1} = (W_lᵀ · dZ_l) ⊙ reluMask(Z_{l-1}) for the fused trainer: each invocation owns 4 examples (a vec4)
// of 4 units of layer l-1, in named accumulators (SwiftShader turns indexed private arrays into gathers), and
// reads W_l from the flat parameter vector.

struct Sizes {
  n: u32,        // units of layer l
  k: u32,        // units of layer l-1
  stride4: u32,  // vec4s per row of every batch matrix
  wOff: u32,     // offset (f32s) of W_l in theta
  dzIn: u32,     // offset (vec4s) of dZ_l in dZ
  dzOut: u32,    // offset (vec4s) of dZ_{l-1} in dZ
  zOff: u32,     // offset (vec4s) of Z_{l-1} in acts
  _pad: u32,
}

@group(0) @binding(0) var<uniform> sizes: Sizes;
@group(0) @binding(1) var<storage, read> theta: array<f32>;
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
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
  // Units past k read the next row's weights (still inside theta: a bias block follows every W); never stored.
  for (var i = 0u; i < n; i++) {
    let d = dZ[sizes.dzIn + i * s4 + c];
    let w = sizes.wOff + i * k + p0;
    a0 += theta[w] * d;
    a1 += theta[w + 1u] * d;
    a2 += theta[w + 2u] * d;
    a3 += theta[w + 3u] * d;
  }
  let z = sizes.zOff + p0 * s4 + c;
  let o = sizes.dzOut + p0 * s4 + c;
  dZ[o] = masked(acts[z], a0);
  if (p0 + 1u < k) { dZ[o + s4] = masked(acts[z + s4], a1); }
  if (p0 + 2u < k) { dZ[o + 2u * s4] = masked(acts[z + 2u * s4], a2); }
  if (p0 + 3u < k) { dZ[o + 3u * s4] = masked(acts[z + 3u * s4], a3); }
}
