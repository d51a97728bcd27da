// weight_grad4: partial [dW_l | db_l] of every layer of K models over chunks of the examples, 4×4 blocks.
// WGSL: shaders/weight_grad4.wgsl. CPU twin: the dW, db of backward in src/reference/backward.ts.
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { groupsFor, type Prepared, prepare } from '../dispatch.ts';
import { kernelInterface, VEC4S } from '../kernel-interface.ts';
import { WeightGradSizes } from '../structs.ts';

export const WEIGHT_GRAD4 = kernelInterface('weight_grad4', [
  ['sizes', 'uniform', 'WeightGradSizes'],
  ['table', 'read', 'array<GradLayer>'],
  ['acts', 'read', VEC4S],
  ['dZ', 'read', VEC4S],
  ['partial', 'read_write', VEC4S], // (blocks, chunks, 4 rows)
]);

/** Invocations per workgroup (one 4×4 block of one chunk each). */
export const WEIGHT_GRAD_WORKGROUP = 64;

/** Examples per chunk of the split over m (a multiple of 4): more chunks, more parallelism. */
export const WEIGHT_GRAD_CHUNK = 128;

/** Partial [dW | db] blocks of every layer of K models over chunks of `chunk4` vec4 columns. */
export function prepareWeightGrad4(
  ctx: GpuContext,
  buffers: BufferManager,
  a: {
    table: GPUBuffer;
    acts: GPUBuffer;
    dZ: GPUBuffer;
    partial: GPUBuffer;
    stride: number;
    chunks: number;
    chunk4: number;
    layers: number;
    blocks: number;
    models: number;
    dzStride4: number;
  },
): Prepared {
  const sizes = buffers.uniform(
    WeightGradSizes.write({ stride4: a.stride / 4, chunks: a.chunks, chunk4: a.chunk4, layers: a.layers, blocks: a.blocks, dzStride4: a.dzStride4 }),
  );
  const [x, y] = groupsFor(ctx, a.blocks * a.chunks, WEIGHT_GRAD_WORKGROUP);
  return prepare(
    ctx,
    WEIGHT_GRAD4,
    { sizes, table: a.table, acts: a.acts, dZ: a.dZ, partial: a.partial },
    [x, y, a.models],
    { WG: WEIGHT_GRAD_WORKGROUP },
    `dW, db (${a.models} × ${a.blocks} blocks × ${a.chunks} chunks)`,
  );
}
