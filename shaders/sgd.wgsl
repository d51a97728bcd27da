// Plain gradient step θ −= lr·g over one parameter tensor: the update of gd (full batch) and sgd (mini-batches).

//!include train_step

struct Sizes {
  count: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> stepInfo: Step;
@group(0) @binding(1) var<uniform> sizes: Sizes;
@group(0) @binding(2) var<storage, read_write> theta: array<f32>;
@group(0) @binding(3) var<storage, read> grad: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= sizes.count) { return; }
  theta[i] -= stepInfo.lrT * grad[i];
}
