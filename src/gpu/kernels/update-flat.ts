// update_flat: the layered trainer's optimizer update of one model's whole flat vector from a stored gradient.
// WGSL: shaders/update_flat.wgsl (+ optimizer.wgsl). CPU twin: src/model/flat-optimizer.ts.
import type { OptimizerKind } from '../../model/optimizer.ts';
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { groupsFor, type Prepared, prepare } from '../dispatch.ts';
import { F32S, kernelInterface } from '../kernel-interface.ts';
import { UpdateSizes } from '../structs.ts';
import { UPDATE_WORKGROUP, updateKind } from './optimizer-rule.ts';

export const UPDATE_FLAT = kernelInterface('update_flat', [
  ['stepInfo', 'uniform', 'Step'],
  ['sizes', 'uniform', 'UpdateSizes'],
  ['hyper', 'uniform', 'array<ModelHyper, MAX_MODELS>'],
  ['theta', 'read_write', F32S],
  ['grad', 'read', F32S],
  ['m1', 'read_write', F32S],
  ['m2', 'read_write', F32S],
]);

/** The optimizer update of one model's whole flat vector from `grad`; `hyper` holds its lr and μ. */
export function prepareFlatUpdate(
  ctx: GpuContext,
  buffers: BufferManager,
  a: { kind: OptimizerKind; step: GPUBuffer; hyper: GPUBuffer; theta: GPUBuffer; grad: GPUBuffer; m1: GPUBuffer; m2: GPUBuffer; count: number },
): Prepared {
  const sizes = buffers.uniform(UpdateSizes.write({ count: a.count, chunks: 0, models: 1, partialStrideF: 0, pStrideF: 0, wtStrideF: 0 }));
  return prepare(
    ctx,
    UPDATE_FLAT,
    { stepInfo: a.step, sizes, theta: a.theta, grad: a.grad, m1: a.m1, m2: a.m2, hyper: a.hyper },
    groupsFor(ctx, a.count, UPDATE_WORKGROUP),
    { WG: UPDATE_WORKGROUP, KIND: updateKind(a.kind) },
    `update (${a.kind})`,
  );
}
