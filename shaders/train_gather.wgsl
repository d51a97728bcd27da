// Interface, tuning and dispatch: src/gpu/kernels/train-gather.ts. CPU twin: gatherColumns in src/reference/trainer.ts.
// Copies one mini-batch (or evaluation chunk) of X and Y into column-padded batch buffers for the fused trainer:
// column j < count is data column order[start + j] (or start + j); columns count..stride-1 are zero, so the
// backward pass can run on whole vec4s. With COPY_X it also writes X into the activation buffer's tail, where
// the weight-gradient kernel reads every layer's input from one binding.

//!include train_step

//!struct GatherSizes

//!bindings

override WG: u32 = 64u;

// One invocation per column, looping over the rows: one order lookup per column instead of one per entry.
@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  let n0 = sizes.n0;
  let stride = sizes.stride;
  if (j >= stride) { return; }
  let live = j < stepInfo.count;
  var col = 0u;
  if (live) {
    col = stepInfo.start + j;
    if (stepInfo.usePerm != 0u) { col = order[col]; }
  }
  for (var r = 0u; r < n0; r++) {
    var v = 0.0;
    if (live) { v = X[r * sizes.srcCols + col]; }
    Xb[r * stride + j] = v;
    if (sizes.copyX != 0u) { acts[sizes.xCopy + r * stride + j] = v; }
  }
  for (var r = 0u; r < sizes.nL; r++) {
    var v = 0.0;
    if (live) { v = Y[r * sizes.srcCols + col]; }
    Yb[r * stride + j] = v;
  }
}
