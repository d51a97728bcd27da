// The start of back-propagation at the output: dZ_L = dA_L ⊙ reluMask(Z_L) with dA_L = 2·(A_L − Y), the
// derivative of m·MSE (the 1/m is applied once, in weight_grad). Element-wise over the (n_L, m) output.

struct Sizes {
  count: u32,  // n_L · m
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> sizes: Sizes;
@group(0) @binding(1) var<storage, read> Z: array<f32>;
@group(0) @binding(2) var<storage, read> A: array<f32>;
@group(0) @binding(3) var<storage, read> Y: array<f32>;
@group(0) @binding(4) var<storage, read_write> dZ: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= sizes.count) { return; }
  // The notebook's drelu: 1 only where Z > 0 (a NaN Z gives 0, as on the CPU).
  var g = 0.0;
  if (Z[i] > 0.0) { g = 2.0 * (A[i] - Y[i]); }
  dZ[i] = g;
}
