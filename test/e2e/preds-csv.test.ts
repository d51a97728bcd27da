// The page's preds.csv must be byte for byte what `spotify-mlp predict` writes for the same model and CSV.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/reference/backend.ts';
import { initialization } from '../../src/reference/init.ts';
import { prepareDataset } from '../../src/data/prepare.ts';
import { serializeModel } from '../../src/model/model-writer.ts';
import { NOTEBOOK_DIMS } from '../../src/model/params.ts';
import { loadCsvFile } from '../../src/platform/node-csv.ts';
import { scoreTable } from '../../src/demo/predictions-csv.ts';
import { predictionsCsv } from '../../src/train/predictions.ts';
import { fixtureDir, writeTracksCsv } from './fixtures.ts';
import { ROOT } from './harness.ts';

describe("the demo's preds.csv", () => {
  it('equals the CLI predict output, rows with missing values included', async () => {
    const dir = fixtureDir();
    const fixture = writeTracksCsv(dir, 'score-me.csv', 300);
    const { scaler } = prepareDataset(await loadCsvFile(fixture.path));
    const params = initialization(NOTEBOOK_DIMS, { seed: 3 });
    params.b[params.b.length - 1].fill(0.3); // keeps the untrained output ReLU alive, so predictions are not all 0
    const modelPath = join(dir, 'model.json');
    writeFileSync(modelPath, serializeModel(params, { scaler }));

    const out = join(dir, 'cli-preds.csv');
    const cli = spawnSync(
      process.execPath,
      ['bin/spotify-mlp.mjs', 'predict', '--model', modelPath, '--csv', fixture.path, '--out', out, '--backend', 'reference'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(cli.status, cli.stderr).toBe(0);

    const table = await loadCsvFile(fixture.path, { requireTarget: false, keepIds: true, listRejected: true });
    const predictions = await scoreTable(table, createCpuBackend(params), scaler, undefined, () => undefined);
    const page = predictionsCsv(table, predictions);
    const expected = readFileSync(out, 'utf8');
    expect(page.split('\n')).toHaveLength(fixture.rows + 2); // header, one line per row, final newline
    expect(page).toBe(expected);
    expect(
      new Set(
        page
          .split('\n')
          .slice(1, -1)
          .map((l) => l.split(',')[1]),
      ).size,
      'distinct predictions',
    ).toBeGreaterThan(10);
  }, 60_000);
});
