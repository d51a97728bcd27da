// loss_sum: Σ(A − Y)² and the count of positive outputs over one evaluation chunk, one workgroup per model.
// WGSL: shaders/loss_sum.wgsl. CPU twin: mseLoss in src/reference/loss.ts.
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { type Binding, type Prepared, prepare } from '../dispatch.ts';
import { F32S, kernelInterface } from '../kernel-interface.ts';
import { LossSizes } from '../structs.ts';

export const LOSS_SUM = kernelInterface('loss_sum', [
  ['sizes', 'uniform', 'LossSizes'],
  ['A', 'read', F32S],
  ['Y', 'read', F32S],
  ['acc', 'read_write', F32S],
  ['weights', 'read', F32S], // (K, m_train): 0 on a model's own fold (model/folds.ts); unread when weightStride is 0
]);

/** Invocations of the one workgroup that reduces a chunk; a power of two. */
export const REDUCE_WORKGROUP = 256;

/**
 * For each of K models: acc[8·model + 2·slot] += Σ(A − Y)², acc[8·model + 2·slot + 1] += #(A > 0) over a (rows, cols)
 * block stored `stride` wide, model i's A starting i·modelStrideF floats in. With `weights` (the training set of
 * cross-validated members), the squares of a model's own fold (weight 0 at column colOffset + j of its row of
 * weightStride) go to acc[8·model + 4], its validation sum, instead.
 */
export function prepareLossSum(
  ctx: GpuContext,
  buffers: BufferManager,
  a: {
    A: Binding;
    Y: Binding;
    acc: GPUBuffer;
    rows: number;
    cols: number;
    stride: number;
    slot: number;
    models?: number;
    modelStrideF?: number;
    weights: GPUBuffer;
    weightStride?: number;
    colOffset?: number;
  },
): Prepared {
  const sizes = buffers.uniform(
    LossSizes.write({
      rows: a.rows,
      cols: a.cols,
      stride: a.stride,
      slot: a.slot,
      modelStrideF: a.modelStrideF ?? 0,
      weightStride: a.weightStride ?? 0,
      colOffset: a.colOffset ?? 0,
    }),
  );
  const label = `loss (${a.cols}, slot ${a.slot})`;
  return prepare(ctx, LOSS_SUM, { sizes, A: a.A, Y: a.Y, acc: a.acc, weights: a.weights }, [1, a.models ?? 1], { WG: REDUCE_WORKGROUP }, label);
}
