// The exported ONNX files outside JavaScript: ONNX's own checker (scripts/check_onnx.py), and the Python example
// (examples/python/predict.py, onnxruntime + pandas) scoring a tracks.csv as `predict` does. Each part runs when a
// Python with its packages exists ($SPOTIFY_MLP_PYTHON, else python3) and is skipped with one line otherwise.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportOnnx, openRuntime, predictTable, prepareTable, train } from '../../src/index.ts';
import type { ModelFile } from '../../src/model/model-file.ts';
import { parseCsvText } from '../../src/data/index.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';
import { makeTrack, toCsv, writeTemp } from '../data/fixtures.ts';
import { pythonWith } from '../helpers/python.ts';

const CHECKER = fileURLToPath(new URL('../../scripts/check_onnx.py', import.meta.url));
const EXAMPLE = fileURLToPath(new URL('../../examples/python/predict.py', import.meta.url));
const checker = pythonWith(['onnx']);
const runtime = pythonWith(['onnxruntime', 'pandas']);
if (!checker.python) console.warn(`[test/onnx/python] skipping the onnx.checker test: ${checker.why}.`);
if (!runtime.python) console.warn(`[test/onnx/python] skipping the Python example test: ${runtime.why}.`);

// 400 tracks in every date format, and one whose tempo is missing: it must come out with a reason, not vanish.
const rows = Array.from({ length: 400 }, (_, i) => makeTrack(i).cells);
rows.push({ ...makeTrack(400).cells, tempo: '' });
const csvText = toCsv(rows);
const csvPath = writeTemp('tracks.csv', csvText);
const files: { name: string; model: ModelFile; path: string }[] = [];

let cpu: Runtime;
beforeAll(async () => {
  cpu = await openRuntime('cpu');
  const table = parseCsvText(csvText, 'tracks.csv', {});
  const data = prepareTable(table);
  const runs = [];
  for (const seed of [1, 2, 3]) runs.push(await train(cpu, data, { encoding: 'qple', epochs: 3, seed, patience: 0 }));
  const extras = { scaler: data.scaler, encoder: runs[0].encoder };
  const notebook = await train(cpu, data, { epochs: 3, patience: 0 });
  const models: [string, ModelFile][] = [
    ['notebook', { params: notebook.params, scaler: data.scaler }],
    ['qple', { params: runs[0].params, ...extras }],
    ['ensemble', { params: runs[0].params, members: runs.map((r) => r.params), ...extras }],
  ];
  for (const [name, model] of models) files.push({ name, model, path: writeTemp(`${name}.onnx`, exportOnnx(model)) });
}, 60_000);
afterAll(() => cpu.close());

describe.skipIf(!checker.python)('onnx.checker', () => {
  it('passes every exported file with full shape and type inference, opset 17 and IR 8', () => {
    const run = spawnSync(checker.python!, [CHECKER, ...files.map((f) => f.path)], { encoding: 'utf8' });
    expect(run.status, run.stdout + run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(files.length);
    for (const line of lines)
      expect(line).toMatch(/: ok \(onnx [\d.]+ checker, opset 17, IR 8; in: features float\['N', 13\]; out: popularity float\['N', 1\]\)$/);
  });
});

describe.skipIf(!runtime.python)('examples/python/predict.py', () => {
  it('scores every row as predict does (within the 4 printed decimals) and keeps the unscorable row with its reason', async () => {
    const table = parseCsvText(csvText, 'tracks.csv', { requireTarget: false, keepIds: true, listRejected: true });
    for (const { name, model, path } of files) {
      const run = spawnSync(runtime.python!, [EXAMPLE, path, csvPath], { encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      expect(run.stderr).toContain(`${rows.length} rows read, ${rows.length - 1} predicted, 1 without a prediction`);
      const out = Papa.parse<Record<string, string>>(run.stdout.trim(), { header: true }).data;
      expect(out).toHaveLength(rows.length);
      const want = await predictTable(cpu, model, table);
      const got = Array.from(want.rowIndex, (r) => Number(out[r].predicted_popularity));
      for (let i = 0; i < got.length; i++) expect(Math.abs(got[i] - want.popularity[i]), `${name}, row ${want.rowIndex[i]}`).toBeLessThan(2e-4);
      expect(out[400]).toMatchObject({ id: 'trk000400', predicted_popularity: '', reason: 'a feature is missing or not a number' });
    }
  });
});
