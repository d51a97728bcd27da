// Permutation importance and partial dependence for a model on scored rows: how much the RMSE (popularity points)
// grows when one feature's column is shuffled, over R seeded shuffles, and the mean prediction as one feature
// sweeps a grid. Every shuffled and swept copy of the rows goes to the model in one forward call (`batched`), so
// on the GPU it is one batched pass through every member; `batched: false` is the naive loop, kept for the bench.
import { UserError } from '../errors.ts';
import { type Matrix, matrix } from '../model/matrix.ts';
import { scaleFeature, type ScalerParams, unscaleFeature } from '../model/scaler.ts';
import { permutationOrders } from './permutations.ts';

/** Predicts popularity points for scaled rows (13, n): the model's encoder, network(s) and unscaling. */
export type Scorer = (scaled: Matrix<Float64Array>) => Promise<Float64Array>;

/** How to explain: the shuffles, and the partial-dependence curve. */
export interface ExplainSettings {
  /** Shuffles per feature, at least 1. */
  readonly repeats: number;
  /** scikit-learn's random_state for the shuffles. */
  readonly seed: number;
  /** The feature of the partial-dependence curve (default `year`). */
  readonly pdpFeature?: string;
  /** Grid points of the curve (default 20); a feature with fewer distinct values uses each of them. */
  readonly pdpPoints?: number;
  /** One forward call for every copy (default), or one per copy. */
  readonly batched?: boolean;
}

/** One feature's permutation importance. */
export interface FeatureImportance {
  readonly feature: string;
  /** Mean and population standard deviation over the repeats of RMSE(shuffled) − RMSE(rows), in points. */
  readonly mean: number;
  readonly std: number;
  readonly increases: number[];
}

/** Permutation importance of every feature and one partial-dependence curve. */
export interface Explanation {
  readonly rows: number;
  readonly baselineRmse: number;
  readonly repeats: number;
  readonly seed: number;
  /** In the model's feature order. */
  readonly importances: FeatureImportance[];
  /** The mean prediction (points) at each grid value (raw units) of the feature. */
  readonly pdp: { readonly feature: string; readonly grid: number[]; readonly mean: number[] };
  /** Forward calls made, and the copies of the rows they scored. */
  readonly forwardCalls: number;
  readonly copies: number;
}

/** Grid points of the partial-dependence curve when none is asked for. */
export const DEFAULT_PDP_POINTS = 20;

/** Checks R, the rows and the curve's feature; one sentence each. */
export function checkExplainSettings(settings: ExplainSettings, rows: number, features: readonly string[]): void {
  if (!Number.isInteger(settings.repeats) || settings.repeats < 1) {
    throw new UserError(`Permutation importance needs at least 1 repeat (--repeats), not ${settings.repeats}.`);
  }
  if (rows < 2)
    throw new UserError(`Permutation importance needs at least 2 scorable rows with a popularity to shuffle, and there ${rows === 1 ? 'is 1' : 'are none'}.`);
  const feature = settings.pdpFeature ?? 'year';
  if (!features.includes(feature))
    throw new UserError(`There is no feature "${feature}" for the partial-dependence curve; choose one of ${features.join(', ')}.`);
  const points = settings.pdpPoints ?? DEFAULT_PDP_POINTS;
  if (!Number.isInteger(points) || points < 2 || points > 200) throw new UserError(`The partial-dependence curve needs from 2 to 200 points, not ${points}.`);
}

/** Explains the model `score` stands for on scaled rows X (13, m) whose popularity (points) is `y`. */
export async function explainRows(
  score: Scorer,
  X: Matrix<Float64Array>,
  y: Float64Array,
  scaler: ScalerParams,
  settings: ExplainSettings,
): Promise<Explanation> {
  checkExplainSettings(settings, X.cols, scaler.features);
  const { rows: n, cols: m } = X;
  const R = settings.repeats;
  const orders = permutationOrders(settings.seed, m, R);
  const pdpFeature = scaler.features.indexOf(settings.pdpFeature ?? 'year');
  const grid = pdpGrid(X.data.subarray(pdpFeature * m, (pdpFeature + 1) * m), scaler, pdpFeature, settings.pdpPoints ?? DEFAULT_PDP_POINTS);
  // Copy 0 is the rows; then feature j's repeat r; then the curve's grid values.
  const copies = 1 + n * R + grid.scaled.length;
  const fill = (c: number, out: Float64Array, at: number, stride: number) => {
    for (let f = 0; f < n; f++) out.set(X.data.subarray(f * m, (f + 1) * m), f * stride + at);
    if (c === 0) return;
    if (c <= n * R) {
      const j = Math.floor((c - 1) / R);
      const order = orders[(c - 1) % R];
      const src = X.data.subarray(j * m, (j + 1) * m);
      for (let i = 0; i < m; i++) out[j * stride + at + i] = src[order[i]];
    } else {
      out.fill(grid.scaled[c - 1 - n * R], pdpFeature * stride + at, pdpFeature * stride + at + m);
    }
  };
  const predictions: Float64Array[] = [];
  let forwardCalls = 0;
  if (settings.batched === false) {
    for (let c = 0; c < copies; c++) {
      const one = new Float64Array(n * m);
      fill(c, one, 0, m);
      predictions.push(await score(matrix(n, m, one)));
      forwardCalls++;
    }
  } else {
    const all = new Float64Array(n * m * copies);
    for (let c = 0; c < copies; c++) fill(c, all, c * m, m * copies);
    const out = await score(matrix(n, m * copies, all));
    forwardCalls = 1;
    for (let c = 0; c < copies; c++) predictions.push(out.subarray(c * m, (c + 1) * m));
  }
  const rmse = (p: Float64Array) => Math.sqrt(p.reduce((t, v, i) => t + (v - y[i]) ** 2, 0) / m);
  const baselineRmse = rmse(predictions[0]);
  const importances = scaler.features.map((feature, j) => {
    const increases = Array.from({ length: R }, (_, r) => rmse(predictions[1 + j * R + r]) - baselineRmse);
    const mean = increases.reduce((t, v) => t + v, 0) / R;
    const std = Math.sqrt(increases.reduce((t, v) => t + (v - mean) ** 2, 0) / R);
    return { feature, mean, std, increases };
  });
  const curve = grid.raw.map((_, g) => predictions[1 + n * R + g].reduce((t, v) => t + v, 0) / m);
  return {
    rows: m,
    baselineRmse,
    repeats: R,
    seed: settings.seed,
    importances,
    pdp: { feature: scaler.features[pdpFeature], grid: grid.raw, mean: curve },
    forwardCalls,
    copies,
  };
}

/**
 * The curve's grid in raw units and scaled: the feature's distinct values when there are at most `points`, else
 * `points` evenly spaced values from its 5th to its 95th percentile over the rows (scikit-learn's default range).
 */
export function pdpGrid(scaledColumn: ArrayLike<number>, scaler: ScalerParams, f: number, points: number): { raw: number[]; scaled: number[] } {
  const raw = Float64Array.from(scaledColumn, (v) => unscaleFeature(scaler, f, v)).sort();
  const distinct = raw.filter((v, i) => i === 0 || v !== raw[i - 1]);
  let values: number[];
  if (distinct.length <= points) values = [...distinct];
  else {
    const at = (p: number) => {
      const x = (raw.length - 1) * p;
      const lo = Math.floor(x);
      return raw[lo] + (raw[Math.min(lo + 1, raw.length - 1)] - raw[lo]) * (x - lo);
    };
    const [a, b] = [at(0.05), at(0.95)];
    values = Array.from({ length: points }, (_, i) => (i === points - 1 ? b : a + ((b - a) * i) / (points - 1)));
  }
  // Integer features (year, key) show as integers: a raw value read back through the scaler is an ulp off.
  values = values.map((v) => (Math.abs(v - Math.round(v)) < 1e-9 * Math.max(1, Math.abs(v)) ? Math.round(v) : v));
  return { raw: values, scaled: values.map((v) => scaleFeature(scaler, f, v)) };
}
