// Shared declaration (not a kernel): the per-step uniform of both trainers' gather, backward and update kernels,
// pulled in by their `//!include train_step` line (src/gpu/shaders.ts). One writer fills it for every kernel:
// `Step` in src/gpu/structs.ts. What differs between the models of a sweep is in optimizer.wgsl's ModelHyper.

//!struct Step
