// The training kernels, each prepared once per run as a dispatch (pipeline, bind group, workgroups), so encoding a
// mini-batch step is a handful of setPipeline/setBindGroup/dispatch calls and no allocation. Uniforms and tables
// are written by the typed struct writers of src/gpu/structs.ts.
import type { BufferManager } from '../buffers.ts';
import { type Binding, groupsFor, type Prepared, prepare } from '../dispatch.ts';
import type { GpuContext } from '../device.ts';
import { BackwardSizes, GatherSizes, LayerSizes, LossSizes, OutputGradSizes, UpdateSizes, WeightGradSizes } from '../structs.ts';
import type { OptimizerKind } from '../../model/optimizer.ts';
import { BACKWARD_WORKGROUP, REDUCE_WORKGROUP, TRAIN_WORKGROUP, WEIGHT_GRAD_WORKGROUP } from './tuning.ts';

/** The update kernels' rule number for `kind` (shaders/optimizer.wgsl); 0 computes the gradient only. */
export function updateKind(kind: OptimizerKind | 'none'): number {
  return { none: 0, gd: 1, sgd: 1, momentum: 2, adam: 3 }[kind];
}

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
    'train_gather',
    { stepInfo: a.step, sizes, X: a.X, Y: a.Y, order: a.order, Xb: a.Xb, Yb: a.Yb, acts: copyX ? a.acts! : buffers.sink() },
    [Math.ceil(a.stride / TRAIN_WORKGROUP), 1],
    { WG: TRAIN_WORKGROUP },
    `gather (${a.stride} columns)`,
  );
}

/** Partial [dW | db] blocks of every layer of K models over chunks of `chunk4` vec4 columns (weight_grad4). */
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
    'weight_grad4',
    { sizes, table: a.table, acts: a.acts, dZ: a.dZ, partial: a.partial },
    [x, y, a.models],
    { WG: WEIGHT_GRAD_WORKGROUP },
    `dW, db (${a.models} × ${a.blocks} blocks × ${a.chunks} chunks)`,
  );
}

/** The sizes of K flat vectors and their packed copies, for train_update. */
export interface UpdateShape {
  /** One model's flat length. */
  readonly count: number;
  readonly chunks: number;
  readonly models: number;
  /** f32s per model of the partial sums, of P and of WT. */
  readonly partialStrideF: number;
  readonly pStrideF: number;
  readonly wtStrideF: number;
}

/** Gradient reduction, the optimizer update of all K models' parameters and the refresh of both packed copies. */
export function prepareFusedUpdate(
  ctx: GpuContext,
  buffers: BufferManager,
  a: UpdateShape & {
    kind: OptimizerKind | 'none';
    step: GPUBuffer;
    hyper: GPUBuffer;
    maps: GPUBuffer;
    partial: GPUBuffer;
    theta: GPUBuffer;
    grad: GPUBuffer;
    m1: GPUBuffer;
    m2: GPUBuffer;
    P: GPUBuffer;
    WT: GPUBuffer;
  },
): Prepared {
  const sizes = buffers.uniform(UpdateSizes.write(a));
  return prepare(
    ctx,
    'train_update',
    { stepInfo: a.step, sizes, maps: a.maps, partial: a.partial, theta: a.theta, grad: a.grad, m1: a.m1, m2: a.m2, P: a.P, WT: a.WT, hyper: a.hyper },
    groupsFor(ctx, a.count * a.models, TRAIN_WORKGROUP),
    { WG: TRAIN_WORKGROUP, KIND: updateKind(a.kind) },
    `update (${a.kind}, ${a.models} models)`,
  );
}

/**
 * For each of K models: acc[8·model + 2·slot] += Σ(A − Y)², acc[8·model + 2·slot + 1] += #(A > 0) over a (rows, cols)
 * block stored `stride` wide, model i's A starting i·modelStrideF floats in (loss_sum; one workgroup per model).
 */
export function prepareLossSum(
  ctx: GpuContext,
  buffers: BufferManager,
  a: { A: Binding; Y: Binding; acc: GPUBuffer; rows: number; cols: number; stride: number; slot: number; models?: number; modelStrideF?: number },
): Prepared {
  const sizes = buffers.uniform(LossSizes.write({ rows: a.rows, cols: a.cols, stride: a.stride, slot: a.slot, modelStrideF: a.modelStrideF ?? 0 }));
  return prepare(ctx, 'loss_sum', { sizes, A: a.A, Y: a.Y, acc: a.acc }, [1, a.models ?? 1], { WG: REDUCE_WORKGROUP }, `loss (${a.cols}, slot ${a.slot})`);
}

/** dZ_L and every dZ_{l-1} = (W_lᵀ·dZ_l) ⊙ reluMask(Z_{l-1}) of K models in one dispatch (backward_fused). */
export function prepareBackwardFused(
  ctx: GpuContext,
  buffers: BufferManager,
  a: {
    step: GPUBuffer;
    table: GPUBuffer;
    WT: GPUBuffer;
    acts: GPUBuffer;
    Yb: GPUBuffer;
    dZ: GPUBuffer;
    layers: number;
    stride: number;
    models: number;
    wtStride4: number;
    actsStride4: number;
    dzStride4: number;
  },
): Prepared {
  const s4 = a.stride / 4;
  const sizes = buffers.uniform(
    BackwardSizes.write({ layers: a.layers, stride4: s4, wtStride4: a.wtStride4, actsStride4: a.actsStride4, dzStride4: a.dzStride4 }),
  );
  return prepare(
    ctx,
    'backward_fused',
    { stepInfo: a.step, sizes, table: a.table, WT: a.WT, acts: a.acts, Yb: a.Yb, dZ: a.dZ },
    [Math.ceil(s4 / BACKWARD_WORKGROUP), a.models],
    { WG: BACKWARD_WORKGROUP },
    `dZ (${a.models} × ${a.layers} layers)`,
  );
}

/** dZ_L = 2(A_L − Y) ⊙ mask_L over (rows, stride), zero past the step's count (mse_grad). */
export function prepareOutputGrad(
  ctx: GpuContext,
  buffers: BufferManager,
  a: { step: GPUBuffer; mask: Binding; A: Binding; Y: Binding; dZ: Binding; rows: number; stride: number },
): Prepared {
  return prepare(
    ctx,
    'mse_grad',
    { stepInfo: a.step, sizes: buffers.uniform(OutputGradSizes.write({ rows: a.rows, stride: a.stride })), mask: a.mask, A: a.A, Y: a.Y, dZ: a.dZ },
    groupsFor(ctx, a.rows * a.stride, TRAIN_WORKGROUP),
    { WG: TRAIN_WORKGROUP },
    `dZ_L (${a.rows}x${a.stride})`,
  );
}

/** dW = dZ·Aprevᵀ/count and db = rowsum(dZ)/count for a layer of n units and k inputs (weight_grad). */
export function prepareLayerGrad(
  ctx: GpuContext,
  buffers: BufferManager,
  a: { step: GPUBuffer; dZ: Binding; Aprev: Binding; dW: Binding; db: Binding; n: number; k: number; m: number; label: string },
): Prepared {
  return prepare(
    ctx,
    'weight_grad',
    { stepInfo: a.step, sizes: buffers.uniform(LayerSizes.write({ n: a.n, k: a.k, m: a.m })), dZ: a.dZ, Aprev: a.Aprev, dW: a.dW, db: a.db },
    groupsFor(ctx, a.n * (a.k + 1), TRAIN_WORKGROUP),
    { WG: TRAIN_WORKGROUP },
    a.label,
  );
}

/** dZprev = (Wᵀ·dZ) ⊙ maskPrev, (k, m) (backprop_dz). */
export function prepareBackpropDz(
  ctx: GpuContext,
  buffers: BufferManager,
  a: { W: Binding; dZ: Binding; mask: Binding; dZprev: Binding; n: number; k: number; m: number; label: string },
): Prepared {
  const maxX = ctx.limits.maxComputeWorkgroupsPerDimension;
  const groups: [number, number] = [Math.ceil(a.m / TRAIN_WORKGROUP), a.k];
  if (groups[0] > maxX || groups[1] > maxX) throw new RangeError(`backprop_dz over (${a.k}, ${a.m}) needs more than ${maxX} workgroups in one dimension.`);
  return prepare(
    ctx,
    'backprop_dz',
    { sizes: buffers.uniform(LayerSizes.write({ n: a.n, k: a.k, m: a.m })), W: a.W, dZ: a.dZ, mask: a.mask, dZprev: a.dZprev },
    groups,
    { WG: TRAIN_WORKGROUP },
    a.label,
  );
}

/** The optimizer update of one model's whole flat vector from `grad` (update_flat); `hyper` holds its lr and μ. */
export function prepareFlatUpdate(
  ctx: GpuContext,
  buffers: BufferManager,
  a: { kind: OptimizerKind; step: GPUBuffer; hyper: GPUBuffer; theta: GPUBuffer; grad: GPUBuffer; m1: GPUBuffer; m2: GPUBuffer; count: number },
): Prepared {
  const sizes = buffers.uniform(UpdateSizes.write({ count: a.count, chunks: 0, models: 1, partialStrideF: 0, pStrideF: 0, wtStrideF: 0 }));
  return prepare(
    ctx,
    'update_flat',
    { stepInfo: a.step, sizes, theta: a.theta, grad: a.grad, m1: a.m1, m2: a.m2, hyper: a.hyper },
    groupsFor(ctx, a.count, TRAIN_WORKGROUP),
    { WG: TRAIN_WORKGROUP, KIND: updateKind(a.kind) },
    `update (${a.kind})`,
  );
}
