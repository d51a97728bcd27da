// Interface, tuning and dispatch: src/gpu/kernels/weight-grad.ts. CPU twin: the dW, db of backward in src/reference/backward.ts.
// dW_l = dZ_l · A_{l-1}ᵀ / count and db_l = rowsum(dZ_l) / count in one kernel, count being the step's examples
// (the batch matrices are `m` columns wide; columns past count are padding): A_{l-1} is read as if it had an
// extra row of ones, whose column of the product is the row sum. One invocation per entry of [dW | db].

//!include train_step

//!struct LayerSizes

//!bindings

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let n = sizes.n;
  let k = sizes.k;
  let m = sizes.m;
  let idx = gid.x + gid.y * groups.x * WG;
  if (idx >= n * (k + 1u)) { return; }
  let i = idx / (k + 1u);
  let p = idx % (k + 1u);
  let row = i * m;
  let count = min(stepInfo.count, m);
  var s = 0.0;
  if (p == k) {
    for (var j = 0u; j < count; j++) { s += dZ[row + j]; }
    db[i] = s / f32(count);
  } else {
    let arow = p * m;
    for (var j = 0u; j < count; j++) { s += dZ[row + j] * Aprev[arow + j]; }
    dW[i * k + p] = s / f32(count);
  }
}
