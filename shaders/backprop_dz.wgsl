// dZ_{l-1} = (W_lᵀ · dZ_l) ⊙ mask_{l-1}, with mask_{l-1} = relu_mask(Z_{l-1}): dA_{l-1} fused with the mask
// multiply, so dA is never stored. One invocation per (unit p of layer l-1, example j).

struct LayerSizes {
  n: u32,  // units of layer l
  k: u32,  // units of layer l-1
  m: u32,  // columns of the batch matrices
  _pad: u32,
}

@group(0) @binding(0) var<uniform> sizes: LayerSizes;
@group(0) @binding(1) var<storage, read> W: array<f32>;              // W_l (n, k)
@group(0) @binding(2) var<storage, read> dZ: array<f32>;             // dZ_l (n, m)
@group(0) @binding(3) var<storage, read> mask: array<f32>;           // mask_{l-1} (k, m)
@group(0) @binding(4) var<storage, read_write> dZprev: array<f32>;   // dZ_{l-1} (k, m)

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  let p = gid.y;
  let n = sizes.n;
  let k = sizes.k;
  let m = sizes.m;
  if (j >= m || p >= k) { return; }
  var s = 0.0;
  // The notebook's drelu: the mask is 1 only where Z > 0 (0 for a NaN Z, as on the CPU).
  if (mask[p * m + j] > 0.0) {
    for (var i = 0u; i < n; i++) { s += W[i * k + p] * dZ[i * m + j]; }
  }
  dZprev[p * m + j] = s;
}
