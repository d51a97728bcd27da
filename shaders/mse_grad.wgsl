// Interface, tuning and dispatch: src/gpu/kernels/mse-grad.ts. CPU twin: mseGradient in src/reference/loss.ts.
// The start of back-propagation at the output: dZ_L = dA_L ⊙ mask_L with dA_L = 2·(A_L − Y), the derivative of
// m·MSE (the 1/m is applied once, in weight_grad), and mask_L = relu_mask(Z_L). Over the (n_L, stride) batch
// matrices; columns past the step's count are padding and get dZ = 0.

//!include train_step

//!struct OutputGradSizes

//!bindings

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * WG;
  if (i >= sizes.rows * sizes.stride) { return; }
  var g = 0.0;
  if (mask[i] > 0.0 && i % sizes.stride < stepInfo.count) { g = 2.0 * (A[i] - Y[i]); }
  dZ[i] = g;
}
