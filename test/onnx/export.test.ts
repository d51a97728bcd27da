// The exported ONNX graph, run in ONNX Runtime (wasm, in Node), predicts what `predictTable` predicts (float64
// reference) for every row: the notebook's pipeline, the qple encoder, and an ensemble, on synthetic tracks and on
// the shared random sample when it is present.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx, openRuntime, predictTable, prepareTable, train } from '../../src/index.ts';
import { syntheticDataset } from '../../src/data/synthetic.ts';
import type { CleanTable } from '../../src/data/index.ts';
import type { ModelFile } from '../../src/model/model-file.ts';
import { loadCsvFile } from '../../src/platform/node-csv.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';
import { makeTrack, toCsv } from '../data/fixtures.ts';
import { parseCsvText } from '../../src/data/index.ts';
import { ortPredict, worstRelative } from './ort.ts';

const RANDOM_SAMPLE = fileURLToPath(new URL('../../../shared/data/spotify_tracks_random10k.csv', import.meta.url));
const hasSample = existsSync(RANDOM_SAMPLE);
if (!hasSample) console.warn(`[test/onnx/export] skipping the random-sample cases: ${RANDOM_SAMPLE} is absent (see ../shared/data/SOURCES.md).`);

/** The bar: ORT equals predict within 1e-4 of the prediction, counted from 1 point for predictions nearer 0. */
const REL = 1e-4;
const FLOOR = 1;

let cpu: Runtime;
let reference: Runtime;
beforeAll(async () => {
  cpu = await openRuntime('cpu');
  reference = await openRuntime('reference');
});
afterAll(async () => {
  cpu.close();
  reference.close();
});

/** A single model, and an ensemble of `members` models, trained briefly on `table` with `encoding`. */
async function models(table: CleanTable, encoding: string, members: number, epochs: number): Promise<{ single: ModelFile; ensemble: ModelFile }> {
  const data = prepareTable(table);
  const runs = [];
  for (let seed = 1; seed <= members; seed++) runs.push(await train(cpu, data, { encoding, epochs, seed, patience: 0 }));
  const extras = { scaler: data.scaler, ...(runs[0].encoder ? { encoder: runs[0].encoder } : {}) };
  return { single: { params: runs[0].params, ...extras }, ensemble: { params: runs[0].params, members: runs.map((r) => r.params), ...extras } };
}

async function expectOrtEqualsPredict(model: ModelFile, table: CleanTable): Promise<void> {
  const want = (await predictTable(reference, model, table)).popularity;
  const got = await ortPredict(exportOnnx(model), table);
  expect(got.length).toBe(table.rows);
  expect(new Set(want).size, 'the model predicts more than one value').toBeGreaterThan(table.rows / 10);
  const { rel, at } = worstRelative(got, want, FLOOR);
  expect(rel, `row ${at}: ORT ${got[at]}, predict ${want[at]}`).toBeLessThanOrEqual(REL);
}

describe('exportOnnx in ONNX Runtime', () => {
  const table = syntheticDataset({ rows: 3000, seed: 5 });
  for (const encoding of ['notebook', 'qple', 'standard+ple:4@continuous+minmax@discrete']) {
    it(`equals predict on every synthetic row: ${encoding}, one model and an ensemble of 3`, async () => {
      const { single, ensemble } = await models(table, encoding, 3, 2);
      await expectOrtEqualsPredict(single, table);
      await expectOrtEqualsPredict(ensemble, table);
    }, 60_000);
  }

  it('equals predict on a file with fewer training rows than quantiles, whose quantiles numpy leaves an ulp off tied values', async () => {
    // 400 tracks: 320 training rows give 320 quantiles, most of them tied years and repeated decimals.
    const small = parseCsvText(toCsv(Array.from({ length: 400 }, (_, i) => makeTrack(i).cells)), 'tracks.csv', {});
    const { single, ensemble } = await models(small, 'qple', 2, 2);
    await expectOrtEqualsPredict(single, small);
    await expectOrtEqualsPredict(ensemble, small);
  }, 60_000);

  describe.skipIf(!hasSample)('on the shared random sample', () => {
    it('equals predict on every row of spotify_tracks_random10k.csv: a qple model and a qple ensemble of 4', async () => {
      const sample = await loadCsvFile(RANDOM_SAMPLE);
      const { single, ensemble } = await models(sample, 'qple', 4, 6);
      await expectOrtEqualsPredict(single, sample);
      await expectOrtEqualsPredict(ensemble, sample);
    }, 120_000);
  });
});
