// dW_l = dZ_l · A_{l-1}ᵀ / count and db_l = rowsum(dZ_l) / count in one kernel, count being the step's examples
// (the batch matrices are `m` columns wide; columns past count are padding): A_{l-1} is read as if it had an
// extra row of ones, whose column of the product is the row sum. One invocation per entry of [dW | db].

//!include train_step

struct LayerSizes {
  n: u32,  // units of layer l (rows of dZ and dW)
  k: u32,  // units of layer l-1 (rows of A_prev, columns of dW)
  m: u32,  // columns of the batch matrices
  _pad: u32,
}

@group(0) @binding(0) var<uniform> stepInfo: Step;
@group(0) @binding(1) var<uniform> sizes: LayerSizes;
@group(0) @binding(2) var<storage, read> dZ: array<f32>;         // (n, m)
@group(0) @binding(3) var<storage, read> Aprev: array<f32>;      // (k, m)
@group(0) @binding(4) var<storage, read_write> dW: array<f32>;   // (n, k)
@group(0) @binding(5) var<storage, read_write> db: array<f32>;   // (n)

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
