// backward_fused: dZ_L and every dZ_{l-1} = (W_lᵀ·dZ_l) ⊙ reluMask(Z_{l-1}) of K models in one dispatch.
// WGSL: shaders/backward_fused.wgsl. CPU twin: the dZ chain of backward in src/reference/backward.ts.
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { type Prepared, prepare } from '../dispatch.ts';
import { F32S, kernelInterface, VEC4S } from '../kernel-interface.ts';
import { BackwardSizes } from '../structs.ts';

export const BACKWARD_FUSED = kernelInterface('backward_fused', [
  ['stepInfo', 'uniform', 'Step'],
  ['sizes', 'uniform', 'BackwardSizes'],
  ['table', 'read', 'array<BackwardLayer>'],
  ['WT', 'read', VEC4S],
  ['acts', 'read', VEC4S],
  ['Yb', 'read', VEC4S], // (n_L, stride)
  ['dZ', 'read_write', VEC4S],
  ['order', 'read', 'array<u32>'], // the epoch's order of the training columns
  ['weights', 'read', F32S], // (K, m_train): 0 on a model's own fold (model/folds.ts); unread when weightStride is 0
]);

/** Invocations per workgroup (4 examples each): small, so a 128-example batch still spreads. */
export const BACKWARD_WORKGROUP = 16;

/** The dZ of every layer of K models: ceil(stride / 4 / workgroup) × K workgroups. */
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
    order: GPUBuffer;
    weights: GPUBuffer;
    /** m_train when the models have folds (one weight row each), else 0. */
    weightStride: number;
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
    BackwardSizes.write({
      layers: a.layers,
      stride4: s4,
      wtStride4: a.wtStride4,
      actsStride4: a.actsStride4,
      dzStride4: a.dzStride4,
      weightStride: a.weightStride,
    }),
  );
  return prepare(
    ctx,
    BACKWARD_FUSED,
    { stepInfo: a.step, sizes, table: a.table, WT: a.WT, acts: a.acts, Yb: a.Yb, dZ: a.dZ, order: a.order, weights: a.weights },
    [Math.ceil(s4 / BACKWARD_WORKGROUP), a.models],
    { WG: BACKWARD_WORKGROUP },
    `dZ (${a.models} × ${a.layers} layers)`,
  );
}
