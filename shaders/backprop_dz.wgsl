// Interface, tuning and dispatch: src/gpu/kernels/backprop-dz.ts. CPU twin: the dZ chain of backward in src/reference/backward.ts.
// dZ_{l-1} = (W_lᵀ · dZ_l) ⊙ mask_{l-1}, with mask_{l-1} = relu_mask(Z_{l-1}): dA_{l-1} fused with the mask
// multiply, so dA is never stored. One invocation per (unit p of layer l-1, example j).

//!struct LayerSizes

//!bindings

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
