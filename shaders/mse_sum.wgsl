// Adds Σ (A_L − Y)² and the count of positive outputs over one chunk to acc[2·slot] and acc[2·slot + 1]: the
// train (slot 0) and test (slot 1) losses. One workgroup reduces the whole chunk, so the adds never race.

struct Sizes {
  count: u32,  // n_L · m of this chunk
  slot: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> sizes: Sizes;
@group(0) @binding(1) var<storage, read> A: array<f32>;
@group(0) @binding(2) var<storage, read> Y: array<f32>;
@group(0) @binding(3) var<storage, read_write> acc: array<f32>;

// A power of two: the tree below halves it.
override WG: u32 = 256u;

var<workgroup> sse: array<f32, WG>;
var<workgroup> live: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) li: u32) {
  var s = 0.0;
  var c = 0.0;
  for (var i = li; i < sizes.count; i += WG) {
    let d = A[i] - Y[i];
    s += d * d;
    if (A[i] > 0.0) { c += 1.0; }
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
    acc[2u * sizes.slot] += sse[0];
    acc[2u * sizes.slot + 1u] += live[0];
  }
}
