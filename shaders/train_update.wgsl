// The gradient and the optimizer update of every parameter in one dispatch, over the flat vector W1, b1, W2, …:
// adds weight_grad4's partial sums over the chunks, divides by m, applies the rule KIND (optimizer.wgsl; 0 only
// stores the gradient), and writes θ to the flat vector, to the fused forward kernel's packed
// copy and to backward_fused's transposed copy of W, so no repacking pass is needed.

//!include train_step
//!include optimizer

struct UpdateSizes {
  count: u32,          // length of one model's flat vector
  chunks: u32,         // partial sums per gradient entry
  models: u32,         // K
  partialStride: u32,  // f32s of partial sums per model
  pStride: u32,        // f32s of P per model
  wtStride: u32,       // f32s of WT per model
  _pad0: u32,
  _pad1: u32,
}

const NONE: u32 = 0xffffffffu;

@group(0) @binding(0) var<uniform> stepInfo: Step;
@group(0) @binding(1) var<uniform> sizes: UpdateSizes;
@group(0) @binding(10) var<uniform> hyper: array<ModelHyper, MAX_MODELS>;
// Per flat entry: where its first partial sum is (f32s; the next chunk's is 16 further), its index in the packed
// copy P, and in the transposed copy WT; NONE where there is none (padding; biases have no WT entry). One buffer,
// so the kernel stays within 8 storage buffers, the WebGPU default per stage.
@group(0) @binding(2) var<storage, read> maps: array<vec4<u32>>;
@group(0) @binding(3) var<storage, read> partial: array<f32>;
@group(0) @binding(4) var<storage, read_write> theta: array<f32>;
@group(0) @binding(5) var<storage, read_write> grad: array<f32>;
@group(0) @binding(6) var<storage, read_write> m1: array<f32>;     // velocity, or Adam's first moment
@group(0) @binding(7) var<storage, read_write> m2: array<f32>;     // Adam's second moment
@group(0) @binding(8) var<storage, read_write> P: array<f32>;
@group(0) @binding(9) var<storage, read_write> WT: array<f32>;   // backward_fused's transposed copy of W

override WG: u32 = 64u;
override KIND: u32 = 0u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  // Entry e of model `model`: one invocation per entry of the K flat vectors back to back.
  let idx = gid.x + gid.y * groups.x * WG;
  if (idx >= sizes.count * sizes.models) { return; }
  let model = idx / sizes.count;
  let e = idx % sizes.count;
  let map = maps[e];
  if (map.x == NONE) { return; }
  let src = model * sizes.partialStride + map.x;
  let i = idx;
  var s = 0.0;
  for (var c = 0u; c < sizes.chunks; c++) { s += partial[src + 16u * c]; }
  let g = s / f32(stepInfo.count);
  grad[i] = g;
  if (KIND == 0u) { return; }
  let states = optimizer_states(KIND);
  var x = OptState(theta[i], 0.0, 0.0);
  if (states >= 1u) { x.s1 = m1[i]; }
  if (states >= 2u) { x.s2 = m2[i]; }
  let y = optimizer_step(KIND, stepInfo, hyper[model], x, g);
  if (states >= 1u) { m1[i] = y.s1; }
  if (states >= 2u) { m2[i] = y.s2; }
  let t = y.theta;
  theta[i] = t;
  if (map.y != NONE) { P[model * sizes.pStride + map.y] = t; }
  if (map.z != NONE) { WT[model * sizes.wtStride + map.z] = t; }
}
