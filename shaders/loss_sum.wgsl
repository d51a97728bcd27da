// Adds Σ (A_L − Y)² and the count of positive outputs over one evaluation chunk to acc[2·slot] and
// acc[2·slot + 1], for the fused trainer, whose batch matrices have padded rows (stride ≥ cols). One workgroup
// reduces the chunk, so the adds never race.

struct LossSizes {
  rows: u32,         // n_L
  cols: u32,         // examples in this chunk
  stride: u32,       // columns per row in memory
  slot: u32,         // 0 train, 1 test, 2 validation
  modelStride: u32,  // f32s of A per model (model = workgroup y; each has 8 sums in acc)
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> sizes: LossSizes;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> Y: array<f32>;
@group(0) @binding(3) var<storage, read_write> acc: array<f32>;

// A power of two: the tree below halves it.
override WG: u32 = 256u;

var<workgroup> sse: array<f32, WG>;
var<workgroup> live: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wg: vec3<u32>) {
  let base = wg.y * sizes.modelStride;
  var s = 0.0;
  var c = 0.0;
  let count = sizes.rows * sizes.cols;
  for (var t = li; t < count; t += WG) {
    let i = (t / sizes.cols) * sizes.stride + t % sizes.cols;
    let a = A[base + i];
    let d = a - Y[i];
    s += d * d;
    if (a > 0.0) { c += 1.0; }
  }
  sse[li] = s;
  live[li] = c;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half = half / 2u) {
    if (li < half) {
      sse[li] += sse[li + half];
      live[li] += live[li + half];
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    acc[8u * wg.y + 2u * sizes.slot] += sse[0];
    acc[8u * wg.y + 2u * sizes.slot + 1u] += live[0];
  }
}
