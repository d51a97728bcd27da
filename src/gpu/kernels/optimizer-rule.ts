// The update rule number shared by train_update and update_flat, the `KIND` of shaders/optimizer.wgsl (an include,
// not a kernel). CPU twin: src/model/flat-optimizer.ts.
import type { OptimizerKind } from '../../model/optimizer.ts';

/** The update kernels' rule number for `kind`; 0 computes the gradient only. */
export function updateKind(kind: OptimizerKind | 'none'): number {
  return { none: 0, gd: 1, sgd: 1, momentum: 2, adam: 3 }[kind];
}

/** Invocations per workgroup of both update kernels, one parameter each. */
export const UPDATE_WORKGROUP = 64;
