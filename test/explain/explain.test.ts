// explain on the GPU equals explain on the float64 CPU reference with the same seeds (within float32 noise), in one
// batched forward call; the naive loop gives the same numbers; scikit-learn agrees (scripts/check_explain.py) when a
// Python has it; bad settings are one sentence each.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx, openRuntime, prepareTable, train } from '../../src/index.ts';
import { syntheticDataset } from '../../src/data/synthetic.ts';
import { FEATURES } from '../../src/data/index.ts';
import { DEFAULT_PDP_POINTS } from '../../src/explain/explain.ts';
import { explainTable, type TableExplanation } from '../../src/explain/explain-table.ts';
import type { ModelFile } from '../../src/model/model-file.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';
import { makeTrack, tempPath, toCsv, writeTemp } from '../data/fixtures.ts';
import { sharedRuntime } from '../helpers/gpu.ts';
import { pythonWith } from '../helpers/python.ts';

const table = syntheticDataset({ rows: 1500, seed: 3 });
const settings = { repeats: 3, seed: 42, pdpFeature: 'year' };
let cpu: Runtime;
let reference: Runtime;
let ensemble: ModelFile;
let onReference: TableExplanation;

beforeAll(async () => {
  cpu = await openRuntime('cpu');
  reference = await openRuntime('reference');
  const data = prepareTable(table);
  const runs = [];
  for (const seed of [1, 2, 3]) runs.push(await train(cpu, data, { encoding: 'qple', epochs: 4, seed, patience: 0 }));
  ensemble = { params: runs[0].params, members: runs.map((r) => r.params), scaler: data.scaler, encoder: runs[0].encoder };
  onReference = await explainTable(reference, ensemble, table, settings);
}, 120_000);
afterAll(async () => {
  cpu.close();
  reference.close();
});

function expectSame(got: TableExplanation, want: TableExplanation, atol: number): void {
  expect(got.dataRows).toEqual(want.dataRows);
  expect(Math.abs(got.baselineRmse - want.baselineRmse)).toBeLessThan(atol);
  got.importances.forEach((f, j) => {
    expect(f.feature).toBe(want.importances[j].feature);
    for (let r = 0; r < f.increases.length; r++) expect(Math.abs(f.increases[r] - want.importances[j].increases[r]), `${f.feature} #${r}`).toBeLessThan(atol);
  });
  expect(got.pdp.grid).toEqual(want.pdp.grid);
  got.pdp.mean.forEach((v, i) => expect(Math.abs(v - want.pdp.mean[i])).toBeLessThan(atol));
}

describe('explain', () => {
  it('finds what the synthetic popularity is made of: year first, key and mode last', () => {
    const ranked = [...onReference.importances].sort((a, b) => b.mean - a.mean).map((f) => f.feature);
    expect(ranked[0]).toBe('year');
    expect(onReference.importances.find((f) => f.feature === 'year')!.mean).toBeGreaterThan(1);
    expect(onReference.rows).toBe(300); // the 20 % test split of 1500 rows
    expect(onReference.pdp.grid).toHaveLength(DEFAULT_PDP_POINTS);
    // Popularity rises with year in the synthetic signal, and the curve shows it.
    expect(onReference.pdp.mean[DEFAULT_PDP_POINTS - 1]).toBeGreaterThan(onReference.pdp.mean[0]);
  });

  it('on the GPU equals the float64 reference (same seeds) within float32 noise, in one forward call for every copy', async () => {
    const gpu = await sharedRuntime();
    const got = await explainTable(gpu, ensemble, table, settings);
    expect(got.forwardCalls).toBe(1);
    expect(got.copies).toBe(1 + FEATURES.length * settings.repeats + DEFAULT_PDP_POINTS);
    expectSame(got, onReference, 2e-4);
  }, 60_000);

  it('the naive loop (a forward call per copy) gives the batched numbers on the GPU and on the fast CPU backend', async () => {
    for (const runtime of [await sharedRuntime(), cpu]) {
      const batched = await explainTable(runtime, ensemble, table, settings);
      const naive = await explainTable(runtime, ensemble, table, { ...settings, batched: false });
      expect(naive.forwardCalls).toBe(batched.copies);
      expectSame(naive, batched, 1e-9);
      expectSame(batched, onReference, 2e-4);
    }
  }, 60_000);

  it('says in one sentence what is wrong with R = 0, an unknown feature, or a file with no scorable row', async () => {
    await expect(explainTable(reference, ensemble, table, { ...settings, repeats: 0 })).rejects.toThrow(
      /^Permutation importance needs at least 1 repeat \(--repeats\), not 0\.$/,
    );
    await expect(explainTable(reference, ensemble, table, { ...settings, pdpFeature: 'mood' })).rejects.toThrow(/^There is no feature "mood"/);
    const empty = syntheticDataset({ rows: 0 });
    await expect(explainTable(reference, ensemble, empty, settings)).rejects.toThrow(/has no row with a usable popularity/);
  });
});

const python = pythonWith(['sklearn', 'onnxruntime', 'pandas']);
if (!python.python) console.warn(`[test/explain] skipping the scikit-learn comparison: ${python.why}.`);

describe.skipIf(!python.python)('scripts/check_explain.py', () => {
  it("agrees with sklearn's permutation_importance and partial_dependence on the exported model's predictions", async () => {
    const rows = Array.from({ length: 600 }, (_, i) => makeTrack(i).cells);
    const csv = writeTemp('tracks.csv', toCsv(rows));
    const { parseCsvText } = await import('../../src/data/index.ts');
    const tracks = parseCsvText(toCsv(rows), csv, {});
    const explanation = await explainTable(reference, ensemble, tracks, { ...settings, rows: 'all' });
    const json = tempPath('importance.json');
    writeFileSync(json, JSON.stringify({ ...explanation, explained: explanation.rows }));
    const onnx = writeTemp('model.onnx', exportOnnx(ensemble));
    const script = fileURLToPath(new URL('../../scripts/check_explain.py', import.meta.url));
    const run = spawnSync(python.python!, [script, onnx, csv, json], { encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/importance means +\d\.\d\de-\d\d/);
  }, 60_000);
});
