// dW_l = dZ_l · A_{l-1}ᵀ / m and db_l = rowsum(dZ_l) / m in one kernel: A_{l-1} is read as if it had an extra
// row of ones, whose column of the product is the row sum. One invocation per entry of [dW | db].

struct Sizes {
  n: u32,  // units of layer l (rows of dZ and dW)
  k: u32,  // units of layer l-1 (rows of A_prev, columns of dW)
  m: u32,  // examples in the mini-batch
  _pad: u32,
}

@group(0) @binding(0) var<uniform> sizes: Sizes;
@group(0) @binding(1) var<storage, read> dZ: array<f32>;         // (n, m)
@group(0) @binding(2) var<storage, read> Aprev: array<f32>;      // (k, m)
@group(0) @binding(3) var<storage, read_write> dW: array<f32>;   // (n, k)
@group(0) @binding(4) var<storage, read_write> db: array<f32>;   // (n)

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let n = sizes.n;
  let k = sizes.k;
  let m = sizes.m;
  let idx = gid.x;
  if (idx >= n * (k + 1u)) { return; }
  let i = idx / (k + 1u);
  let p = idx % (k + 1u);
  let row = i * m;
  var s = 0.0;
  if (p == k) {
    for (var j = 0u; j < m; j++) { s += dZ[row + j]; }
    db[i] = s / f32(m);
  } else {
    let arow = p * m;
    for (var j = 0u; j < m; j++) { s += dZ[row + j] * Aprev[arow + j]; }
    dW[i * k + p] = s / f32(m);
  }
}
