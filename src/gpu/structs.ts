// The WGSL structs the host fills (uniforms and per-layer tables), each declared once here with its fields in
// WGSL order: from it come the typed writer and the WGSL declaration, which shaders.ts writes wherever a shader
// says `//!struct NAME`. No shader declares one of these by hand, so a reordered or added field cannot drift.

/** A field's WGSL type; every host-shared struct here is made of 4-byte scalars. */
export type FieldType = 'u32' | 'f32';

/** One host-shared WGSL struct: name, fields in order, and its writer. Fields starting with `_` are padding (0). */
export interface WgslStruct<F extends string> {
  readonly name: string;
  readonly fields: readonly (readonly [string, FieldType])[];
  /** The struct's size in bytes (its array stride in a storage table). */
  readonly bytes: number;
  /** Writes `values` as element `index` of an array of this struct in `into` (a fresh buffer by default). */
  write(values: Readonly<Record<F, number>>, into?: ArrayBuffer, index?: number): ArrayBuffer;
  /** Writes `rows` as consecutive elements of a new table. */
  table(rows: readonly Readonly<Record<F, number>>[]): ArrayBuffer;
}

function wgslStruct<F extends string>(name: string, fields: readonly (readonly [string, FieldType])[]): WgslStruct<F> {
  const bytes = fields.length * 4;
  const write = (values: Readonly<Record<F, number>>, into = new ArrayBuffer(bytes), index = 0): ArrayBuffer => {
    const u = new Uint32Array(into, index * bytes, fields.length);
    const f = new Float32Array(into, index * bytes, fields.length);
    fields.forEach(([field, type], i) => {
      if (field.startsWith('_')) return;
      const v = (values as Record<string, number>)[field];
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${name}.${field} needs a finite number, got ${v}.`);
      if (type === 'f32') f[i] = v;
      else if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new Error(`${name}.${field} needs a u32, got ${v}.`);
      else u[i] = v;
    });
    return into;
  };
  return {
    name,
    fields,
    bytes,
    write,
    table(rows) {
      const out = new ArrayBuffer(Math.max(1, rows.length) * bytes);
      rows.forEach((row, i) => write(row, out, i));
      return out;
    },
  };
}

const u32s = (...names: string[]): [string, FieldType][] => names.map((n) => [n, 'u32']);

/** The per-step uniform of the trainers' gather, loss, backward and update kernels (shaders/train_step.wgsl). */
export const Step = wgslStruct<'start' | 'usePerm' | 'count' | 'lrT' | 'epsT' | 'momentum' | 'beta1' | 'beta2'>('Step', [
  ...u32s('start', 'usePerm', 'count', '_pad1'),
  ['lrT', 'f32'],
  ['epsT', 'f32'],
  ['momentum', 'f32'],
  ['beta1', 'f32'],
  ['beta2', 'f32'],
  ...u32s('_pad2', '_pad3', '_pad4'),
]);

/** train_gather's sizes. */
export const GatherSizes = wgslStruct<'n0' | 'nL' | 'srcCols' | 'stride' | 'xCopy' | 'copyX'>(
  'GatherSizes',
  u32s('n0', 'nL', 'srcCols', 'stride', 'xCopy', 'copyX', '_pad0', '_pad1'),
);

/** weight_grad4's sizes. */
export const WeightGradSizes = wgslStruct<'stride4' | 'chunks' | 'chunk4' | 'layers' | 'blocks' | 'dzStride4'>(
  'WeightGradSizes',
  u32s('stride4', 'chunks', 'chunk4', 'layers', 'blocks', 'dzStride4', '_pad0', '_pad1'),
);

/**
 * One layer of weight_grad4's table: its first 4×4 block, blocks per row of units, n, k, vec4 offsets of A_{l-1}
 * and dZ_l, and the vec4s between models' A_{l-1} (0 for layer 1, whose input all models share).
 */
export const GradLayer = wgslStruct<'firstBlock' | 'perRow' | 'n' | 'k' | 'aOffset' | 'dzOffset' | 'aStride'>(
  'GradLayer',
  u32s('firstBlock', 'perRow', 'n', 'k', 'aOffset', 'dzOffset', 'aStride', '_pad0'),
);

/** backward_fused's sizes. */
export const BackwardSizes = wgslStruct<'layers' | 'stride4' | 'wtStride4' | 'actsStride4' | 'dzStride4' | 'weightStride'>(
  'BackwardSizes',
  u32s('layers', 'stride4', 'wtStride4', 'actsStride4', 'dzStride4', 'weightStride', '_pad1', '_pad2'),
);

/** One layer of backward_fused's table: n, k, and vec4 offsets of W_l in WT, of dZ_l, of Z_l and A_l in the activations. */
export const BackwardLayer = wgslStruct<'n' | 'k' | 'wOffset' | 'dzOffset' | 'zOffset' | 'aOffset'>(
  'BackwardLayer',
  u32s('n', 'k', 'wOffset', 'dzOffset', 'zOffset', 'aOffset', '_pad0', '_pad1'),
);

/** The update kernels' sizes: one model's flat length, partial sums per entry, K, and the per-model strides (f32s). */
export const UpdateSizes = wgslStruct<'count' | 'chunks' | 'models' | 'partialStrideF' | 'pStrideF' | 'wtStrideF'>(
  'UpdateSizes',
  u32s('count', 'chunks', 'models', 'partialStrideF', 'pStrideF', 'wtStrideF', '_pad0', '_pad1'),
);

/** One model's own optimizer settings in a sweep (an array of MAX_MODELS in a uniform); lr 0 freezes a stopped model. */
export const ModelHyper = wgslStruct<'lr' | 'momentum'>('ModelHyper', [
  ['lr', 'f32'],
  ['momentum', 'f32'],
  ['_pad0', 'f32'],
  ['_pad1', 'f32'],
]);

/** The length of the ModelHyper array in shaders/optimizer.wgsl: the most models one trainer holds. */
export const MAX_MODELS = 1024;

/** loss_sum's sizes: a (rows, cols) block stored `stride` wide per model, added to acc slot `slot` of each model. */
export const LossSizes = wgslStruct<'rows' | 'cols' | 'stride' | 'slot' | 'modelStrideF' | 'weightStride' | 'colOffset'>(
  'LossSizes',
  u32s('rows', 'cols', 'stride', 'slot', 'modelStrideF', 'weightStride', 'colOffset', '_pad2'),
);

/** One layer's sizes: n units, k inputs, m columns (matmul_bias, weight_grad, backprop_dz). */
export const LayerSizes = wgslStruct<'n' | 'k' | 'm'>('LayerSizes', u32s('n', 'k', 'm', '_pad'));

/** The element-wise kernels' sizes: `count` values, `rowStride` per dispatch row (y folds past 65 535 workgroups). */
export const ElementwiseSizes = wgslStruct<'count' | 'rowStride'>('ElementwiseSizes', u32s('count', 'rowStride', '_pad0', '_pad1'));

/** mse_grad's sizes: a (rows, stride) output whose columns past the step's count are padding. */
export const OutputGradSizes = wgslStruct<'rows' | 'stride'>('OutputGradSizes', u32s('rows', 'stride', '_pad0', '_pad1'));

/** The fused forward kernels' sizes (mlp_fused.wgsl and the generated kernel). */
export const FusedSizes = wgslStruct<'m' | 'layers' | 'paramStride4' | 'cacheStrideF'>('FusedSizes', u32s('m', 'layers', 'paramStride4', 'cacheStrideF'));

/** The WGSL declaration of `struct`, as shaders.ts writes it for `//!struct NAME`. */
export function wgslDeclaration(struct: WgslStruct<string>): string {
  return `struct ${struct.name} {\n${struct.fields.map(([name, type]) => `  ${name}: ${type},`).join('\n')}\n}`;
}

/** Every host-shared struct, by name for `//!struct NAME`. */
export const STRUCTS: readonly WgslStruct<string>[] = [
  Step,
  GatherSizes,
  WeightGradSizes,
  GradLayer,
  BackwardSizes,
  BackwardLayer,
  UpdateSizes,
  ModelHyper,
  LossSizes,
  LayerSizes,
  ElementwiseSizes,
  OutputGradSizes,
  FusedSizes,
];
