// `spotify-mlp predict`: scores a CSV with a trained model file; one output row per input row, in order, with
// an empty prediction and a reason for every row that cannot be scored, so no row is dropped silently.
import type { Command } from 'commander';
import { FEATURES, gatherFeatures, type RejectedRow, scaleX, unscaleY } from '../../data/index.ts';
import { DROP_REASON_TEXT } from '../../data/schema.ts';
import { UserError } from '../../errors.ts';
import type { Matrix } from '../../model/matrix.ts';
import type { BackendKind } from '../../model/backend.ts';
import { type ModelFile, parseModel } from '../../model/model-file.ts';
import { loadCsvFile } from '../../platform/node-csv.ts';
import { BACKEND_KINDS, openBackend } from '../backend.ts';
import { readTextFile, writeOutputFile } from '../io.ts';
import { choiceArg } from '../options.ts';

/** The options of `spotify-mlp predict` after parsing. */
export interface PredictCommandOptions {
  readonly model: string;
  readonly csv: string;
  readonly out: string;
  readonly backend: BackendKind;
}

/** The column the predictions go in, in popularity points. */
export const PREDICTION_COLUMN = 'predicted_popularity';

/** Adds `predict` to the program. */
export function register(program: Command): void {
  program
    .command('predict')
    .description('predict popularity for every row of a CSV with a model file written by train')
    .requiredOption('--model <file>', 'the model JSON written by spotify-mlp train (it must hold a "scaler")')
    .requiredOption('--csv <file>', "the tracks to score (tracks.csv layout; popularity is not needed)")
    .requiredOption('--out <file>', `where to write the CSV: id (when the input has one), ${PREDICTION_COLUMN}, reason`)
    .option('--backend <kind>', 'cpu (the float64 reference) or gpu (WebGPU through Dawn)', choiceArg('--backend', BACKEND_KINDS), 'cpu' as BackendKind)
    .action((options: PredictCommandOptions) => runPredict(options));
}

/** Checks that the model was trained on the features this program reads from a CSV, in the same order. */
export function checkModelFeatures(model: ModelFile, label: string): NonNullable<ModelFile['scaler']> {
  const scaler = model.scaler;
  if (!scaler) {
    throw new UserError(`${label} has no "scaler", so raw CSV rows cannot be scaled for it; use a model written by spotify-mlp train.`);
  }
  const same = scaler.features.length === FEATURES.length && scaler.features.every((f, i) => f === FEATURES[i]);
  if (!same || model.params.dims[0] !== FEATURES.length) {
    throw new UserError(
      `${label} expects the features [${scaler.features.join(', ')}] but a CSV gives [${FEATURES.join(', ')}]; train the model again with spotify-mlp train.`,
    );
  }
  return scaler;
}

/** Reads the model and the CSV, predicts, and writes one output row per input row. */
export async function runPredict(options: PredictCommandOptions): Promise<void> {
  const label = `the model file '${options.model}'`;
  const model = parseModel(readTextFile(options.model, 'the model file'), label);
  const scaler = checkModelFeatures(model, label);
  const table = await loadCsvFile(options.csv, { requireTarget: false, keepIds: true, listRejected: true });
  if (table.counts.read === 0) {
    throw new UserError(`The CSV file '${options.csv}' has a header but no data rows; give it at least one track to score.`);
  }
  let predictions: Float64Array = new Float64Array(0);
  if (table.rows > 0) {
    const identity = Int32Array.from({ length: table.rows }, (_, i) => i);
    const X = scaleX(gatherFeatures(table, identity), scaler);
    const outside = rangeReport(X, scaler.features);
    if (outside) process.stderr.write(`predict: warning: ${outside}\n`);
    const backend = await openBackend(options.backend, model.params);
    try {
      predictions = unscaleY((await backend.forward(X)).out.data, scaler);
    } finally {
      backend.dispose();
    }
    const bad = predictions.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) {
      throw new UserError(
        `The model predicted a non-finite popularity (${predictions[bad]}) for data row ${table.rowIndex[bad] + 1} of '${options.csv}'; the model file's weights are unusable, so train it again.`,
      );
    }
  }
  const rejected = table.rejected ?? [];
  const hasId = (table.ids?.length ?? 0) > 0 || rejected.some((r) => r.id !== undefined);
  const lines: string[] = new Array(table.counts.read);
  for (let i = 0; i < table.rows; i++) {
    const cells = [predictions[i].toFixed(4), ''];
    lines[table.rowIndex[i]] = (hasId ? [table.ids?.[i] ?? '', ...cells] : cells).map(csvField).join(',');
  }
  for (const r of rejected) {
    const cells = ['', reasonText(r)];
    lines[r.row - 1] = (hasId ? [r.id ?? '', ...cells] : cells).map(csvField).join(',');
  }
  const header = [...(hasId ? ['id'] : []), PREDICTION_COLUMN, 'reason'].join(',');
  writeOutputFile(options.out, `${header}\n${lines.join('\n')}\n`, 'the predictions file');
  const skipped = rejected.length;
  process.stderr.write(
    `predict: ${table.counts.read} rows read from ${options.csv}: ${table.rows} predicted, ${skipped} without a prediction (see the reason column); wrote ${options.out}\n`,
  );
}

/**
 * Counts rows with a feature outside the range the model was trained on (scaled value outside [0, 1]); their
 * predictions are extrapolations, e.g. for tracks newer than any in the training data. Undefined when none.
 */
export function rangeReport(X: Matrix, features: readonly string[]): string | undefined {
  const EPS = 1e-9;
  const rows = new Uint8Array(X.cols);
  const perFeature = features.map((_, j) => {
    let n = 0;
    for (let i = 0; i < X.cols; i++) {
      const v = X.data[j * X.cols + i];
      if (v < -EPS || v > 1 + EPS) {
        n++;
        rows[i] = 1;
      }
    }
    return n;
  });
  const total = rows.reduce((a, r) => a + r, 0);
  if (total === 0) return undefined;
  const worst = perFeature
    .map((n, j) => [features[j], n] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([f, n]) => `${f} ${n}`)
    .join(', ');
  return `${total} of ${X.cols} rows have features outside the range the model was trained on (${worst}); their predictions are extrapolations.`;
}

/** Why a row got no prediction, e.g. `missing value in tempo` or `not a number in loudness ('abc')`. */
export function reasonText(r: RejectedRow): string {
  if (r.problems.length === 0) return DROP_REASON_TEXT[r.reason];
  return r.problems
    .map((p) => (p.kind === 'missingValue' ? `missing value in ${p.column}` : `unusable value in ${p.column} ('${p.text}')`))
    .join('; ');
}

// Quotes a field when it holds a comma, a quote or a line break (RFC 4180).
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
