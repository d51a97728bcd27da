// The smaller problems of issue 11, each with the case that showed it: every one now gets one sentence and a
// non-zero exit, or the right result.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFloatOption } from '../../src/cli/options.ts';
import { parseCsvText } from '../../src/data/csv.ts';
import { syntheticData } from '../../src/api/common.ts';
import { matrix } from '../../src/model/matrix.ts';
import { readNpy, readNpyArray, writeNpy } from '../../src/model/npy.ts';
import { createCpuTrainer } from '../../src/reference/trainer.ts';
import { DeadOutputError } from '../../src/train/loop.ts';
import { TRAIN_DEFAULTS, trainModel } from '../../src/train/train-model.ts';
import { KAGGLE_HEADER, makeTrack, toCsv } from '../data/fixtures.ts';
import { expectUserError, runCli, tempDir } from './spawn.ts';

const { dir, cleanup } = tempDir('spotify-mlp-small-');
afterAll(cleanup);
const tracks = (n: number) => Array.from({ length: n }, (_, i) => makeTrack(i + 1).cells);

beforeAll(async () => {
  const run = await runCli(['train', '--out', 'model.json', '--backend', 'cpu', '--epochs', '5', '--synthetic-rows', '300'], dir);
  expect(run.code, run.stderr).toBe(0);
  writeFileSync(join(dir, 'train.err'), run.stderr);
}, 120_000);

describe('a .npy whose header claims fewer values than the file holds', () => {
  const whole = writeNpy(matrix(13, 4, new Float64Array(52).fill(0.5)));
  // The same bytes with a header that says (13, 3): the last 13 values would be dropped in silence.
  const lying = Buffer.from(Buffer.from(whole).toString('latin1').replace('(13, 4)', '(13, 3)'), 'latin1');

  it('is refused with the byte counts, in the reader and through forward', async () => {
    expect(readNpy(whole).cols).toBe(4);
    expect(() => readNpy(lying, 'X.npy')).toThrow(
      /^X\.npy holds 416 data bytes but its header's shape \(13, 3\) needs 312; the header does not describe the data/,
    );
    writeFileSync(join(dir, 'lying.npy'), lying);
    expectUserError(
      await runCli(['forward', '--model', 'model.json', '--input', 'lying.npy', '--out', 'o1', '--backend', 'cpu'], dir),
      /The input 'lying\.npy' holds 416 data bytes but its header's shape \(13, 3\) needs 312/,
    );
    expect(existsSync(join(dir, 'o1'))).toBe(false);
  });
});

describe('a 1-D .npy of shape (13,)', () => {
  it('is called 1-D, not transposed, with the reshape that fixes it', async () => {
    const bytes = Buffer.from(
      Buffer.from(writeNpy(matrix(1, 13, new Float64Array(13))))
        .toString('latin1')
        .replace('(1, 13), }', '(13,), }  '),
      'latin1',
    ); // same header length
    expect(readNpyArray(bytes).shape).toEqual([13]);
    writeFileSync(join(dir, 'one.npy'), bytes);
    const run = await runCli(['forward', '--model', 'model.json', '--input', 'one.npy', '--out', 'o2', '--backend', 'cpu'], dir);
    expectUserError(
      run,
      new RegExp(
        String.raw`The input 'one\.npy' is 1-D, shape \(13,\), but the model needs a 2-D X of shape \(13, m\), ` +
          String.raw`one column per example; for one example save X\.reshape\(13, 1\)\.$`,
      ),
    );
    expect(run.stderr).not.toMatch(/transposed/);
  });
});

describe('CSV headers', () => {
  it('refuses a duplicated column that is read, naming both positions, and ignores a duplicated unused one', () => {
    const rows = tracks(3);
    const header = [...KAGGLE_HEADER, 'tempo'];
    const text = toCsv(rows, { header }); // the last column repeats tempo
    expect(() => parseCsvText(text, 'dup.csv')).toThrow(/^dup\.csv has the column tempo 2 times \(columns 19, 21\); keep one/);
    const unused = toCsv(rows, { header: [...KAGGLE_HEADER, 'name'] });
    expect(parseCsvText(unused, 'ok.csv').rows).toBe(3);
  });

  it('says that names are case-sensitive when the missing columns are there in another case', () => {
    const upper = KAGGLE_HEADER.map((h) => (h === 'tempo' || h === 'energy' ? h.toUpperCase() : h));
    const text = toCsv(
      tracks(2).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k === 'tempo' || k === 'energy' ? k.toUpperCase() : k, v]))),
      { header: upper },
    );
    expect(() => parseCsvText(text, 'upper.csv')).toThrow(
      /is missing the required columns energy, tempo; .*column names are case-sensitive, and the file has 'ENERGY', 'TEMPO', so write them in lower case\.$/,
    );
    const missing = toCsv(tracks(2), { header: KAGGLE_HEADER.filter((h) => h !== 'tempo') });
    expect(() => parseCsvText(missing, 'plain.csv')).toThrow(/\(other columns are ignored\)\.$/);
  });
});

describe('predict where no row can be scored', () => {
  it('exits 1 with the reasons and writes nothing', async () => {
    const rows = tracks(3).map((r) => ({ ...r, tempo: 'fast' }));
    writeFileSync(join(dir, 'junk.csv'), toCsv(rows));
    const run = await runCli(['predict', '--model', 'model.json', '--csv', 'junk.csv', '--out', 'junk-preds.csv'], dir);
    expectUserError(run, /None of the 3 rows of 'junk\.csv' can be scored \(3 not a finite number .*tempo \(3\)\); fix those values, nothing was written\./);
    expect(run.code).toBe(1);
    expect(readdirSync(dir).filter((f) => f.includes('junk-preds'))).toEqual([]);
  });
});

describe('the dead-output advice', () => {
  const data = syntheticData({ rows: 200 });
  const dead = async (outputInit: 'mean' | 'he'): Promise<string> => {
    // b4 far below 0 kills the output ReLU at initialization, whatever the init.
    const config = { ...TRAIN_DEFAULTS, epochs: 2, outputInit, outputBias: -50 };
    const err = await trainModel(async (p) => createCpuTrainer(p), data, config).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadOutputError);
    return (err as Error).message;
  };

  it('suggests --output-init mean only to a run that did not use it', async () => {
    const [withMean, withHe] = await Promise.all([dead('mean'), dead('he')]);
    expect(withMean).not.toMatch(/--output-init/);
    expect(withMean).toMatch(/a lower learning rate .*--output-bias .*another --seed\.$/);
    expect(withHe).toMatch(/train again with --output-init mean, a lower learning rate/);
  });
});

describe('--test-size', () => {
  it('gives 1, 1.5 and -0.1 the same sentence, in the parser and through the CLI, and takes 0 (no test rows)', async () => {
    const range = { min: 0, max: 1, maxExclusive: true };
    const message = (v: string) => {
      try {
        parseFloatOption(v, '--test-size', range);
        return 'accepted';
      } catch (e) {
        return (e as Error).message;
      }
    };
    expect(message('1')).toBe('--test-size must be at least 0 and less than 1, got 1.');
    expect(message('1.5')).toBe('--test-size must be at least 0 and less than 1, got 1.5.');
    expect(message('-0.1')).toBe('--test-size must be at least 0 and less than 1, got -0.1.');
    expect(message('0')).toBe('accepted');
    expect(message('0.999')).toBe('accepted');
    const [prep, train] = await Promise.all([
      runCli(['prepare', '--out', 'p', '--test-size', '1'], dir),
      runCli(['train', '--out', 't.json', '--test-size', '1'], dir),
    ]);
    for (const run of [prep, train]) {
      expectUserError(run, /--test-size must be at least 0 and less than 1, got 1\./);
      expect(run.code).toBe(2);
    }
  });
});

describe('init --out naming a folder', () => {
  it('says to give a file name, and does not suggest --force', async () => {
    const [slash, folder] = await Promise.all([runCli(['init', '--out', 'newdir/'], dir), runCli(['init', '--out', '.', '--force'], dir)]);
    expectUserError(slash, /Cannot write the model file 'newdir\/': the path names a folder; give a file name such as newdir\/model\.json\./);
    expectUserError(folder, /Cannot write the model file '\.': it is a folder, not a file; give a file name such as model\.json\./);
    for (const run of [slash, folder]) expect(run.stderr).not.toMatch(/--force/);
    expect(existsSync(join(dir, 'newdir'))).toBe(false);
  });
});

describe('the per-epoch losses', () => {
  it('are labelled as MSE on the scaled target', async () => {
    const { readFileSync } = await import('node:fs');
    const log = readFileSync(join(dir, 'train.err'), 'utf8');
    expect(log).toMatch(/^epoch 5\/5: MSE \(scaled\) train \d\.\d{5} {2}val \d\.\d{5} {2}test \d\.\d{5} /m);
  });
});
