// Scores a clean table with a model and writes preds.csv exactly as `spotify-mlp predict` does (src/cli/commands/predict.ts).
// The CLI's formatter lives in a Node-only module (it streams with fs), so the page keeps this browser-safe copy of its rules.
import { DROP_REASON_TEXT } from '../data/schema.ts';
import { gatherFeatures } from '../data/prepare.ts';
import { type ScalerParams, scaleX, unscaleY } from '../data/scaler.ts';
import type { CleanTable, RejectedRow } from '../data/table.ts';
import { UserError } from '../errors.ts';
import type { MlpBackend } from '../model/backend.ts';
import { nextFrame } from './dom.ts';

/** The column the predictions go in, in popularity points (the CLI's PREDICTION_COLUMN). */
export const PREDICTION_COLUMN = 'predicted_popularity';

// Examples per forward call: bounded memory for a 600k-row file, and a progress update between calls.
const SCORE_CHUNK = 50_000;

/** Predictions in popularity points for every kept row of `table`, in table order, chunk by chunk with `onProgress`. */
export async function scoreTable(
  table: CleanTable,
  backend: MlpBackend,
  scaler: ScalerParams,
  onProgress: (done: number) => void,
): Promise<Float64Array> {
  const out = new Float64Array(table.rows);
  for (let start = 0; start < table.rows; start += SCORE_CHUNK) {
    const rows = Int32Array.from({ length: Math.min(SCORE_CHUNK, table.rows - start) }, (_, i) => start + i);
    const X = scaleX(gatherFeatures(table, rows), scaler);
    out.set(unscaleY((await backend.forward(X)).out.data, scaler), start);
    onProgress(start + rows.length);
    await nextFrame();
  }
  const bad = out.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) {
    throw new UserError(
      `The model predicted a non-finite popularity (${out[bad]}) for data row ${table.rowIndex[bad] + 1} of '${table.name}'; the model's weights are unusable, so train it again.`,
    );
  }
  return out;
}

/** preds.csv: a header, then one line per input row in file order: [id,] predicted_popularity, reason. */
export function predictionsCsv(table: CleanTable, predictions: Float64Array): string {
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
  return `${header}\n${lines.join('\n')}\n`;
}

/** Why a row got no prediction, e.g. `missing value in tempo` (the CLI's wording). */
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
