// mse_grad: dZ_L = 2(A_L − Y) ⊙ mask_L over the (rows, stride) batch, zero past the step's count.
// WGSL: shaders/mse_grad.wgsl. CPU twin: mseGradient in src/reference/loss.ts.
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { type Binding, groupsFor, type Prepared, prepare } from '../dispatch.ts';
import { F32S, kernelInterface } from '../kernel-interface.ts';
import { OutputGradSizes } from '../structs.ts';

export const MSE_GRAD = kernelInterface('mse_grad', [
  ['stepInfo', 'uniform', 'Step'],
  ['sizes', 'uniform', 'OutputGradSizes'],
  ['mask', 'read', F32S],
  ['A', 'read', F32S],
  ['Y', 'read', F32S],
  ['dZ', 'read_write', F32S],
]);

/** Invocations per workgroup, one entry of dZ_L each. */
export const MSE_GRAD_WORKGROUP = 64;

/** dZ_L = 2(A_L − Y) ⊙ mask_L over (rows, stride). */
export function prepareOutputGrad(
  ctx: GpuContext,
  buffers: BufferManager,
  a: { step: GPUBuffer; mask: Binding; A: Binding; Y: Binding; dZ: Binding; rows: number; stride: number },
): Prepared {
  return prepare(
    ctx,
    MSE_GRAD,
    { stepInfo: a.step, sizes: buffers.uniform(OutputGradSizes.write({ rows: a.rows, stride: a.stride })), mask: a.mask, A: a.A, Y: a.Y, dZ: a.dZ },
    groupsFor(ctx, a.rows * a.stride, MSE_GRAD_WORKGROUP),
    { WG: MSE_GRAD_WORKGROUP },
    `dZ_L (${a.rows}x${a.stride})`,
  );
}
