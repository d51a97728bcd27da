// Interface, tuning and dispatch: src/gpu/kernels/loss-sum.ts. CPU twin: mseLoss in src/reference/loss.ts.
// Adds Σ (A_L − Y)² and the count of positive outputs over one evaluation chunk to acc[2·slot] and
// acc[2·slot + 1], for the fused trainer, whose batch matrices have padded rows (stride ≥ cols). One workgroup
// reduces the chunk, so the adds never race.

//!struct LossSizes

//!bindings

// A power of two: the tree below halves it.
override WG: u32 = 256u;

var<workgroup> sse: array<f32, WG>;
var<workgroup> live: array<f32, WG>;
var<workgroup> heldOut: array<f32, WG>;

@compute @workgroup_size(WG)
fn main(@builtin(local_invocation_index) li: u32, @builtin(workgroup_id) wg: vec3<u32>) {
  let base = wg.y * sizes.modelStrideF;
  var s = 0.0;
  var c = 0.0;
  // With folds (weightStride > 0, the training set only): a column of weight 0 is this model's own fold, whose
  // squares go to the validation slot (2) instead.
  var held = 0.0;
  let count = sizes.rows * sizes.cols;
  for (var t = li; t < count; t += WG) {
    let col = t % sizes.cols;
    let i = (t / sizes.cols) * sizes.stride + col;
    let a = A[base + i];
    let d = a - Y[i];
    if (sizes.weightStride > 0u && weights[wg.y * sizes.weightStride + sizes.colOffset + col] == 0.0) {
      held += d * d;
    } else {
      s += d * d;
    }
    if (a > 0.0) { c += 1.0; }
  }
  sse[li] = s;
  live[li] = c;
  heldOut[li] = held;
  workgroupBarrier();
  for (var half = WG / 2u; half > 0u; half = half / 2u) {
    if (li < half) {
      sse[li] += sse[li + half];
      live[li] += live[li + half];
      heldOut[li] += heldOut[li + half];
    }
    workgroupBarrier();
  }
  if (li == 0u) {
    acc[8u * wg.y + 2u * sizes.slot] += sse[0];
    acc[8u * wg.y + 2u * sizes.slot + 1u] += live[0];
    if (sizes.weightStride > 0u) { acc[8u * wg.y + 4u] += heldOut[0]; }
  }
}
