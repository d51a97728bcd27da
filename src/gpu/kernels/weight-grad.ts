// weight_grad: dW = dZ·Aprevᵀ/count and db = rowsum(dZ)/count for one layer, one invocation per entry of [dW | db].
// WGSL: shaders/weight_grad.wgsl. CPU twin: the dW, db of backward in src/reference/backward.ts.
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { type Binding, groupsFor, type Prepared, prepare } from '../dispatch.ts';
import { F32S, kernelInterface } from '../kernel-interface.ts';
import { LayerSizes } from '../structs.ts';

export const WEIGHT_GRAD = kernelInterface('weight_grad', [
  ['stepInfo', 'uniform', 'Step'],
  ['sizes', 'uniform', 'LayerSizes'],
  ['dZ', 'read', F32S], // (n, m)
  ['Aprev', 'read', F32S], // (k, m)
  ['dW', 'read_write', F32S], // (n, k)
  ['db', 'read_write', F32S], // (n)
]);

/** Invocations per workgroup, one entry of [dW | db] each. */
export const LAYER_GRAD_WORKGROUP = 64;

/** dW and db of a layer of n units and k inputs over m batch columns. */
export function prepareLayerGrad(
  ctx: GpuContext,
  buffers: BufferManager,
  a: { step: GPUBuffer; dZ: Binding; Aprev: Binding; dW: Binding; db: Binding; n: number; k: number; m: number; label: string },
): Prepared {
  return prepare(
    ctx,
    WEIGHT_GRAD,
    { stepInfo: a.step, sizes: buffers.uniform(LayerSizes.write({ n: a.n, k: a.k, m: a.m })), dZ: a.dZ, Aprev: a.Aprev, dW: a.dW, db: a.db },
    groupsFor(ctx, a.n * (a.k + 1), LAYER_GRAD_WORKGROUP),
    { WG: LAYER_GRAD_WORKGROUP },
    a.label,
  );
}
