// Explains a model on the rows of a table: which rows (all, or the test split train held out), the model as a
// scorer (encoder, every member in one backend, unscaled to points), and explainRows.
import { gatherFeatures, gatherTargets, prepareDataset, type CleanTable } from '../data/index.ts';
import { UserError } from '../errors.ts';
import type { ModelFile } from '../model/model-file.ts';
import { scaleX } from '../model/scaler.ts';
import { createRng } from '../rng/index.ts';
import { modelBackend, type Runtime } from '../runtime/runtime.ts';
import { checkModelFeatures, predictPoints } from '../train/predictions.ts';
import { type Explanation, explainRows, type ExplainSettings } from './explain.ts';

/** What to explain on: {@link ExplainSettings} plus which rows of the table. */
export interface ExplainTableOptions extends ExplainSettings {
  /** `test` (default): the rows `train` held out with this `splitSeed` and `testSize`; `all`: every scorable row. */
  readonly rows?: 'test' | 'all';
  readonly splitSeed?: number;
  readonly testSize?: number;
  /** At most this many rows, a seeded sample (scikit-learn's max_samples); default 2000. */
  readonly maxRows?: number;
}

/** An {@link Explanation} and the rows of the file it was computed on. */
export interface TableExplanation extends Explanation {
  /** The 0-based data rows of the file that were explained, in file order. */
  readonly dataRows: number[];
  /** How many rows the selection had before `maxRows`. */
  readonly selected: number;
}

export const DEFAULT_MAX_ROWS = 2000;

/** Permutation importance and partial dependence of `model` on rows of `table` (which must have popularity). */
export async function explainTable(runtime: Runtime, model: ModelFile, table: CleanTable, options: ExplainTableOptions): Promise<TableExplanation> {
  const scaler = checkModelFeatures(model, 'the model');
  if (table.rows === 0)
    throw new UserError(`The CSV '${table.name}' has no row with a usable popularity and 13 usable features, so there is nothing to explain.`);
  let rows = Int32Array.from({ length: table.rows }, (_, i) => i);
  if ((options.rows ?? 'test') === 'test') {
    const split = prepareDataset(table, { seed: options.splitSeed, testSize: options.testSize });
    if (split.testRowIndex.length === 0) throw new UserError('With test size 0 there are no held-out rows; explain every row with --rows all.');
    const position = new Map(Array.from(table.rowIndex, (r, i) => [r, i]));
    rows = Int32Array.from(split.testRowIndex, (r) => position.get(r)!).sort();
  }
  const selected = rows.length;
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  if (!Number.isInteger(maxRows) || maxRows < 2) throw new UserError(`--max-rows must be an integer of at least 2, not ${maxRows}.`);
  if (rows.length > maxRows)
    rows = createRng('numpy', options.seed)
      .permutation(rows.length)
      .subarray(0, maxRows)
      .map((p) => rows[p])
      .sort();
  const X = scaleX(gatherFeatures(table, rows), scaler);
  const y = gatherTargets(table, rows);
  const backend = await modelBackend(runtime, model);
  try {
    const score = (scaled: typeof X) => predictPoints(backend, scaler, model.encoder, scaled);
    const explanation = await explainRows(score, X, Float64Array.from(y), scaler, options);
    return { ...explanation, dataRows: Array.from(rows, (r) => table.rowIndex[r]), selected };
  } finally {
    backend.dispose();
  }
}
