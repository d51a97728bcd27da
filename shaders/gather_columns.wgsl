// Copies columns order[start + j] (or start + j) of a (rows, srcCols) matrix into a compact (rows, count) one:
// a shuffled mini-batch of X or Y, or a chunk of the data for evaluation. Data stays on the GPU all run long.

//!include train_step

struct Sizes {
  rows: u32,
  srcCols: u32,
  count: u32,  // columns to copy
  _pad: u32,
}

@group(0) @binding(0) var<uniform> stepInfo: Step;
@group(0) @binding(1) var<uniform> sizes: Sizes;
@group(0) @binding(2) var<storage, read> src: array<f32>;        // (rows, srcCols)
@group(0) @binding(3) var<storage, read> order: array<u32>;      // this epoch's permutation of 0..srcCols-1
@group(0) @binding(4) var<storage, read_write> dst: array<f32>;  // (rows, count)

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  let r = gid.y;
  if (j >= sizes.count || r >= sizes.rows) { return; }
  var col = stepInfo.start + j;
  if (stepInfo.usePerm != 0u) { col = order[col]; }
  dst[r * sizes.count + j] = src[r * sizes.srcCols + col];
}
