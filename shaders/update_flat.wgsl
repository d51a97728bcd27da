// Interface, tuning and dispatch: src/gpu/kernels/update-flat.ts. CPU twin: src/model/flat-optimizer.ts.
// The layered trainer's optimizer update over the whole flat vector W1, b1, W2, … in one dispatch: the gradient
// is already in `grad` (weight_grad wrote it, divided by m); KIND is optimizer.wgsl's rule.

//!include train_step
//!include optimizer

//!struct UpdateSizes

//!bindings

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
