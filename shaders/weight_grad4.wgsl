// Interface, tuning and dispatch: src/gpu/kernels/weight-grad4.ts. CPU twin: the dW, db of backward in src/reference/backward.ts.
// The weight and bias gradients of every layer in one dispatch, split over the examples: invocation (block,
// chunk) sums dZ_l · [A_{l-1}; 1]ᵀ over one chunk of columns for a 4×4 block of [dW_l | db_l] (the bias is the
// product with a row of ones) and writes the partial block; train_update adds the chunks and divides by m.
// 4 units × 4 inputs × 4 examples per step: 8 vec4 loads feed 64 multiply-adds, in named accumulators.

//!struct WeightGradSizes

// One layer of the table: its first 4×4 block, blocks per row of units (ceil((k+1)/4)), n, k, the vec4 offsets
// of A_{l-1} in acts and of dZ_l in dZ, and the vec4s of acts per model for A_{l-1} (0 for layer 1, whose input X
// all models share).
//!struct GradLayer

//!bindings

override WG: u32 = 64u;

fn hsum(v: vec4<f32>) -> f32 {
  return v.x + v.y + v.z + v.w;
}

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let idx = gid.x + gid.y * groups.x * WG;
  let chunks = sizes.chunks;
  if (idx >= sizes.blocks * chunks) { return; }
  let model = gid.z;
  let blk = idx / chunks;
  let chunk = idx % chunks;
  var l = 0u;
  for (var t = 1u; t < sizes.layers; t++) {
    if (blk >= table[t].firstBlock) { l = t; }
  }
  let layer = table[l];
  let local = blk - layer.firstBlock;
  let perRow = layer.perRow;
  let n = layer.n;
  let k = layer.k;
  let j0 = (local / perRow) * 4u;
  let p0 = (local % perRow) * 4u;
  let s4 = sizes.stride4;
  // Rows past n are read clamped and never kept; input p == k is the ones row (db), past it zeros.
  let dz = model * sizes.dzStride4 + layer.dzOffset;
  let d0 = dz + min(j0, n - 1u) * s4;
  let d1 = dz + min(j0 + 1u, n - 1u) * s4;
  let d2 = dz + min(j0 + 2u, n - 1u) * s4;
  let d3 = dz + min(j0 + 3u, n - 1u) * s4;
  let aBase = model * layer.aStride + layer.aOffset;
  let r0 = aBase + min(p0, k - 1u) * s4;
  let r1 = aBase + min(p0 + 1u, k - 1u) * s4;
  let r2 = aBase + min(p0 + 2u, k - 1u) * s4;
  let r3 = aBase + min(p0 + 3u, k - 1u) * s4;
  // For each input row: 1 keeps the loaded value, 0 replaces it by `fill` (1 for the bias row, else 0).
  let keep = vec4<f32>(vec4<bool>(p0 < k, p0 + 1u < k, p0 + 2u < k, p0 + 3u < k));
  let fill = vec4<f32>(vec4<bool>(p0 == k, p0 + 1u == k, p0 + 2u == k, p0 + 3u == k));
  var c00 = vec4<f32>(0.0); var c01 = vec4<f32>(0.0); var c02 = vec4<f32>(0.0); var c03 = vec4<f32>(0.0);
  var c10 = vec4<f32>(0.0); var c11 = vec4<f32>(0.0); var c12 = vec4<f32>(0.0); var c13 = vec4<f32>(0.0);
  var c20 = vec4<f32>(0.0); var c21 = vec4<f32>(0.0); var c22 = vec4<f32>(0.0); var c23 = vec4<f32>(0.0);
  var c30 = vec4<f32>(0.0); var c31 = vec4<f32>(0.0); var c32 = vec4<f32>(0.0); var c33 = vec4<f32>(0.0);
  let first = chunk * sizes.chunk4;
  let last = min(s4, first + sizes.chunk4);
  for (var c = first; c < last; c++) {
    let a0 = acts[r0 + c] * keep.x + fill.x;
    let a1 = acts[r1 + c] * keep.y + fill.y;
    let a2 = acts[r2 + c] * keep.z + fill.z;
    let a3 = acts[r3 + c] * keep.w + fill.w;
    let z0 = dZ[d0 + c];
    let z1 = dZ[d1 + c];
    let z2 = dZ[d2 + c];
    let z3 = dZ[d3 + c];
    c00 += z0 * a0; c01 += z0 * a1; c02 += z0 * a2; c03 += z0 * a3;
    c10 += z1 * a0; c11 += z1 * a1; c12 += z1 * a2; c13 += z1 * a3;
    c20 += z2 * a0; c21 += z2 * a1; c22 += z2 * a2; c23 += z2 * a3;
    c30 += z3 * a0; c31 += z3 * a1; c32 += z3 * a2; c33 += z3 * a3;
  }
  let o = ((model * sizes.blocks + blk) * chunks + chunk) * 4u;
  partial[o] = vec4<f32>(hsum(c00), hsum(c01), hsum(c02), hsum(c03));
  partial[o + 1u] = vec4<f32>(hsum(c10), hsum(c11), hsum(c12), hsum(c13));
  partial[o + 2u] = vec4<f32>(hsum(c20), hsum(c21), hsum(c22), hsum(c23));
  partial[o + 3u] = vec4<f32>(hsum(c30), hsum(c31), hsum(c32), hsum(c33));
}
