// Feature encodings, fitted on the training rows only and then applied to any rows: what the network sees as X.
// Each part encodes some of the raw feature rows (features, m) in one way, and the parts' outputs are stacked in
// order, so `quantile+ple` over the 10 continuous features beside `minmax` of the other 3 is three parts:
//   minmax    (x − min)/(max − min), scikit-learn's MinMaxScaler (a constant column maps to x − min);
//   standard  (x − mean)/std, population std, StandardScaler (a constant column maps to x − mean);
//   quantile  QuantileTransformer(output_distribution='normal'): the rank of x among min(1000, m) training
//             quantiles, through the normal distribution's inverse CDF, clipped where sklearn clips;
//   ple       piecewise-linear encoding (Gorishniy et al., NeurIPS 2022) over T quantile bins of the training
//             values: per bin, 1 if x is past it, the fraction of it x covers, 0 if x is below it; a feature
//             with fewer distinct quantiles gets fewer bins.
// scripts/make_encoding_reference.py fits the same parts with scikit-learn and numpy; test/model/encoding.test.ts
// holds this module to its edges and encoded matrices.
import { UserError } from '../errors.ts';
import { type Matrix, matrix } from './matrix.ts';
import { drain, type Steps } from './steps.ts';

/** The encodings a part can use. */
export const ENCODING_KINDS = ['minmax', 'standard', 'quantile', 'ple'] as const;
export type EncodingKind = (typeof ENCODING_KINDS)[number];

/** One part to fit: an encoding of some feature rows (indices into the raw X). */
export interface EncodingPart {
  readonly kind: EncodingKind;
  readonly columns: readonly number[];
  /** ple: the most bins per feature (default 16). */
  readonly bins?: number;
}

/** A fitted part: what it learned from the training rows, per column. */
export type FittedPart =
  | { readonly kind: 'minmax' | 'standard'; readonly columns: readonly number[]; readonly shift: number[]; readonly scale: number[] }
  | { readonly kind: 'quantile'; readonly columns: readonly number[]; readonly quantiles: number[][] }
  | { readonly kind: 'ple'; readonly columns: readonly number[]; readonly edges: number[][] };

/** A fitted encoder: its parts, and the number of rows it writes (the network's input width). */
export interface Encoder {
  /** The encoding's text (see encoding-spec.ts), e.g. `qple`. */
  readonly name?: string;
  readonly parts: readonly FittedPart[];
  readonly width: number;
}

/** Bins of a ple part when none is given. */
export const DEFAULT_PLE_BINS = 16;

/** sklearn's QuantileTransformer constants: at most 1000 quantiles, and the clip of the probabilities. */
const MAX_QUANTILES = 1000;
const BOUNDS_THRESHOLD = 1e-7;
const SPACING_1 = 2 ** -52;

/** Fits `parts` on the raw training rows X (features, m). */
export function fitEncoder(X: Matrix, parts: readonly EncodingPart[], name?: string): Encoder {
  return drain(fitEncoderSteps(X, parts, name));
}

/** {@link fitEncoder}, yielding after each feature it sorts. */
export function* fitEncoderSteps(X: Matrix, parts: readonly EncodingPart[], name?: string): Steps<Encoder> {
  if (X.cols < 1) throw new UserError('An encoding is fitted on the training rows, and there are none.');
  const fitted: FittedPart[] = [];
  for (const part of parts) {
    for (const c of part.columns) {
      if (!Number.isInteger(c) || c < 0 || c >= X.rows) throw new UserError(`The ${part.kind} encoding names feature ${c}; X has ${X.rows} features.`);
    }
    const values: Float64Array[] = [];
    for (const c of part.columns) {
      values.push(sortedRow(X, c));
      yield;
    }
    fitted.push(fitPart(part, values, X.cols));
  }
  return { ...(name === undefined ? {} : { name }), parts: fitted, width: fitted.reduce((t, p) => t + partWidth(p), 0) };
}

/** A ple part's bin count, checked against the m training rows it will be fitted on (one sentence if it does not fit). */
export function checkPleBins(part: EncodingPart, m: number): number {
  const bins = part.bins ?? DEFAULT_PLE_BINS;
  if (!Number.isInteger(bins) || bins < 2 || bins > m) {
    throw new UserError(`The ple encoding needs from 2 bins to as many as there are training rows (${m}), not ${bins}.`);
  }
  return bins;
}

// What one part learns from its columns' sorted training values.
function fitPart(part: EncodingPart, values: Float64Array[], m: number): FittedPart {
  switch (part.kind) {
    case 'minmax':
      return { kind: 'minmax', columns: part.columns, shift: values.map((v) => v[0]), scale: values.map((v) => nonZero(v[v.length - 1] - v[0])) };
    case 'standard': {
      const means = values.map((v) => v.reduce((t, x) => t + x, 0) / v.length);
      const stds = values.map((v, i) => Math.sqrt(v.reduce((t, x) => t + (x - means[i]) ** 2, 0) / v.length));
      return { kind: 'standard', columns: part.columns, shift: means, scale: stds.map(nonZero) };
    }
    case 'quantile': {
      // sklearn: np.nanpercentile(X, linspace(0, 1, n) * 100), which divides by 100 again.
      const refs = linspace(Math.min(MAX_QUANTILES, m)).map((r) => (r * 100) / 100);
      return { kind: 'quantile', columns: part.columns, quantiles: values.map((v) => refs.map((p) => percentile(v, p))) };
    }
    case 'ple': {
      const bins = checkPleBins(part, m);
      const edges = values.map((v) => unique(linspace(bins + 1).map((p) => percentile(v, p))));
      return { kind: 'ple', columns: part.columns, edges };
    }
  }
}

/** The encoded X (width, m) of raw rows X (features, m). */
export function encode(encoder: Encoder, X: Matrix): Matrix<Float64Array> {
  return drain(encodeSteps(encoder, X));
}

/** {@link encode}, yielding after each feature it encodes. */
export function* encodeSteps(encoder: Encoder, X: Matrix): Steps<Matrix<Float64Array>> {
  const m = X.cols;
  const out = new Float64Array(encoder.width * m);
  let row = 0;
  for (const part of encoder.parts) {
    for (let i = 0; i < part.columns.length; i++) {
      const c = part.columns[i];
      const src = X.data.subarray(c * m, (c + 1) * m);
      if (part.kind === 'ple') {
        row = pleRows(src, part.edges[i], out, row, m);
      } else {
        const dst = out.subarray(row * m, (row + 1) * m);
        if (part.kind === 'quantile') quantileNormal(src, part.quantiles[i], dst);
        else for (let j = 0; j < m; j++) dst[j] = (src[j] - part.shift[i]) / part.scale[i];
        row++;
      }
      yield;
    }
  }
  return matrix(encoder.width, m, out);
}

// One feature's ple rows from `row` on: per bin [lo, hi), 1 past it, 0 below it, the covered fraction inside.
function pleRows(src: ArrayLike<number>, e: readonly number[], out: Float64Array, row: number, m: number): number {
  for (let t = 1; t < e.length; t++, row++) {
    const lo = e[t - 1];
    const hi = e[t];
    const width = hi - lo;
    const base = row * m;
    for (let j = 0; j < m; j++) {
      const x = src[j];
      out[base + j] = x >= hi ? 1 : x < lo ? 0 : (x - lo) / width;
    }
  }
  return row;
}

/** The network's input for scaled rows X: X itself without an encoder (the notebook's pipeline), else encoded. */
export function encodeInput(encoder: Encoder | undefined, X: Matrix<Float64Array>): Matrix<Float64Array> {
  return encoder === undefined ? X : encode(encoder, X);
}

/** Rows a fitted part writes. */
export function partWidth(part: FittedPart): number {
  return part.kind === 'ple' ? part.edges.reduce((t, e) => t + Math.max(0, e.length - 1), 0) : part.columns.length;
}

// Row c of X, sorted ascending.
function sortedRow(X: Matrix, c: number): Float64Array {
  return Float64Array.from(X.data.subarray(c * X.cols, (c + 1) * X.cols)).sort();
}

// sklearn's _handle_zeros_in_scale: a zero range or deviation divides by 1.
const nonZero = (s: number): number => (s < 10 * Number.EPSILON * Math.max(1, Math.abs(s)) ? 1 : s);

// np.linspace(0, 1, n): i·step, the last exactly 1.
function linspace(n: number): number[] {
  const step = 1 / (n - 1);
  return Array.from({ length: n }, (_, i) => (n === 1 ? 0 : i === n - 1 ? 1 : i * step));
}

/**
 * np.quantile(sorted, p) with the default linear method, in numpy's own arithmetic (its virtual index (n − 1)·p and
 * its two-sided lerp): where data have ties, one ulp moves a quantile off a tied value, and QuantileTransformer's
 * output with it.
 */
function percentile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const at = (n - 1) * p;
  const lo = Math.min(Math.max(Math.floor(at), 0), n - 1);
  const hi = Math.min(lo + 1, n - 1);
  const t = at - Math.floor(at);
  const diff = sorted[hi] - sorted[lo];
  return t >= 0.5 ? sorted[hi] - diff * (1 - t) : sorted[lo] + diff * t;
}

const unique = (sorted: number[]): number[] => sorted.filter((v, i) => i === 0 || v !== sorted[i - 1]);

/**
 * QuantileTransformer's _transform_col with a normal output: the mean of np.interp forward and backward (so equal
 * quantiles map to the middle of their references), bounds set exactly, then the normal inverse CDF, clipped.
 */
function quantileNormal(src: ArrayLike<number>, q: readonly number[], dst: Float64Array): void {
  const grid = linspace(q.length);
  const refs = (k: number) => grid[k];
  const lo = q[0];
  const hi = q[q.length - 1];
  const clip = normalQuantile(BOUNDS_THRESHOLD - SPACING_1);
  for (let j = 0; j < src.length; j++) {
    const x = src[j];
    let p: number;
    if (x - BOUNDS_THRESHOLD < lo) p = 0;
    else if (x + BOUNDS_THRESHOLD > hi) p = 1;
    else p = 0.5 * (interpForward(x, q, refs) + interpBackward(x, q, refs));
    dst[j] = Math.min(-clip, Math.max(clip, normalQuantile(p)));
  }
}

// np.interp(x, q, refs): the last k with q[k] <= x, interpolated towards k + 1 (ties take the rightmost).
function interpForward(x: number, q: readonly number[], refs: (k: number) => number): number {
  let a = 0;
  let b = q.length - 1;
  while (b - a > 1) {
    const mid = (a + b) >> 1;
    if (q[mid] <= x) a = mid;
    else b = mid;
  }
  if (x >= q[b]) return refs(b);
  return q[b] === q[a] ? refs(b) : refs(a) + ((refs(b) - refs(a)) * (x - q[a])) / (q[b] - q[a]);
}

// −np.interp(−x, −q[::−1], −refs[::−1]): the same from the other end, so ties take the leftmost.
function interpBackward(x: number, q: readonly number[], refs: (k: number) => number): number {
  let a = 0;
  let b = q.length - 1;
  while (b - a > 1) {
    const mid = (a + b) >> 1;
    if (q[mid] < x) a = mid;
    else b = mid;
  }
  if (x <= q[a]) return refs(a);
  return q[b] === q[a] ? refs(a) : refs(a) + ((refs(b) - refs(a)) * (x - q[a])) / (q[b] - q[a]);
}

/**
 * The standard normal's inverse CDF (scipy's norm.ppf): Acklam's rational approximation, relative error below
 * 1.2e-9 (float32 needs 6e-8), with −∞ and ∞ at 0 and 1.
 */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  const tail = (r: number) => (((((c[0] * r + c[1]) * r + c[2]) * r + c[3]) * r + c[4]) * r + c[5]) / ((((d[0] * r + d[1]) * r + d[2]) * r + d[3]) * r + 1);
  if (p < low) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - low) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const s = p - 0.5;
  const r = s * s;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * s) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
