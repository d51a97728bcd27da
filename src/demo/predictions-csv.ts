// Scores a clean table with a model in chunks, yielding to the page between them; preds.csv itself is written by
// src/train/predictions.ts, the same module `spotify-mlp predict` uses.
import { gatherFeatures } from '../data/prepare.ts';
import { FEATURES } from '../model/schema.ts';
import { type ScalerParams, scaleX } from '../model/scaler.ts';
import type { CleanTable } from '../data/table.ts';
import type { MlpBackend } from '../model/backend.ts';
import type { Encoder } from '../model/encoding.ts';
import { assertFinitePredictions, predictPoints } from '../train/predictions.ts';
import { nextFrame } from './dom.ts';

// Examples per forward call: bounded memory for a 600k-row file, and a progress update between calls.
const SCORE_CHUNK = 50_000;

/** Predictions in popularity points for every kept row of `table`, in table order, chunk by chunk with `onProgress`. */
export async function scoreTable(
  table: CleanTable,
  backend: MlpBackend,
  scaler: ScalerParams,
  encoder: Encoder | undefined,
  onProgress: (done: number) => void,
): Promise<Float64Array> {
  const out = new Float64Array(table.rows);
  // The page encodes each chunk on its thread: an encoder 173 wide gets chunks 13/173 as long, a few ms each.
  const chunk = Math.max(1000, Math.floor((SCORE_CHUNK * FEATURES.length) / (encoder?.width ?? FEATURES.length)));
  for (let start = 0; start < table.rows; start += chunk) {
    const rows = Int32Array.from({ length: Math.min(chunk, table.rows - start) }, (_, i) => start + i);
    out.set(await predictPoints(backend, scaler, encoder, scaleX(gatherFeatures(table, rows), scaler)), start);
    onProgress(start + rows.length);
    await nextFrame();
  }
  assertFinitePredictions(out, table, table.name);
  return out;
}
