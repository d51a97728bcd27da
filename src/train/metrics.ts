// Final metrics in popularity points: RMSE, MAE and R² of the model against a baseline that always predicts the mean.

/** Error measures of one set of predictions, in the target's own units. */
export interface RegressionMetrics {
  readonly rmse: number;
  readonly mae: number;
  /** 1 − SSE/SST, SST taken about the mean of the true values of this set. */
  readonly r2: number;
  /** Number of examples measured. */
  readonly n: number;
}

/** The model and the mean baseline measured on the same examples. */
export interface MetricsReport {
  readonly model: RegressionMetrics;
  /** Predicts the training set's mean popularity for every example. */
  readonly baseline: RegressionMetrics;
  /** The constant the baseline predicts. */
  readonly baselineValue: number;
}

/** RMSE, MAE and R² of `pred` against `truth` (same length, at least one value). */
export function regressionMetrics(pred: ArrayLike<number>, truth: ArrayLike<number>): RegressionMetrics {
  const n = truth.length;
  if (pred.length !== n) throw new RangeError(`${pred.length} predictions for ${n} true values.`);
  if (n === 0) return { rmse: Number.NaN, mae: Number.NaN, r2: Number.NaN, n };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += truth[i];
  mean /= n;
  let sse = 0;
  let sae = 0;
  let sst = 0;
  for (let i = 0; i < n; i++) {
    const e = pred[i] - truth[i];
    sse += e * e;
    sae += Math.abs(e);
    sst += (truth[i] - mean) ** 2;
  }
  // A constant target has no variance to explain: R² is undefined there, reported as NaN.
  return { rmse: Math.sqrt(sse / n), mae: sae / n, r2: sst > 0 ? 1 - sse / sst : Number.NaN, n };
}

/** The mean of `values` (the baseline's one prediction). */
export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length > 0 ? s / values.length : Number.NaN;
}

/** Metrics of `pred` and of the constant `baselineValue` against `truth`, all in popularity points. */
export function compareWithBaseline(pred: ArrayLike<number>, truth: ArrayLike<number>, baselineValue: number): MetricsReport {
  return {
    model: regressionMetrics(pred, truth),
    baseline: regressionMetrics(new Float64Array(truth.length).fill(baselineValue), truth),
    baselineValue,
  };
}
