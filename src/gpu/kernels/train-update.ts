// train_update: sums weight_grad4's partials, applies the optimizer to all K models' flat vectors, and refreshes
// the fused forward's packed copy P and backward_fused's transposed copy WT.
// WGSL: shaders/train_update.wgsl (+ optimizer.wgsl). CPU twin: src/model/flat-optimizer.ts.
import type { OptimizerKind } from '../../model/optimizer.ts';
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { groupsFor, type Prepared, prepare } from '../dispatch.ts';
import { F32S, kernelInterface } from '../kernel-interface.ts';
import { UpdateSizes } from '../structs.ts';
import { UPDATE_WORKGROUP, updateKind } from './optimizer-rule.ts';

export const TRAIN_UPDATE = kernelInterface('train_update', [
  ['stepInfo', 'uniform', 'Step'],
  ['sizes', 'uniform', 'UpdateSizes'],
  ['hyper', 'uniform', 'array<ModelHyper, MAX_MODELS>'],
  ['maps', 'read', 'array<vec4<u32>>'],
  ['partial', 'read', F32S],
  ['theta', 'read_write', F32S],
  ['grad', 'read_write', F32S],
  ['m1', 'read_write', F32S], // velocity, or Adam's first moment
  ['m2', 'read_write', F32S], // Adam's second moment
  ['P', 'read_write', F32S],
  ['WT', 'read_write', F32S], // backward_fused's transposed copy of W
]);

/** The sizes of K flat vectors and their packed copies. */
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
    TRAIN_UPDATE,
    { stepInfo: a.step, sizes, maps: a.maps, partial: a.partial, theta: a.theta, grad: a.grad, m1: a.m1, m2: a.m2, P: a.P, WT: a.WT, hyper: a.hyper },
    groupsFor(ctx, a.count * a.models, UPDATE_WORKGROUP),
    { WG: UPDATE_WORKGROUP, KIND: updateKind(a.kind) },
    `update (${a.kind}, ${a.models} models)`,
  );
}
