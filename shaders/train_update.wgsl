// Interface, tuning and dispatch: src/gpu/kernels/train-update.ts. CPU twin: src/model/flat-optimizer.ts.
// The gradient and the optimizer update of every parameter in one dispatch, over the flat vector W1, b1, W2, …:
// adds weight_grad4's partial sums over the chunks, divides by m, applies the rule KIND (optimizer.wgsl; 0 only
// stores the gradient), and writes θ to the flat vector, to the fused forward kernel's packed
// copy and to backward_fused's transposed copy of W, so no repacking pass is needed.

//!include train_step
//!include optimizer

//!struct UpdateSizes

const NONE: u32 = 0xffffffffu;

//!bindings
// `maps`, per flat entry: where its first partial sum is (f32s; the next chunk's is 16 further), its index in the packed
// copy P, and in the transposed copy WT; NONE where there is none (padding; biases have no WT entry). One buffer,
// so the kernel stays within 8 storage buffers, the WebGPU default per stage.

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
  let src = model * sizes.partialStrideF + map.x;
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
  if (map.y != NONE) { P[model * sizes.pStrideF + map.y] = t; }
  if (map.z != NONE) { WT[model * sizes.wtStrideF + map.z] = t; }
}
