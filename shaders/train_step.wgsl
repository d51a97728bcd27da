// Shared declaration (not a kernel): the per-step uniform of both trainers' gather, backward and update kernels,
// pulled in by their `//!include train_step` line (src/gpu/shaders.ts). One writer fills it for every kernel:
// `Step` in src/gpu/structs.ts. What differs between the models of a sweep is in optimizer.wgsl's ModelHyper.

struct Step {
  start: u32,     // first column of this mini-batch or chunk
  usePerm: u32,   // 1: column j is order[start + j] (a shuffled mini-batch); 0: start + j
  count: u32,     // examples in this mini-batch or chunk (the m of the 1/m; 0 where a kernel does not use it)
  _pad1: u32,
  lrT: f32,       // the step-size factor each model's lr is multiplied by (Adam's bias corrections; else 1)
  epsT: f32,      // Adam's epsilon scaled by the same correction
  momentum: f32,  // unused since μ is per model (kept so the struct's layout stays put)
  beta1: f32,
  beta2: f32,
  _pad2: u32,
  _pad3: u32,
  _pad4: u32,
}
