// dZ_L = 2·(A_L − Y) ⊙ reluMask(Z_L) for the fused trainer, reading Z_L and A_L from the packed cache; columns at
// or past the batch's count get 0, so padding never reaches a gradient. The 1/m comes later, in train_update.

struct Step {
  start: u32,
  usePerm: u32,
  count: u32,     // examples in this mini-batch
  _pad1: u32,
  lrT: f32,
  epsT: f32,
  momentum: f32,
  beta1: f32,
  beta2: f32,
  _pad2: u32,
  _pad3: u32,
  _pad4: u32,
}

struct Sizes {
  nL: u32,
  stride: u32,  // columns of every batch matrix
  zOff: u32,    // offset (f32s) of Z_L in acts
  aOff: u32,    // offset (f32s) of A_L in acts
  dzOff: u32,   // offset (f32s) of dZ_L in dZ
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> stepInfo: Step;
@group(0) @binding(1) var<uniform> sizes: Sizes;
@group(0) @binding(2) var<storage, read> acts: array<f32>;
@group(0) @binding(3) var<storage, read> Yb: array<f32>;          // (nL, stride)
@group(0) @binding(4) var<storage, read_write> dZ: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let j = gid.x;
  let r = gid.y;
  if (j >= sizes.stride || r >= sizes.nL) { return; }
  let i = r * sizes.stride + j;
  // The notebook's drelu: 1 only where Z > 0 (a NaN Z gives 0, as on the CPU).
  var g = 0.0;
  if (j < stepInfo.count && acts[sizes.zOff + i] > 0.0) { g = 2.0 * (acts[sizes.aOff + i] - Yb[i]); }
  dZ[sizes.dzOff + i] = g;
}
