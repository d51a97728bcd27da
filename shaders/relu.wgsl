// Interface, tuning and dispatch: src/gpu/kernels/relu.ts. CPU twin: relu and reluMask in src/reference/activations.ts.
// Element-wise over Z, one kernel for the design's two (MASK picks, as an override constant, so each is its own
// pipeline with no branch left at run time). CPU twins: relu and reluMask in src/reference/activations.ts.
//   MASK = 0: A = relu(Z), numpy's maximum(Z, 0), keeping -0.0 (NaN becomes 0 here);
//   MASK = 1: the notebook's drelu, 1 where Z > 0, otherwise 0 (so 0 at Z = 0 and at -0.0).

//!struct ElementwiseSizes

//!bindings

override WG: u32 = 64u;
override MASK: u32 = 0u;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  // Dispatches wider than 65535 workgroups spill into y; see dispatch1d in src/gpu/dispatch.ts.
  let i = gid.y * sizes.rowStride + gid.x;
  if (i >= sizes.count) { return; }
  let z = Z[i];
  if (MASK == 1u) {
    out[i] = select(0.0, 1.0, z > 0.0);
  } else {
    out[i] = select(0.0, z, z >= 0.0);
  }
}
