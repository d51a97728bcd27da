// `spotify-mlp init`: the notebook's W1…W4 from --rng numpy --seed 42, the model file it writes, and its option errors.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initialization } from '../../src/reference/init.ts';
import { parseModel } from '../../src/model/model-file.ts';
import { referenceNpy } from '../helpers/reference.ts';
import { expectUserError, runCli, tempDir } from './spawn.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

function load(path: string) {
  return parseModel(readFileSync(path, 'utf8'), path).params;
}

describe.concurrent('spotify-mlp init', () => {
  it("--rng numpy --seed 42 writes the notebook's W1…W4 bit for bit and zero biases", async () => {
    const run = await runCli(['init', '--rng', 'numpy', '--seed', '42', '--out', 'numpy42.json'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/init: wrote numpy42\.json: dims \[13, 64, 32, 16, 1\], 3521 parameters/);
    const params = load(join(dir, 'numpy42.json'));
    expect(params.dims).toEqual([13, 64, 32, 16, 1]);
    for (let l = 0; l < 4; l++) {
      const ref = referenceNpy(`init_seed42_W${l + 1}.npy`);
      expect([params.W[l].rows, params.W[l].cols]).toEqual([ref.rows, ref.cols]);
      const differ = Array.from(ref.data).flatMap((v, i) => (Object.is(v, params.W[l].data[i]) ? [] : [`[${i}] expected ${v}, found ${params.W[l].data[i]}`]));
      expect(differ.slice(0, 5), `W${l + 1} differs from numpy in ${differ.length} places`).toEqual([]);
      expect(Array.from(params.b[l]).every((v) => Object.is(v, 0))).toBe(true);
    }
  });

  it('writes what initialization() gives for other dims and the default engine, deterministically', async () => {
    const [a, b, c] = await Promise.all([
      runCli(['init', '--dims', '5,7,3', '--seed', '9', '--out', 'a.json'], dir),
      runCli(['init', '--dims', ' 5, 7 ,3', '--seed', '9', '--out', join(dir, 'sub', 'b.json')], dir),
      runCli(['init', '--dims', '5,7,3', '--seed', '10', '--out', 'c.json'], dir),
    ]);
    for (const run of [a, b, c]) expect(run.code, run.stderr).toBe(0);
    const want = initialization([5, 7, 3], { seed: 9, rng: 'seedrandom' });
    const got = load(join(dir, 'a.json'));
    expect(got.W.map((W) => [W.rows, W.cols])).toEqual([
      [7, 5],
      [3, 7],
    ]);
    got.W.forEach((W, l) => expect(Array.from(W.data)).toEqual(Array.from(want.W[l].data)));
    expect(readFileSync(join(dir, 'sub', 'b.json'), 'utf8')).toBe(readFileSync(join(dir, 'a.json'), 'utf8'));
    expect(readFileSync(join(dir, 'c.json'), 'utf8')).not.toBe(readFileSync(join(dir, 'a.json'), 'utf8'));
  });

  it('writes to stdout with --out - and nothing else there', async () => {
    const run = await runCli(['init', '--dims', '3,2,1', '--out', '-'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(parseModel(run.stdout, 'stdout').params.dims).toEqual([3, 2, 1]);
  });

  it('refuses to overwrite a file unless --force is given', async () => {
    const path = join(dir, 'existing.json');
    writeFileSync(path, 'keep me');
    expectUserError(await runCli(['init', '--out', 'existing.json'], dir), /existing\.json already exists; pass --force/);
    expect(readFileSync(path, 'utf8')).toBe('keep me');
    const forced = await runCli(['init', '--out', 'existing.json', '--force'], dir);
    expect(forced.code, forced.stderr).toBe(0);
    expect(load(path).dims).toEqual([13, 64, 32, 16, 1]);
  });

  it.each([
    [['init', '--seed', 'forty-two'], /--seed must be an integer, got 'forty-two'/],
    [['init', '--seed', '-1'], /--seed must be at least 0/],
    [['init', '--seed', '4294967296'], /--seed must be .*at most 4294967295/],
    [['init', '--rng', 'mersenne'], /--rng must be one of numpy, seedrandom/],
    [['init', '--dims', '13'], /--dims must be at least two positive integers/],
    [['init', '--dims', '13,0,1'], /--dims must be/],
    [['init', '--dims', '13,x,1'], /--dims must be/],
    [['init', '--sed', '4'], /Unknown option '--sed'; did you mean --seed\?/],
    [['init', 'extra'], /Too many arguments/i],
    [['init', '--seed'], /argument missing/],
  ])('rejects %j with one sentence', async (args, pattern) => {
    const run = await runCli(args, dir);
    expectUserError(run, pattern);
    expect(existsSync(join(dir, 'model.json'))).toBe(false);
  });
});
