// `spotify-mlp prepare` as a user runs it: a real process, real files, numpy-parity arrays, one-line errors.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PrepareJson } from '../../src/cli/commands/prepare.ts';
import { readNpy } from '../../src/model/npy.ts';
import { expectClose } from '../helpers/compare.ts';
import { referenceJson, referenceNpy } from '../helpers/reference.ts';
import { KAGGLE_HEADER, makeTrack, tempPath, toCsv, writeTemp } from './fixtures.ts';
import { ARRAYS, PARITY, type ReferenceMeta } from './reference-data.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../reference/data_parity.csv', import.meta.url));

/** Runs the CLI in a child process from the repository root. */
function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['bin/spotify-mlp.mjs', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('spotify-mlp prepare', () => {
  it('writes the numpy-parity arrays and a prepare.json that accounts for every row', () => {
    const out = tempPath('parity-out');
    const ref = referenceJson<ReferenceMeta>('data_parity_seed42_sample300.json');
    const r = cli('prepare', '--csv', FIXTURE, '--out', out, '--rng', 'numpy', '--seed', '42', '--sample', '300');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/read 520 rows .*kept 338, dropped 182/);
    expect(r.stdout).toContain('sampled 300 of 338 → train 240, test 60');
    for (const name of ARRAYS) {
      const got = readNpy(readFileSync(`${out}/${name}.npy`), name);
      const want = referenceNpy(`data_parity_seed42_sample300_${name}.npy`);
      expect(got.data, `${name} is float64`).toBeInstanceOf(Float64Array);
      expect([got.rows, got.cols]).toEqual([want.rows, want.cols]);
      expectClose(got.data, want.data, PARITY, name);
    }
    const json = JSON.parse(readFileSync(`${out}/prepare.json`, 'utf8')) as PrepareJson;
    expect(json.counts).toEqual(ref.counts);
    expect(json.counts.kept + json.counts.dropped).toBe(json.counts.read);
    expect(json).toMatchObject({ source: FIXTURE, seed: 42, rng: 'numpy', sample: 300, testSize: 0.2, yearFrom: 'release_date' });
    expect(json.scaler).toEqual(ref.scaler);
    expect(json.shapes).toEqual({ x_train: [13, 240], y_train: [1, 240], x_test: [13, 60], y_test: [1, 60] });
  });

  it('uses the synthetic dataset without --csv, and refuses to overwrite without --force', () => {
    const out = tempPath('synthetic-out');
    const first = cli('prepare', '--out', out, '--synthetic-rows', '500');
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('built-in synthetic data');
    expect(readNpy(readFileSync(`${out}/x_train.npy`)).cols).toBe(400);
    const again = cli('prepare', '--out', out, '--synthetic-rows', '500');
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^spotify-mlp: .*already holds x_train\.npy.*--force[^\n]*\n$/);
    expect(cli('prepare', '--out', out, '--synthetic-rows', '500', '--force').status).toBe(0);
  });

  it('reports a bad file or a bad option in one line with a non-zero exit', () => {
    const header = KAGGLE_HEADER.filter((h) => h !== 'tempo');
    const bad = writeTemp('no-tempo.csv', toCsv([makeTrack(1).cells, makeTrack(2).cells], { header }));
    const r = cli('prepare', '--csv', bad, '--out', tempPath('bad-out'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^spotify-mlp: [^\n]*no-tempo\.csv is missing the required column tempo[^\n]*\.\n$/);
    const opt = cli('prepare', '--out', tempPath('bad-out'), '--test-size', '1.5');
    expect(opt.status).toBe(2);
    expect(opt.stderr).toMatch(/^spotify-mlp: --test-size must be[^\n]*\n$/);
  });
});
