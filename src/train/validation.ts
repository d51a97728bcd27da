// The validation split: a seeded share of the TRAINING rows held out to choose with (early stopping, ranking the
// models of a sweep, picking an ensemble's members). The test rows are only ever reported.
import { UserError } from '../errors.ts';
import { type Matrix, matrix } from '../model/matrix.ts';
import { drain, type Steps } from '../model/steps.ts';
import type { TrainingData } from '../model/trainable.ts';
import { createRng, type RngKind } from '../rng/index.ts';

/** The default share of the training rows held out for validation. */
export const DEFAULT_VALIDATION = 0.1;

/** The data with its validation rows carved out, and which training columns went where. */
export interface SplitData extends TrainingData {
  readonly xVal: Matrix<Float64Array>;
  readonly yVal: Matrix<Float64Array>;
  /** For each column of xTrain / xVal, its column in the training set before the carve. */
  readonly fitColumns: Int32Array;
  readonly valColumns: Int32Array;
}

/** Columns `cols` of `src`, in that order. */
export function columns(src: Matrix, cols: ArrayLike<number>): Matrix<Float64Array> {
  return drain(columnsSteps(src, cols));
}

// Columns `cols` of `src`, yielding after every row.
function* columnsSteps(src: Matrix, cols: ArrayLike<number>): Steps<Matrix<Float64Array>> {
  const n = cols.length;
  const out = new Float64Array(src.rows * n);
  const data = src.data;
  for (let r = 0; r < src.rows; r++) {
    const from = r * src.cols;
    const to = r * n;
    for (let j = 0; j < n; j++) out[to + j] = data[from + cols[j]];
    yield;
  }
  return matrix(src.rows, n, out);
}

/**
 * Holds out ceil(fraction·m) of the m training columns for validation, drawn by a seeded permutation (a stream of
 * its own: seed + 1, so it does not repeat the sample or the split); 0 holds out none. At least one row stays to fit.
 */
export function carveValidation(data: TrainingData, fraction: number, seed: number, rng: RngKind): SplitData {
  return drain(carveSteps(data, fraction, seed, rng));
}

/** {@link carveValidation}, yielding after every row it gathers (for a page's thread). */
export function* carveSteps(data: TrainingData, fraction: number, seed: number, rng: RngKind): Steps<SplitData> {
  if (!(fraction >= 0 && fraction < 1)) throw new UserError(`The validation share must be at least 0 and below 1, got ${fraction}.`);
  const m = data.xTrain.cols;
  const nVal = fraction === 0 ? 0 : Math.ceil(fraction * m);
  if (m - nVal < 1)
    throw new UserError(
      `The training set has ${m} row${m === 1 ? '' : 's'}, too few to hold out a validation share of ${fraction}; use more rows or --validation 0.`,
    );
  const order = createRng(rng, (seed + 1) >>> 0).permutation(m);
  // Kept in column order, so the fitted rows are the training set minus the held-out ones, as they were.
  const valColumns = Int32Array.from(order.subarray(0, nVal)).sort();
  const held = new Uint8Array(m);
  valColumns.forEach((c) => (held[c] = 1));
  const fitColumns = Int32Array.from({ length: m }, (_, i) => i).filter((i) => !held[i]);
  return {
    xTrain: yield* columnsSteps(data.xTrain, fitColumns),
    yTrain: yield* columnsSteps(data.yTrain, fitColumns),
    xVal: yield* columnsSteps(data.xTrain, valColumns),
    yVal: yield* columnsSteps(data.yTrain, valColumns),
    xTest: data.xTest,
    yTest: data.yTest,
    fitColumns,
    valColumns,
  };
}

/** The most folds a sweep takes: one per model of the largest grid would be pointless past this. */
export const MAX_FOLDS = 64;

/** Checks k folds against m training rows, in one sentence. */
export function checkFolds(m: number, k: number): void {
  if (!Number.isInteger(k) || k < 2 || k > Math.min(m, MAX_FOLDS)) {
    throw new UserError(`--folds must be a whole number from 2 to ${Math.min(m, MAX_FOLDS)} (at most one fold per training row, and ${MAX_FOLDS}), not ${k}.`);
  }
}

/**
 * Cross-validated members: the fold (0 … k−1) of each of the m training columns, dealt in the order of a seeded
 * permutation (the carve's stream, seed + 1), so each fold holds floor(m/k) or ceil(m/k) columns.
 */
export function assignFolds(m: number, k: number, seed: number, rng: RngKind): Int32Array {
  checkFolds(m, k);
  const order = createRng(rng, (seed + 1) >>> 0).permutation(m);
  const fold = new Int32Array(m);
  order.forEach((column, p) => (fold[column] = p % k));
  return fold;
}
