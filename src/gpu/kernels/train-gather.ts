// train_gather: copies one mini-batch (or evaluation chunk) of X and Y into column-padded batch buffers.
// WGSL: shaders/train_gather.wgsl. CPU twin: gatherColumns in src/reference/trainer.ts.
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { type Prepared, prepare } from '../dispatch.ts';
import { F32S, kernelInterface } from '../kernel-interface.ts';
import { GatherSizes } from '../structs.ts';

export const TRAIN_GATHER = kernelInterface('train_gather', [
  ['stepInfo', 'uniform', 'Step'],
  ['sizes', 'uniform', 'GatherSizes'],
  ['X', 'read', F32S], // (n0, srcCols)
  ['Y', 'read', F32S], // (nL, srcCols)
  ['order', 'read', 'array<u32>'],
  ['Xb', 'read_write', F32S], // (n0, stride)
  ['Yb', 'read_write', F32S], // (nL, stride)
  ['acts', 'read_write', F32S],
]);

/** Invocations per workgroup, one batch column each. */
export const GATHER_WORKGROUP = 64;

/** Batch-gather: X and Y columns of one step into Xb, Yb (and X into the activation tail when `xCopy` is set). */
export function prepareGather(
  ctx: GpuContext,
  buffers: BufferManager,
  a: {
    step: GPUBuffer;
    X: GPUBuffer;
    Y: GPUBuffer;
    order: GPUBuffer;
    Xb: GPUBuffer;
    Yb: GPUBuffer;
    acts?: GPUBuffer;
    n0: number;
    nL: number;
    srcCols: number;
    stride: number;
    xCopy?: number;
  },
): Prepared {
  const copyX = a.xCopy !== undefined && a.acts !== undefined;
  const sizes = buffers.uniform(GatherSizes.write({ n0: a.n0, nL: a.nL, srcCols: a.srcCols, stride: a.stride, xCopy: a.xCopy ?? 0, copyX: copyX ? 1 : 0 }));
  return prepare(
    ctx,
    TRAIN_GATHER,
    { stepInfo: a.step, sizes, X: a.X, Y: a.Y, order: a.order, Xb: a.Xb, Yb: a.Yb, acts: copyX ? a.acts! : buffers.sink() },
    [Math.ceil(a.stride / GATHER_WORKGROUP), 1],
    { WG: GATHER_WORKGROUP },
    `gather (${a.stride} columns)`,
  );
}
