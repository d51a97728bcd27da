// The notebook's section 1.1 after cleaning: sample 30,000 rows, MinMaxScaler on X and y, 80/20 split, transpose to (features, m).
import { UserError } from '../errors.ts';
import { type Matrix, matrix } from '../model/matrix.ts';
import { createRng, RNG_KINDS, type RngKind } from '../rng/index.ts';
import { fitScaler, type ScalerParams, scaleX, scaleY } from '../model/scaler.ts';
import { DROP_REASON_TEXT, type DropReason, FEATURES, N_FEATURES, RELEASE_DATE, YEAR } from '../model/schema.ts';
import type { CleanTable, TableCounts } from './table.ts';

/** The notebook's seed. */
export const DEFAULT_SEED = 42;
/** The notebook samples this many rows when there are more ("for performance"). */
export const DEFAULT_SAMPLE = 30_000;
/** train_test_split(test_size=0.2). */
export const DEFAULT_TEST_SIZE = 0.2;
/** The engine used unless `rng: 'numpy'` asks for the notebook's exact draws; the same default as the other commands. */
export const DEFAULT_RNG: RngKind = 'seedrandom';

/** Options of {@link prepareDataset}; every field defaults to the notebook's value. */
export interface PrepareOptions {
  /** Seed of the sample and of the split (the notebook's `random_state=seed`), an integer in [0, 2**32). */
  readonly seed?: number;
  /** `numpy` draws exactly what DataFrame.sample and train_test_split draw; `seedrandom` is the default. */
  readonly rng?: RngKind;
  /** Keep at most this many rows, drawn at random (default 30,000). */
  readonly sample?: number;
  /**
   * Fraction of the rows in the test set, in [0, 1); the test set has ceil(testSize·m) rows. 0 keeps no test rows:
   * every row is fitted on (less the validation share), and only validation metrics can be reported.
   */
  readonly testSize?: number;
}

/** The table's counts plus what sampling and splitting did with the kept rows. */
export interface RowCounts extends TableCounts {
  /** Rows left after sampling (= kept when there were no more than `sample`). */
  sampled: number;
  train: number;
  test: number;
}

/** Scaled train and test matrices in the notebook's (features, m) layout, and everything needed to redo or undo them. */
export interface Dataset {
  /** (13, m_train), each feature scaled to [0, 1] over the sampled rows. */
  readonly xTrain: Matrix<Float64Array>;
  /** (1, m_train) scaled popularity. */
  readonly yTrain: Matrix<Float64Array>;
  readonly xTest: Matrix<Float64Array>;
  readonly yTest: Matrix<Float64Array>;
  /** The fitted scalers (go into the model file's "scaler"). */
  readonly scaler: ScalerParams;
  readonly counts: RowCounts;
  readonly seed: number;
  readonly rng: RngKind;
  readonly sampleLimit: number;
  readonly testSize: number;
  readonly featureNames: readonly string[];
  /** The file the rows came from (its name as given), or `synthetic`. */
  readonly source: string;
  readonly yearFrom: typeof YEAR | typeof RELEASE_DATE;
  /** For each column of xTrain / xTest, the 0-based data-row index in the source file. */
  readonly trainRowIndex: Int32Array;
  readonly testRowIndex: Int32Array;
}

/**
 * Samples, scales and splits a clean table as the notebook does. With `rng: 'numpy'` the sample is
 * `RandomState(seed).permutation(m)[:sample]` (what `DataFrame.sample(n, random_state=seed)` draws, in that
 * order) and the split takes a fresh `RandomState(seed).permutation(k)`: its first ceil(testSize·k) entries are
 * the test set, the rest the training set, each in permutation order (train_test_split's ShuffleSplit). Given
 * the same clean rows the arrays then equal the notebook's. Throws a one-sentence UserError when the table
 * has too few usable rows.
 */
export function prepareDataset(table: CleanTable, opts: PrepareOptions = {}): Dataset {
  const seed = opts.seed ?? DEFAULT_SEED;
  const rng = opts.rng ?? DEFAULT_RNG;
  const sampleLimit = opts.sample ?? DEFAULT_SAMPLE;
  const testSize = opts.testSize ?? DEFAULT_TEST_SIZE;
  checkOptions(seed, rng, sampleLimit, testSize);
  checkUsable(table);

  const m = table.rows;
  const sampled = m > sampleLimit ? createRng(rng, seed).permutation(m).subarray(0, sampleLimit) : identity(m);
  const k = sampled.length;
  // sklearn: n_test = ceil(test_size · n_samples) in float64, n_train = the rest.
  const nTest = Math.ceil(testSize * k);
  const nTrain = k - nTest;
  if (nTrain < 1 || (testSize > 0 && nTest < 1)) {
    throw new UserError(
      `${table.name} has only ${k} usable row${k === 1 ? '' : 's'}, too few to split ` +
        `into training and test sets with test size ${testSize}; use a larger file.`,
    );
  }
  const scaler = fitScaler(table.features, table.targets, sampled);
  const split = createRng(rng, seed).permutation(k);
  const testRows = split.subarray(0, nTest).map((p) => sampled[p]);
  const trainRows = split.subarray(nTest).map((p) => sampled[p]);

  return {
    xTrain: scaleX(gatherFeatures(table, trainRows), scaler),
    yTrain: matrix(1, nTrain, scaleY(gatherTargets(table, trainRows), scaler)),
    xTest: scaleX(gatherFeatures(table, testRows), scaler),
    yTest: matrix(1, nTest, scaleY(gatherTargets(table, testRows), scaler)),
    scaler,
    counts: { ...structuredClone(table.counts), sampled: k, train: nTrain, test: nTest },
    seed,
    rng,
    sampleLimit,
    testSize,
    featureNames: FEATURES,
    source: table.name,
    yearFrom: table.yearFrom,
    trainRowIndex: trainRows.map((r) => table.rowIndex[r]),
    testRowIndex: testRows.map((r) => table.rowIndex[r]),
  };
}

/**
 * The raw (13, m) feature matrix of the given table rows in that order (all rows by default): the notebook's
 * transpose. For prediction, `scaleX(gatherFeatures(table), scaler)` is the network's input.
 */
export function gatherFeatures(table: CleanTable, rows?: ArrayLike<number>): Matrix<Float64Array> {
  const m = rows === undefined ? table.rows : rows.length;
  const out = new Float64Array(N_FEATURES * m);
  for (let c = 0; c < m; c++) {
    const base = (rows === undefined ? c : rows[c]) * N_FEATURES;
    for (let j = 0; j < N_FEATURES; j++) out[j * m + c] = table.features[base + j];
  }
  return matrix(N_FEATURES, m, out);
}

/** The popularity of the given table rows, in that order. */
export function gatherTargets(table: CleanTable, rows: ArrayLike<number>): Float64Array {
  const out = new Float64Array(rows.length);
  for (let c = 0; c < rows.length; c++) out[c] = table.targets[rows[c]];
  return out;
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

function checkOptions(seed: number, rng: RngKind, sample: number, testSize: number): void {
  if (!Number.isInteger(seed) || seed < 0 || seed >= 2 ** 32) {
    throw new UserError(`The seed must be an integer from 0 to 4294967295, got ${seed}.`);
  }
  if (!RNG_KINDS.includes(rng)) throw new UserError(`The rng must be one of ${RNG_KINDS.join(', ')}, got '${String(rng)}'.`);
  if (!Number.isInteger(sample) || sample < 2) throw new UserError(`The sample size must be an integer of at least 2, got ${sample}.`);
  if (!(testSize >= 0 && testSize < 1)) throw new UserError(`The test size must be at least 0 and below 1, got ${testSize}.`);
}

/** Throws the one-sentence error for a table with no rows to learn from, naming the commonest problems. */
function checkUsable(table: CleanTable): void {
  const c = table.counts;
  if (c.read === 0) throw new UserError(`${table.name} has a header but no data rows; add rows below the header.`);
  if (table.rows > 0) return;
  throw new UserError(`${table.name} has no usable rows: all ${c.read} rows were dropped (${describeDrops(c)}); fix those values.`);
}

/**
 * A short account of the dropped rows, e.g. `12 missing value, 3 wrong number of fields; most often in
 * release_date (10), tempo (4)`; used in errors and summaries.
 */
export function describeDrops(c: TableCounts, columns = 3): string {
  const reasons = (Object.entries(c.droppedByReason) as [DropReason, number][]).filter(([, n]) => n > 0).map(([r, n]) => `${n} ${DROP_REASON_TEXT[r]}`);
  const top = Object.entries(c.droppedByColumn)
    .sort((a, b) => b[1] - a[1])
    .slice(0, columns)
    .map(([col, n]) => `${col} (${n})`);
  return reasons.length === 0 ? 'none' : `${reasons.join(', ')}${top.length > 0 ? `; most often in ${top.join(', ')}` : ''}`;
}
