// Adam over one parameter tensor. The bias corrections come folded into lrT and epsT (computed per step on the
// CPU in float64, see adamStepScale), so θ −= lrT·m/(√v + epsT) equals the textbook lr·m̂/(√v̂ + ε).

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
@group(0) @binding(4) var<storage, read_write> m1: array<f32>;  // first moment
@group(0) @binding(5) var<storage, read_write> m2: array<f32>;  // second moment

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i >= sizes.count) { return; }
  let g = grad[i];
  let m = stepInfo.beta1 * m1[i] + (1.0 - stepInfo.beta1) * g;
  let v = stepInfo.beta2 * m2[i] + (1.0 - stepInfo.beta2) * g * g;
  m1[i] = m;
  m2[i] = v;
  theta[i] -= stepInfo.lrT * m / (sqrt(v) + stepInfo.epsT);
}
