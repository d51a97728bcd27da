// The layered trainer's optimizer update over the whole flat vector W1, b1, W2, … in one dispatch: the gradient
// is already in `grad` (weight_grad wrote it, divided by m); KIND is optimizer.wgsl's rule.

//!include train_step
//!include optimizer

struct UpdateSizes {
  count: u32,          // length of the flat vector
  chunks: u32,         // unused here (train_update's partial sums), as are the strides below
  models: u32,         // 1: the layered trainer holds one model
  partialStride: u32,
  pStride: u32,
  wtStride: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> stepInfo: Step;
@group(0) @binding(1) var<uniform> sizes: UpdateSizes;
@group(0) @binding(6) var<uniform> hyper: array<ModelHyper, MAX_MODELS>;
@group(0) @binding(2) var<storage, read_write> theta: array<f32>;
@group(0) @binding(3) var<storage, read> grad: array<f32>;
@group(0) @binding(4) var<storage, read_write> m1: array<f32>;  // velocity, or Adam's first moment
@group(0) @binding(5) var<storage, read_write> m2: array<f32>;  // Adam's second moment

override WG: u32 = 64u;
override KIND: u32 = 1u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= sizes.count) { return; }
  let states = optimizer_states(KIND);
  var x = OptState(theta[i], 0.0, 0.0);
  if (states >= 1u) { x.s1 = m1[i]; }
  if (states >= 2u) { x.s2 = m2[i]; }
  let y = optimizer_step(KIND, stepInfo, hyper[0], x, grad[i]);
  if (states >= 1u) { m1[i] = y.s1; }
  if (states >= 2u) { m2[i] = y.s2; }
  theta[i] = y.theta;
}
