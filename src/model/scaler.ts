// sklearn's MinMaxScaler for X and y, fitted separately as in the notebook, with its parameters kept for the model file.
import { UserError } from '../errors.ts';
import { type Matrix, matrix } from './matrix.ts';
import { FEATURES, TARGET } from './schema.ts';

/** The fitted scalers; stored as the model file's `"scaler"` so predictions can scale raw rows and unscale outputs. */
export interface ScalerParams {
  /** Feature names, the row order of X. */
  features: string[];
  /** Per-feature minimum and maximum over the fitted rows (sklearn's data_min_ / data_max_). */
  xMin: number[];
  xMax: number[];
  /** The target's name and its minimum and maximum. */
  target: string;
  yMin: number;
  yMax: number;
}

// sklearn's _handle_zeros_in_scale: a range below 10·eps is treated as zero and replaced by 1, so a constant column scales to 0.
const TINY_RANGE = 10 * Number.EPSILON;

/** sklearn's scale_ for a column with this min and max: 1/range, or 1 for a (near-)constant column. */
export function scaleOf(min: number, max: number): number {
  const range = max - min;
  return 1 / (range < TINY_RANGE ? 1 : range);
}

/**
 * Fits the scalers to raw rows: `features` is m × 13 row-major (as in a CleanTable), `targets` has m values.
 * `rows` (optional) picks and orders the rows to fit on, e.g. a sample.
 */
export function fitScaler(features: Float64Array, targets: Float64Array, rows?: ArrayLike<number>): ScalerParams {
  const n = FEATURES.length;
  const xMin = new Array<number>(n).fill(Infinity);
  const xMax = new Array<number>(n).fill(-Infinity);
  let yMin = Infinity;
  let yMax = -Infinity;
  const m = rows === undefined ? targets.length : rows.length;
  for (let i = 0; i < m; i++) {
    const r = rows === undefined ? i : rows[i];
    for (let j = 0; j < n; j++) {
      const v = features[r * n + j];
      if (v < xMin[j]) xMin[j] = v;
      if (v > xMax[j]) xMax[j] = v;
    }
    const y = targets[r];
    if (y < yMin) yMin = y;
    if (y > yMax) yMax = y;
  }
  return { features: [...FEATURES], xMin, xMax, target: TARGET, yMin, yMax };
}

/**
 * Scales a raw (13, m) matrix to [0, 1] per feature row, exactly as MinMaxScaler.transform does
 * (`x·scale_ + min_` with `min_ = -data_min·scale_`), so the float64 results match sklearn bit for bit.
 */
export function scaleX(raw: Matrix, s: ScalerParams): Matrix<Float64Array> {
  if (raw.rows !== s.xMin.length) {
    throw new RangeError(`scaleX needs (${s.xMin.length}, m) raw features, got (${raw.rows}, ${raw.cols}).`);
  }
  const out = new Float64Array(raw.rows * raw.cols);
  for (let j = 0; j < raw.rows; j++) {
    const scale = scaleOf(s.xMin[j], s.xMax[j]);
    const offset = 0 - s.xMin[j] * scale; // sklearn's min_ = feature_range[0] - data_min·scale_
    for (let i = 0; i < raw.cols; i++) out[j * raw.cols + i] = raw.data[j * raw.cols + i] * scale + offset;
  }
  return matrix(raw.rows, raw.cols, out);
}

/** Feature f's scaled value of one raw value, in scaleX's arithmetic (x·scale_ + min_), so it is bit for bit scaleX's. */
export function scaleFeature(s: ScalerParams, f: number, raw: number): number {
  const scale = scaleOf(s.xMin[f], s.xMax[f]);
  return raw * scale + (0 - s.xMin[f] * scale);
}

/** The raw value of feature f whose scaled value is `scaled` (MinMaxScaler.inverse_transform), in float64. */
export function unscaleFeature(s: ScalerParams, f: number, scaled: number): number {
  const scale = scaleOf(s.xMin[f], s.xMax[f]);
  return (scaled - (0 - s.xMin[f] * scale)) / scale;
}

/** Scales popularity values to [0, 1] with the target scaler (MinMaxScaler.transform). */
export function scaleY(values: ArrayLike<number>, s: ScalerParams): Float64Array {
  const scale = scaleOf(s.yMin, s.yMax);
  const offset = 0 - s.yMin * scale;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = values[i] * scale + offset;
  return out;
}

/** Turns scaled network outputs back into popularity points (MinMaxScaler.inverse_transform: `(v - min_) / scale_`). */
export function unscaleY(values: ArrayLike<number>, s: ScalerParams): Float64Array {
  const scale = scaleOf(s.yMin, s.yMax);
  const offset = 0 - s.yMin * scale;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = (values[i] - offset) / scale;
  return out;
}

/**
 * Checks that `obj` (JSON read back from a file) is a {@link ScalerParams} for the notebook's 13 features and
 * returns it typed. `label` names the file in the one-sentence UserError.
 */
export function validateScaler(obj: unknown, label: string): ScalerParams {
  const fail = (what: string): never => {
    throw new UserError(`${label} has an invalid "scaler": ${what}; write it again with spotify-mlp prepare or train.`);
  };
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return fail('it is not an object');
  const o = obj as Record<string, unknown>;
  const n = FEATURES.length;
  const numbers = (key: string): number[] => {
    const v = o[key];
    if (!Array.isArray(v) || v.length !== n || v.some((x) => typeof x !== 'number' || !Number.isFinite(x))) {
      return fail(`"${key}" must be ${n} finite numbers`);
    }
    return v as number[];
  };
  const finite = (key: string): number => {
    const v = o[key];
    return typeof v === 'number' && Number.isFinite(v) ? v : fail(`"${key}" must be a finite number`);
  };
  const features = o.features;
  if (!Array.isArray(features) || features.length !== n || features.some((f, i) => f !== FEATURES[i])) {
    fail(`"features" must list ${FEATURES.join(', ')} in this order`);
  }
  if (o.target !== TARGET) fail(`"target" must be "${TARGET}"`);
  const xMin = numbers('xMin');
  const xMax = numbers('xMax');
  const yMin = finite('yMin');
  const yMax = finite('yMax');
  if (xMin.some((v, j) => v > xMax[j]) || yMin > yMax) fail('a minimum is above its maximum');
  return { features: [...FEATURES], xMin: [...xMin], xMax: [...xMax], target: TARGET, yMin, yMax };
}
