// `spotify-mlp train` → `spotify-mlp predict` through the real binary, with rows that cannot be scored.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedForward } from '../../src/reference/forward.ts';
import { FEATURES, scaleX, unscaleY } from '../../src/data/index.ts';
import { matrix } from '../../src/model/matrix.ts';
import { parseModel } from '../../src/model/model-file.ts';
import { runCli, tempDir } from '../cli/spawn.ts';
import { expectClose } from '../helpers/compare.ts';

const { dir, cleanup } = tempDir('spotify-mlp-train-');
const modelPath = join(dir, 'model.json');

// Columns in a different order than FEATURES, an id with a comma, and extra columns, as real files have.
const HEADER = [
  'id',
  'name',
  'popularity',
  'explicit',
  'release_date',
  'danceability',
  'energy',
  'key',
  'loudness',
  'mode',
  'speechiness',
  'acousticness',
  'instrumentalness',
  'liveness',
  'valence',
  'tempo',
];
const good = (id: string, tempo: string) => [id, 'song', '', 'False', '1999-05-01', '0.5', '0.7', '5', '-7.5', '1', '0.05', '0.2', '0.0', '0.1', '0.6', tempo];
const ROWS = [
  good('a1', '120'),
  good('b2', ''), // missing tempo
  good('"c,3"', '95.5'),
  good('d4', 'fast'), // junk
  ['e5', 'too', 'few'],
  good('f6', '140'),
];
const csvText = `${HEADER.join(',')}\n${ROWS.map((r) => r.join(',')).join('\n')}\n`;

beforeAll(async () => {
  const run = await runCli(['train', '--out', modelPath, '--backend', 'cpu', '--epochs', '3', '--synthetic-rows', '600', '--batch', '32'], dir);
  expect(run.stderr + run.stdout, 'train must succeed').toContain('wrote');
  expect(run.code).toBe(0);
}, 120_000);
afterAll(cleanup);

describe('spotify-mlp train', () => {
  it('writes a model with its scaler, settings, metrics and one loss per epoch', () => {
    const model = parseModel(readFileSync(modelPath, 'utf8'));
    expect(model.scaler?.features).toEqual([...FEATURES]);
    const t = model.training as {
      settings: { optimizer: { kind: string } };
      run: { epochsRun: number };
      history: { trainLoss: number[] };
      metrics: { test: { model: { r2: number }; baseline: { r2: number } } };
    };
    expect(t.settings.optimizer.kind).toBe('adam');
    expect(t.history.trainLoss).toHaveLength(t.run.epochsRun + 1);
    expect(t.history.trainLoss[t.run.epochsRun]).toBeLessThan(t.history.trainLoss[0]);
    expect(t.metrics.test.model.r2).toBeGreaterThan(t.metrics.test.baseline.r2);
  });
});

describe('spotify-mlp predict', () => {
  it('writes one row per input row in order, with a reason for each row it cannot score', async () => {
    writeFileSync(join(dir, 'tracks.csv'), csvText);
    const run = await runCli(['predict', '--model', modelPath, '--csv', 'tracks.csv', '--out', 'preds.csv'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('6 rows read');
    const lines = readFileSync(join(dir, 'preds.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('id,predicted_popularity,reason');
    expect(lines).toHaveLength(ROWS.length + 1);
    const ids = lines.slice(1).map((l) => (l.startsWith('"') ? l.slice(0, l.indexOf('"', 1) + 1) : l.split(',')[0]));
    expect(ids).toEqual(['a1', 'b2', '"c,3"', 'd4', 'e5', 'f6']);
    expect(lines[2]).toMatch(/^b2,,missing value in tempo$/);
    expect(lines[4]).toMatch(/^d4,,unusable value in tempo \('fast'\)$/);
    expect(lines[5]).toMatch(/^e5,,wrong number of fields$/);

    // The scored rows equal the CPU reference on the same raw values.
    const model = parseModel(readFileSync(modelPath, 'utf8'));
    const raw = ['120', '95.5', '140'].map((tempo) => {
      const row: Record<string, number> = {
        danceability: 0.5,
        energy: 0.7,
        key: 5,
        loudness: -7.5,
        mode: 1,
        speechiness: 0.05,
        acousticness: 0.2,
        instrumentalness: 0,
        liveness: 0.1,
        valence: 0.6,
        tempo: Number(tempo),
        explicit: 0,
        year: 1999,
      };
      return FEATURES.map((f) => row[f]);
    });
    const X = matrix(FEATURES.length, 3, Float64Array.from(FEATURES.flatMap((_, j) => raw.map((r) => r[j]))));
    const want = unscaleY(feedForward(scaleX(X, model.scaler!), model.params).yOut.data, model.scaler!);
    const found = [lines[1], lines[3], lines[6]].map((l) => Number(l.split(',').at(-2)));
    expectClose(found, want, { atol: 1e-4, rtol: 0 }, 'predicted popularity');
  });

  it('refuses a CSV with no data rows in one sentence', async () => {
    writeFileSync(join(dir, 'empty.csv'), `${HEADER.join(',')}\n`);
    const run = await runCli(['predict', '--model', modelPath, '--csv', 'empty.csv', '--out', 'x.csv'], dir);
    expect(run.code).toBe(1);
    expect(
      run.stderr
        .trim()
        .split('\n')
        .filter((l) => !/XDG/.test(l)),
    ).toHaveLength(1);
    expect(run.stderr).toMatch(/no data rows/);
  });

  it('refuses a model trained on other features in one sentence', async () => {
    const json = JSON.parse(readFileSync(modelPath, 'utf8'));
    json.scaler.features = [...json.scaler.features].reverse();
    writeFileSync(join(dir, 'other.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'tracks.csv'), csvText);
    const run = await runCli(['predict', '--model', 'other.json', '--csv', 'tracks.csv', '--out', 'x.csv'], dir);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/expects the features|invalid "scaler"/);
  });

  it('warns about rows outside the training range but still predicts them', async () => {
    const future = good('z9', '120').map((v, i) => (HEADER[i] === 'release_date' ? '2500-01-01' : v));
    writeFileSync(join(dir, 'future.csv'), `${HEADER.join(',')}\n${future.join(',')}\n`);
    const run = await runCli(['predict', '--model', modelPath, '--csv', 'future.csv', '--out', 'f.csv'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/1 of 1 rows have features outside the range the model was trained on \(.*year 1/);
    expect(readFileSync(join(dir, 'f.csv'), 'utf8').trimEnd().split('\n')).toHaveLength(2);
  });
});
