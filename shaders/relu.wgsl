// A = relu(Z) element-wise: numpy's maximum(Z, 0), keeping -0.0 (NaN becomes 0 here).

struct ElementwiseSizes {
  count: u32,   // number of elements
  rowStride: u32, // elements per dispatch row: num_workgroups.x * WG
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> sizes: ElementwiseSizes;
@group(0) @binding(1) var<storage, read> Z: array<f32>;
@group(0) @binding(2) var<storage, read_write> A: array<f32>;

override WG: u32 = 64u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  // Dispatches wider than 65535 workgroups spill into y; see dispatch1d in src/gpu/kernels.ts.
  let i = gid.y * sizes.rowStride + gid.x;
  if (i >= sizes.count) { return; }
  let z = Z[i];
  A[i] = select(0.0, z, z >= 0.0);
}
