// Workgroup sizes of the training kernels, in one place; kernels.ts passes them to WGSL as `override WG`.

/** Invocations per workgroup of the element-wise and per-entry kernels (gather, gradients, updates). */
export const TRAIN_WORKGROUP = 64;

/** Invocations of the one workgroup that reduces a chunk's loss (loss_sum); a power of two. */
export const REDUCE_WORKGROUP = 256;

/** Invocations per workgroup of weight_grad4 (one 4×4 block of one chunk each). */
export const WEIGHT_GRAD_WORKGROUP = 64;

/** Examples per chunk of weight_grad4's split over m (a multiple of 4): more chunks, more parallelism. */
export const WEIGHT_GRAD_CHUNK = 128;

/** Invocations per workgroup of backward_fused (4 examples each): small, so a 128-example batch still spreads. */
export const BACKWARD_WORKGROUP = 16;
