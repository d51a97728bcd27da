// Shared declaration (not a kernel): the per-step uniform of the per-layer trainer's gather and optimizer
// kernels, pulled in by their `//!include train_step` line (src/gpu/shaders.ts). Layout: src/gpu/train/kernels.ts.

struct Step {
  start: u32,     // first column of this mini-batch or chunk
  usePerm: u32,   // 1: column j is order[start + j] (a shuffled mini-batch); 0: start + j
  _pad0: u32,
  _pad1: u32,
  lrT: f32,       // the step size (for Adam with both bias corrections folded in)
  epsT: f32,      // Adam's epsilon scaled by the same correction
  momentum: f32,
  beta1: f32,
  beta2: f32,
  _pad2: u32,
  _pad3: u32,
  _pad4: u32,
}
