// preds.csv, the one output format of `spotify-mlp predict` and the demo page: one line per input row, in file
// order, with an empty prediction and a reason for every row that could not be scored. Browser-safe (no fs).
import { FEATURES } from '../model/schema.ts';
import { DROP_REASON_TEXT } from '../model/schema.ts';
import { type ScalerParams, unscaleY } from '../model/scaler.ts';
import type { MlpBackend } from '../model/backend.ts';
import { type Encoder, encodeInput } from '../model/encoding.ts';
import type { CleanTable, RejectedRow } from '../data/table.ts';
import { UserError } from '../errors.ts';
import type { Matrix } from '../model/matrix.ts';
import type { ModelFile } from '../model/model-file.ts';

/** The column the predictions go in, in popularity points. */
export const PREDICTION_COLUMN = 'predicted_popularity';

/**
 * Popularity points for scaled rows X (13, m): the model's encoder (none: the notebook's pipeline), the backend's
 * forward pass (an ensemble's mean), and the target's scaler undone.
 */
export async function predictPoints(backend: MlpBackend, scaler: ScalerParams, encoder: Encoder | undefined, X: Matrix<Float64Array>): Promise<Float64Array> {
  return unscaleY((await backend.forward(encodeInput(encoder, X))).out.data, scaler);
}

/** Checks that the model was trained on the features this program reads from a CSV, in the same order. */
export function checkModelFeatures(model: ModelFile, label: string): ScalerParams {
  const scaler = model.scaler;
  if (!scaler) {
    throw new UserError(`${label} has no "scaler", so raw CSV rows cannot be scaled for it; use a model written by spotify-mlp train.`);
  }
  const same = scaler.features.length === FEATURES.length && scaler.features.every((f, i) => f === FEATURES[i]);
  if (!same || model.params.dims[0] !== (model.encoder?.width ?? FEATURES.length)) {
    throw new UserError(
      `${label} expects the features [${scaler.features.join(', ')}] but a CSV gives [${FEATURES.join(', ')}]; train the model again with spotify-mlp train.`,
    );
  }
  return scaler;
}

/** Throws one sentence when a prediction is NaN or infinite: the weights are unusable. */
export function assertFinitePredictions(predictions: Float64Array, table: CleanTable, source: string): void {
  const bad = predictions.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new UserError(
      `The model predicted a non-finite popularity (${predictions[bad]}) for data row ` +
        `${table.rowIndex[bad] + 1} of '${source}'; the model's weights are unusable, so train it again.`,
    );
  }
}

/** preds.csv: a header, then one line per input row in file order: [id,] predicted_popularity, reason. */
export function predictionsCsv(table: CleanTable, predictions: Float64Array): string {
  const rejected = table.rejected ?? [];
  const hasId = (table.ids?.length ?? 0) > 0 || rejected.some((r) => r.id !== undefined);
  const lines = new Array<string>(table.counts.read);
  for (let i = 0; i < table.rows; i++) {
    const cells = [predictions[i].toFixed(4), ''];
    lines[table.rowIndex[i]] = (hasId ? [table.ids?.[i] ?? '', ...cells] : cells).map(csvField).join(',');
  }
  for (const r of rejected) {
    const cells = ['', reasonText(r)];
    lines[r.row - 1] = (hasId ? [r.id ?? '', ...cells] : cells).map(csvField).join(',');
  }
  const header = [...(hasId ? ['id'] : []), PREDICTION_COLUMN, 'reason'].join(',');
  return `${header}\n${lines.join('\n')}\n`;
}

/** Why a row got no prediction, e.g. `missing value in tempo` or `unusable value in loudness ('abc')`. */
export function reasonText(r: RejectedRow): string {
  if (r.problems.length === 0) return DROP_REASON_TEXT[r.reason];
  return r.problems.map((p) => (p.kind === 'missingValue' ? `missing value in ${p.column}` : `unusable value in ${p.column} ('${p.text}')`)).join('; ');
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

// Quotes a field when it holds a comma, a quote or a line break (RFC 4180).
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
