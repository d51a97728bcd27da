// Encodes the training kernels (shaders/gather_columns, mse_grad, loss_sum, weight_grad, backprop_dz, sgd,
// momentum, adam) into a compute pass; pipelines come from the shared per-device cache in src/gpu/kernels.ts.
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { dispatch1d, getPipeline } from '../kernels.ts';
import type { OptimizerKind } from '../../model/optimizer.ts';
import { REDUCE_WORKGROUP, STEP_BYTES, TRAIN_WORKGROUP } from './tuning.ts';

/** One row of the step table: what changes from one mini-batch (or evaluation chunk) to the next. */
export interface StepEntry {
  readonly start: number;
  readonly usePerm: boolean;
  /** Examples in this mini-batch or chunk (read by the fused trainer's kernels only). */
  readonly count?: number;
  readonly lrT: number;
  readonly epsT: number;
  readonly momentum: number;
  readonly beta1: number;
  readonly beta2: number;
}

/** Writes `entry` at index `i` of a step table laid out as WGSL's `Step` struct. */
export function writeStepEntry(table: ArrayBuffer, i: number, entry: StepEntry): void {
  const u = new Uint32Array(table, i * STEP_BYTES, STEP_BYTES / 4);
  const f = new Float32Array(table, i * STEP_BYTES, STEP_BYTES / 4);
  u[0] = entry.start;
  u[1] = entry.usePerm ? 1 : 0;
  u[2] = entry.count ?? 0;
  f[4] = entry.lrT;
  f[5] = entry.epsT;
  f[6] = entry.momentum;
  f[7] = entry.beta1;
  f[8] = entry.beta2;
}

type Bindings = readonly GPUBuffer[];

function run(
  ctx: GpuContext,
  pass: GPUComputePassEncoder,
  shader: string,
  wg: number,
  bindings: Bindings,
  groups: [number, number],
  label: string,
): void {
  const pipeline = getPipeline(ctx, { shader, constants: { WG: wg } });
  const bindGroup = ctx.device.createBindGroup({
    label,
    layout: pipeline.getBindGroupLayout(0),
    entries: bindings.map((buffer, binding) => ({ binding, resource: { buffer } })),
  });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(groups[0], groups[1]);
}

// The 1-D training kernels index by x alone; their counts (n·m of one mini-batch, or one tensor) stay far below
// the 65535-workgroup limit, and a count that does not is our bug, so it throws rather than folding into y.
function groups1d(ctx: GpuContext, count: number): [number, number] {
  const [x, y] = dispatch1d(Math.ceil(count / TRAIN_WORKGROUP), ctx.limits.maxComputeWorkgroupsPerDimension);
  if (y !== 1) throw new Error(`A training dispatch of ${count} invocations exceeds one dispatch dimension.`);
  return [x, 1];
}

/** dst (rows, count) = columns start + j (through `order` when the step says so) of src (rows, srcCols). */
export function encodeGather(
  ctx: GpuContext, buffers: BufferManager, pass: GPUComputePassEncoder,
  a: { step: GPUBuffer; src: GPUBuffer; order: GPUBuffer; dst: GPUBuffer; rows: number; srcCols: number; count: number; label: string },
): void {
  run(ctx, pass, 'gather_columns', TRAIN_WORKGROUP,
    [a.step, buffers.uniform([a.rows, a.srcCols, a.count, 0]), a.src, a.order, a.dst],
    [Math.ceil(a.count / TRAIN_WORKGROUP), a.rows], a.label);
}

/** dZ_L = 2(A_L − Y) ⊙ reluMask(Z_L) over `count` = n_L·m values. */
export function encodeMseGrad(
  ctx: GpuContext, buffers: BufferManager, pass: GPUComputePassEncoder,
  a: { Z: GPUBuffer; A: GPUBuffer; Y: GPUBuffer; dZ: GPUBuffer; count: number },
): void {
  run(ctx, pass, 'mse_grad', TRAIN_WORKGROUP, [buffers.uniform([a.count, 0, 0, 0]), a.Z, a.A, a.Y, a.dZ],
    groups1d(ctx, a.count), `mse_grad (${a.count})`);
}

/**
 * acc[2·slot] += Σ(A − Y)², acc[2·slot+1] += #(A > 0) over `count` contiguous values: the fused trainer's
 * loss_sum kernel, seen as one row of `count` columns (stride = count).
 */
export function encodeMseSum(
  ctx: GpuContext, buffers: BufferManager, pass: GPUComputePassEncoder,
  a: { A: GPUBuffer; Y: GPUBuffer; acc: GPUBuffer; count: number; slot: number },
): void {
  run(ctx, pass, 'loss_sum', REDUCE_WORKGROUP, [buffers.uniform([1, a.count, a.count, a.slot]), a.A, a.Y, a.acc], [1, 1],
    `loss_sum (${a.count}, slot ${a.slot})`);
}

/** dW = dZ·Aprevᵀ/m and db = rowsum(dZ)/m for a layer with n units, k inputs and m examples. */
export function encodeWeightGrad(
  ctx: GpuContext, buffers: BufferManager, pass: GPUComputePassEncoder,
  a: { dZ: GPUBuffer; Aprev: GPUBuffer; dW: GPUBuffer; db: GPUBuffer; n: number; k: number; m: number; label: string },
): void {
  run(ctx, pass, 'weight_grad', TRAIN_WORKGROUP, [buffers.uniform([a.n, a.k, a.m, 0]), a.dZ, a.Aprev, a.dW, a.db],
    groups1d(ctx, a.n * (a.k + 1)), a.label);
}

/** dZprev = (Wᵀ·dZ) ⊙ reluMask(Zprev), (k, m). */
export function encodeBackpropDz(
  ctx: GpuContext, buffers: BufferManager, pass: GPUComputePassEncoder,
  a: { W: GPUBuffer; dZ: GPUBuffer; Zprev: GPUBuffer; dZprev: GPUBuffer; n: number; k: number; m: number; label: string },
): void {
  run(ctx, pass, 'backprop_dz', TRAIN_WORKGROUP, [buffers.uniform([a.n, a.k, a.m, 0]), a.W, a.dZ, a.Zprev, a.dZprev],
    [Math.ceil(a.m / TRAIN_WORKGROUP), a.k], a.label);
}

/** One update of one parameter tensor of `count` values by rule `kind`; `state` holds 0, 1 or 2 buffers. */
export function encodeUpdate(
  ctx: GpuContext, buffers: BufferManager, pass: GPUComputePassEncoder,
  a: { kind: OptimizerKind; step: GPUBuffer; theta: GPUBuffer; grad: GPUBuffer; state: readonly GPUBuffer[]; count: number; label: string },
): void {
  const shader = a.kind === 'gd' ? 'sgd' : a.kind;
  const need = shader === 'adam' ? 2 : shader === 'momentum' ? 1 : 0;
  run(ctx, pass, shader, TRAIN_WORKGROUP,
    [a.step, buffers.uniform([a.count, 0, 0, 0]), a.theta, a.grad, ...a.state.slice(0, need)],
    groups1d(ctx, a.count), a.label);
}
