// Interface, tuning and dispatch: src/gpu/kernels/backward-fused.ts. CPU twin: the dZ chain of backward in src/reference/backward.ts.
// The whole chain of dZ for the fused trainer in one dispatch: each invocation owns 4 examples (a vec4) and walks
// dZ_L = 2·(A_L − Y) ⊙ reluMask(Z_L), then dZ_{l-1} = (W_lᵀ · dZ_l) ⊙ reluMask(Z_{l-1}) down to dZ_1, storing
// each in dZ and reading it back (its own columns only, so no other invocation is waited for). W_l comes from
// WT, where one vec4 holds W[4g..4g+3][p]: 8 vec4 loads per 64 multiply-adds, in named accumulators.

//!include train_step

// Layer l = 1…L of the table (src/gpu/structs.ts writes it); offsets in vec4s.
//!struct BackwardLayer

//!struct BackwardSizes

//!bindings

override WG: u32 = 64u;

fn masked(z: vec4<f32>, d: vec4<f32>) -> vec4<f32> {
  // The notebook's drelu: only Z > 0 passes the gradient (a NaN Z gives 0, as on the CPU).
  return select(vec4<f32>(0.0), d, z > vec4<f32>(0.0));
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let s4 = sizes.stride4;
  if (gid.x >= s4) { return; }
  // Model gid.y: its own W, activations and dZ; Y is shared. The offsets below fold the model in.
  let wm = gid.y * sizes.wtStride4;
  let am = gid.y * sizes.actsStride4;
  let dm = gid.y * sizes.dzStride4;
  let c = gid.x;
  let L = sizes.layers;
  let top = table[L - 1u];
  let first = 4u * c;
  let live = vec4<u32>(first, first + 1u, first + 2u, first + 3u) < vec4<u32>(stepInfo.count);
  // Cross-validated members (model/folds.ts): each column's weight, 0 on this model's own fold.
  var w = vec4<f32>(1.0);
  if (sizes.weightStride > 0u) {
    let wBase = gid.y * sizes.weightStride;
    for (var t = 0u; t < 4u; t++) {
      let j = stepInfo.start + min(first + t, stepInfo.count - 1u);
      let row = select(j, order[j], stepInfo.usePerm != 0u);
      w[t] = weights[wBase + row];
    }
  }
  for (var r = 0u; r < top.n; r++) {
    let z = acts[am + top.zOffset + r * s4 + c];
    let a = acts[am + top.aOffset + r * s4 + c];
    let g = select(vec4<f32>(0.0), 2.0 * (a - Yb[r * s4 + c]) * w, live);
    dZ[dm + top.dzOffset + r * s4 + c] = masked(z, g);
  }
  for (var l = L - 1u; l >= 1u; l--) {
    // Layer l+1 (1-based) feeds dZ back to layer l: entry l describes layer l+1, entry l-1 layer l.
    let above = table[l];
    let below = table[l - 1u];
    let n = above.n;
    let k = above.k;
    let dzIn = dm + above.dzOffset;
    let dzOut = dm + below.dzOffset;
    let zOff = am + below.zOffset;
    for (var p0 = 0u; p0 < k; p0 += 4u) {
      // Inputs past k are read clamped and never stored; units past n have zero weights in WT.
      let q1 = min(p0 + 1u, k - 1u);
      let q2 = min(p0 + 2u, k - 1u);
      let q3 = min(p0 + 3u, k - 1u);
      var a0 = vec4<f32>(0.0);
      var a1 = vec4<f32>(0.0);
      var a2 = vec4<f32>(0.0);
      var a3 = vec4<f32>(0.0);
      var w = wm + above.wOffset;
      for (var i = 0u; i < n; i += 4u) {
        let d0 = dZ[dzIn + i * s4 + c];
        let d1 = dZ[dzIn + min(i + 1u, n - 1u) * s4 + c];
        let d2 = dZ[dzIn + min(i + 2u, n - 1u) * s4 + c];
        let d3 = dZ[dzIn + min(i + 3u, n - 1u) * s4 + c];
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
      let z = zOff + p0 * s4 + c;
      let o = dzOut + p0 * s4 + c;
      dZ[o] = masked(acts[z], a0);
      if (p0 + 1u < k) { dZ[o + s4] = masked(acts[z + s4], a1); }
      if (p0 + 2u < k) { dZ[o + 2u * s4] = masked(acts[z + 2u * s4], a2); }
      if (p0 + 3u < k) { dZ[o + 3u * s4] = masked(acts[z + 3u * s4], a3); }
    }
  }
}
