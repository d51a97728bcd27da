// `spotify-mlp sweep` through the real CLI: a small grid on the GPU writes every file, ranked on validation RMSE, with
// the ensemble of the top N; predict reads the ensemble; and each bad grid is one sentence with nothing written.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseModel } from '../../src/model/model-file.ts';
import { checkGrid } from '../../src/train/sweep.ts';
import { expectUserError, runCli, tempDir } from './spawn.ts';

const tmp = tempDir('spotify-mlp-sweep-');
afterAll(() => tmp.cleanup());

describe('spotify-mlp sweep', () => {
  it('trains a 2 × 2 grid on the GPU and writes every model, the best, the ensemble and sweep.json', async () => {
    const out = join(tmp.dir, 'grid');
    const run = await runCli(
      ['sweep', '--out', out, '--seed-list', '3,8', '--lr', '0.001,0.004', '--epochs', '3', '--synthetic-rows', '600', '--top', '3', '--backend', 'gpu'],
      tmp.dir,
      300_000,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['best.json', 'ensemble.json', 'model-0.json', 'model-1.json', 'model-2.json', 'model-3.json', 'sweep.json']);
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(sweep.grid).toEqual({ encodings: ['qple'], seeds: [3, 8], lrs: [0.001, 0.004], models: 4 });
    const rmse = (i: number) => sweep.models[i].metrics.validation.model.rmse;
    const ranked = sweep.ranking.map(rmse);
    expect(ranked).toEqual([...ranked].sort((a: number, b: number) => a - b));
    expect(sweep.ensemble.members).toEqual(sweep.ranking.slice(0, 3));
    for (const m of sweep.models) expect(m.history.valLoss).toHaveLength(m.run.epochsRun + 1);
    // best.json is the top-ranked model's file, and the ensemble holds the top three members.
    const best = parseModel(readFileSync(join(out, 'best.json'), 'utf8'));
    const first = parseModel(readFileSync(join(out, `model-${sweep.ranking[0]}.json`), 'utf8'));
    expect(Array.from(best.params.W[0].data)).toEqual(Array.from(first.params.W[0].data));
    const ensemble = parseModel(readFileSync(join(out, 'ensemble.json'), 'utf8'));
    expect(ensemble.members).toHaveLength(3);
    expect(ensemble.scaler?.features).toHaveLength(13);
    expect(run.stdout).toMatch(/ranked by validation RMSE/);
    expect(run.stdout).toMatch(/test \(reported only\)/);
    // A second sweep into the same folder is refused before any work, and nothing is changed.
    const again = await runCli(
      ['sweep', '--out', out, '--seeds', '1', '--lr', '0.001', '--epochs', '1', '--synthetic-rows', '100', '--backend', 'cpu'],
      tmp.dir,
    );
    expectUserError(again, /already holds model-0.json, best.json, ensemble.json, sweep.json; pass --force/);
  }, 300_000);

  it.each([
    ['K = 0 (--seeds 0)', ['--seeds', '0'], /--seeds must be at least 1/],
    ['a learning rate that is not a number', ['--lr', '0.001,fast'], /--lr must be a number, got 'fast'/],
    ['an empty item in the list', ['--lr', '0.001,,0.002'], /--lr must be a comma-separated list/],
    ['a seed list with duplicates', ['--seed-list', '4,5,4'], /seed list has 4 more than once/],
    ['a grid of 10 000 models', ['--seeds', '100', '--lr', Array.from({ length: 100 }, (_, i) => (i + 1) / 1e4).join(',')], /10000 models.*at most 1024/],
    ['both --seeds and --seed-list', ['--seeds', '2', '--seed-list', '1,2'], /either --seeds or --seed-list/],
    ['a top N past the grid', ['--seeds', '1', '--lr', '0.001', '--top', '0'], /--top must be at least 1/],
    ['an unknown encoding', ['--encoding', 'qple,log'], /The encoding 'log' names an unknown encoding 'log'; an encoding is/],
    ['a bin count below 2', ['--encoding', 'ple:1'], /asks for 1 ple bins; a ple part needs 2 or more/],
    ['an encoding named twice', ['--encoding', 'ple,ple'], /names 'ple' twice/],
    ['one fold', ['--folds', '1'], /--folds must be at least 2/],
    ['more folds than the sweep takes', ['--folds', '65'], /--folds must be at least 2 and at most 64, got 65/],
    ['more folds than training rows', ['--folds', '20', '--synthetic-rows', '20'], /--folds must be a whole number from 2 to 16 .*not 20/],
    ['more bins than training rows', ['--encoding', 'ple:90'], /ple encoding needs from 2 bins to as many as there are training rows \(80\), not 90/],
  ])('refuses %s in one sentence and writes nothing', async (_name, args, pattern) => {
    const out = join(tmp.dir, `bad-${Math.random().toString(36).slice(2)}`);
    const run = await runCli(['sweep', '--out', out, '--epochs', '1', '--synthetic-rows', '100', '--backend', 'cpu', ...args], tmp.dir);
    expectUserError(run, pattern);
    expect(existsSync(out)).toBe(false);
  });

  it('sweeps two encodings with cross-validated members, and the ensemble file carries its encoder to predict', async () => {
    const out = join(tmp.dir, 'folds');
    const run = await runCli(
      ['sweep', '--out', out, '--seeds', '3', '--lr', '0.002', '--epochs', '3', '--synthetic-rows', '400', '--encoding', 'notebook,ple:4', '--folds', '3'],
      tmp.dir,
    );
    expect(run.code, run.stderr).toBe(0);
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8'));
    expect(sweep.grid.encodings).toEqual(['notebook', 'ple:4']);
    expect(sweep.settings.folds).toBe(3);
    expect(sweep.models.map((m: { encoding: string; fold: number }) => `${m.encoding}/${m.fold}`)).toEqual([
      'notebook/0',
      'notebook/1',
      'notebook/2',
      'ple:4/0',
      'ple:4/1',
      'ple:4/2',
    ]);
    // Every member of the ensemble shares its encoding; the file carries that encoder, and predict applies it.
    const members: number[] = sweep.ensemble.members;
    expect(new Set(members.map((i) => sweep.models[i].encoding))).toEqual(new Set([sweep.ensemble.encoding]));
    const ensemble = parseModel(readFileSync(join(out, 'ensemble.json'), 'utf8'));
    expect(ensemble.encoder?.name).toBe(sweep.ensemble.encoding === 'notebook' ? undefined : sweep.ensemble.encoding);
    const ple = parseModel(readFileSync(join(out, 'model-3.json'), 'utf8'));
    expect(ple.params.dims[0]).toBe(ple.encoder!.width);
    expect(ple.encoder!.width).toBeGreaterThan(13);
    expect(run.stdout).toMatch(/ensemble of the top 3 of encoding (notebook|ple:4)/);
    expect(run.stderr).toMatch(/each model validated on its own fold of 3/);
    const csv = join(tmp.dir, 'score.csv');
    writeFileSync(
      csv,
      'acousticness,danceability,energy,instrumentalness,liveness,loudness,speechiness,tempo,valence,key,mode,explicit,year\n' +
        '0.5,0.6,0.7,0,0.1,-8,0.05,120,0.4,5,1,0,1999\n',
    );
    const preds = await runCli(['predict', '--model', join(out, 'model-3.json'), '--csv', csv, '--out', join(tmp.dir, 'p.csv')], tmp.dir);
    expect(preds.code, preds.stderr).toBe(0);
    expect(Number(readFileSync(join(tmp.dir, 'p.csv'), 'utf8').split('\n')[1].split(',')[0])).toBeGreaterThan(0);
  }, 120_000);

  it('checks an empty grid and a duplicate learning rate in the library too', () => {
    expect(() => checkGrid({ seeds: [], lrs: [0.1] }, 1)).toThrow(/grid is empty/);
    expect(() => checkGrid({ seeds: [1], lrs: [0.1, 0.1] }, 1)).toThrow(/0.1 more than once/);
    expect(() => checkGrid({ seeds: [1], lrs: [Number.NaN] }, 1)).toThrow(/not a positive number/);
    expect(checkGrid({ seeds: [1, 2], lrs: [0.1, 0.2, 0.3] }, 6)).toBe(6);
  });

  it('--test-size 0 fits on every row but the validation share, reports validation only, and says how to test', async () => {
    const dir = join(tmp.dir, 'no-test');
    const rows = ['--synthetic-rows', '500', '--backend', 'cpu', '--test-size', '0'];
    const sweep = await runCli(['sweep', '--out', join(dir, 'sweep'), '--seeds', '2', '--lr', '0.004', '--epochs', '3', ...rows], tmp.dir, 120_000);
    expect(sweep.code, sweep.stderr).toBe(0);
    expect(sweep.stderr).toMatch(/train 500 \(of which 50 validation\), test 0/);
    expect(sweep.stdout).toMatch(/test: none held out \(--test-size 0\); score your own test file with: spotify-mlp predict --model .*ensemble\.json/);
    expect(sweep.stdout).not.toMatch(/n\/a/);
    const json = JSON.parse(readFileSync(join(dir, 'sweep', 'sweep.json'), 'utf8'));
    expect(json.models[0].metrics.validation.model.n).toBe(50);
    expect(json.models[0].metrics.test.model.n).toBe(0);
    const train = await runCli(['train', '--out', join(dir, 'model.json'), '--epochs', '3', ...rows], tmp.dir, 120_000);
    expect(train.code, train.stderr).toBe(0);
    expect(train.stderr).toMatch(/train 500, test 0/);
    expect(train.stdout).toMatch(/model, validation \(50\)/);
    expect(train.stdout).toMatch(/mean baseline, validation/);
    expect(train.stdout).not.toMatch(/model, test|baseline, test/);
    // The model it wrote predicts like any other.
    const model = parseModel(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(model.params.dims).toEqual([13, 64, 32, 16, 1]);
  }, 240_000);
});
