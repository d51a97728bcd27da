// The fused trainer's dispatches, prepared once per run (pipeline, bind group, workgroup counts), so encoding a
// mini-batch step is a handful of setPipeline/setBindGroup/dispatch calls and no allocation.
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { dispatch1d, getPipeline } from '../kernels.ts';
import type { OptimizerKind } from '../../model/optimizer.ts';
import { BACKWARD_WORKGROUP, REDUCE_WORKGROUP, TRAIN_WORKGROUP, WEIGHT_GRAD_WORKGROUP } from './tuning.ts';

/** One compute dispatch, ready to encode. */
export interface Prepared {
  readonly pipeline: GPUComputePipeline;
  readonly bindGroup: GPUBindGroup;
  readonly groups: readonly [number, number];
}

/** Encodes prepared dispatches, in order, into `pass`. */
export function encodePrepared(pass: GPUComputePassEncoder, list: readonly Prepared[]): void {
  for (const d of list) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(d.groups[0], d.groups[1]);
  }
}

/** A dispatch of kernel `shader` over `bindings` (in binding order), with override constants. */
export function prepare(
  ctx: GpuContext, shader: string, bindings: readonly GPUBuffer[], groups: readonly [number, number],
  constants: Record<string, number>, label: string,
): Prepared {
  const pipeline = getPipeline(ctx, { shader, constants });
  const bindGroup = ctx.device.createBindGroup({
    label, layout: pipeline.getBindGroupLayout(0), entries: bindings.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  return { pipeline, bindGroup, groups };
}

/** Workgroups for `count` invocations of `wg`, folded into y past the per-dimension limit (kernels unfold it). */
export function groupsFor(ctx: GpuContext, count: number, wg: number): [number, number] {
  return dispatch1d(Math.max(1, Math.ceil(count / wg)), ctx.limits.maxComputeWorkgroupsPerDimension);
}

/** Batch-gather: X and Y columns of one step into Xb, Yb (and X into the activation tail when `xCopy` is set). */
export function prepareGather(
  ctx: GpuContext, buffers: BufferManager,
  a: { step: GPUBuffer; X: GPUBuffer; Y: GPUBuffer; order: GPUBuffer; Xb: GPUBuffer; Yb: GPUBuffer; acts: GPUBuffer; n0: number; nL: number; srcCols: number; stride: number; xCopy?: number },
): Prepared {
  const sizes = buffers.uniform([a.n0, a.nL, a.srcCols, a.stride, a.xCopy ?? 0, a.xCopy === undefined ? 0 : 1, 0, 0]);
  return prepare(ctx, 'train_gather', [a.step, sizes, a.X, a.Y, a.order, a.Xb, a.Yb, a.acts],
    [Math.ceil(a.stride / TRAIN_WORKGROUP), 1], { WG: TRAIN_WORKGROUP }, `gather (${a.stride} columns)`);
}

/** Partial [dW | db] blocks of every layer over chunks of `chunk4` vec4 columns. */
export function prepareWeightGrad(
  ctx: GpuContext, buffers: BufferManager,
  a: { table: GPUBuffer; acts: GPUBuffer; dZ: GPUBuffer; partial: GPUBuffer; stride: number; chunks: number; chunk4: number; layers: number; blocks: number },
): Prepared {
  const sizes = buffers.uniform([a.stride / 4, a.chunks, a.chunk4, a.layers, a.blocks, 0, 0, 0]);
  return prepare(ctx, 'weight_grad4', [sizes, a.table, a.acts, a.dZ, a.partial], groupsFor(ctx, a.blocks * a.chunks, WEIGHT_GRAD_WORKGROUP),
    { WG: WEIGHT_GRAD_WORKGROUP }, `dW, db (${a.blocks} blocks × ${a.chunks} chunks)`);
}

/** The update kernel's rule number for `kind`; 0 computes the gradient only. */
export function updateKind(kind: OptimizerKind | 'none'): number {
  return { none: 0, gd: 1, sgd: 1, momentum: 2, adam: 3 }[kind];
}

/** Gradient reduction and the optimizer update of all parameters in one dispatch. */
export function prepareUpdate(
  ctx: GpuContext, buffers: BufferManager,
  a: { kind: OptimizerKind | 'none'; step: GPUBuffer; maps: GPUBuffer; partial: GPUBuffer; theta: GPUBuffer; grad: GPUBuffer; m1: GPUBuffer; m2: GPUBuffer; P: GPUBuffer; WT: GPUBuffer; count: number; chunks: number },
): Prepared {
  const sizes = buffers.uniform([a.count, a.chunks, 0, 0]);
  const groups = [Math.ceil(a.count / TRAIN_WORKGROUP), 1] as const;
  return prepare(ctx, 'train_update', [a.step, sizes, a.maps, a.partial, a.theta, a.grad, a.m1, a.m2, a.P, a.WT], groups,
    { WG: TRAIN_WORKGROUP, KIND: updateKind(a.kind) }, `update (${a.kind})`);
}

/** acc[2·slot] += Σ(A − Y)², acc[2·slot+1] += #(A > 0) over a (rows, cols) chunk stored `stride` wide. */
export function prepareLossSum(
  ctx: GpuContext, buffers: BufferManager,
  a: { A: GPUBuffer; Y: GPUBuffer; acc: GPUBuffer; rows: number; cols: number; stride: number; slot: number },
): Prepared {
  return prepare(ctx, 'loss_sum', [buffers.uniform([a.rows, a.cols, a.stride, a.slot]), a.A, a.Y, a.acc], [1, 1],
    { WG: REDUCE_WORKGROUP }, `loss (${a.cols}, slot ${a.slot})`);
}

/** dZ_L and every dZ_{l-1} = (W_lᵀ·dZ_l) ⊙ reluMask(Z_{l-1}) in one dispatch (see backward_fused.wgsl). */
export function prepareBackwardFused(
  ctx: GpuContext, buffers: BufferManager,
  a: { step: GPUBuffer; table: GPUBuffer; WT: GPUBuffer; acts: GPUBuffer; Yb: GPUBuffer; dZ: GPUBuffer; layers: number; stride: number },
): Prepared {
  const s4 = a.stride / 4;
  return prepare(ctx, 'backward_fused', [a.step, buffers.uniform([a.layers, s4, 0, 0]), a.table, a.WT, a.acts, a.Yb, a.dZ],
    [Math.ceil(s4 / BACKWARD_WORKGROUP), 1], { WG: BACKWARD_WORKGROUP }, `dZ (${a.layers} layers)`);
}
