// Every mistake a user can make with `spotify-mlp forward` (and the CLI at large) ends in one sentence and a non-zero exit.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matrix } from '../../src/model/matrix.ts';
import { writeNpy } from '../../src/model/npy.ts';
import { expectUserError, runCli, saveNpy, tempDir } from './spawn.ts';

const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** (rows, m) of simple finite values. */
function ones(rows: number, m: number): ReturnType<typeof matrix> {
  return matrix(rows, m, new Float64Array(rows * m).fill(0.5));
}

beforeAll(async () => {
  const run = await runCli(['init', '--out', 'model.json'], dir);
  expect(run.code, run.stderr).toBe(0);
  saveNpy(dir, 'X.npy', ones(13, 5));
  saveNpy(dir, 'X12.npy', ones(12, 5));
  saveNpy(dir, 'XT.npy', ones(6, 13));
  saveNpy(dir, 'X0.npy', matrix(13, 0, new Float64Array(0)));
  const nan = ones(13, 5);
  nan.data[2 * 5 + 3] = Number.NaN;
  nan.data[4 * 5 + 1] = Number.POSITIVE_INFINITY;
  nan.data[12 * 5 + 4] = Number.NaN;
  saveNpy(dir, 'Xnan.npy', nan, 'float32');
  const inf = ones(13, 5);
  inf.data[7] = Number.NEGATIVE_INFINITY;
  saveNpy(dir, 'Xinf.npy', inf);
  writeFileSync(join(dir, 'text.npy'), 'acousticness,danceability\n0.1,0.2\n');
  const whole = writeNpy(ones(13, 5));
  writeFileSync(join(dir, 'short.npy'), whole.subarray(0, whole.length - 9));
  writeFileSync(join(dir, 'int.npy'), Buffer.from(whole).toString('latin1').replace("'<f8'", "'<i8'"), 'latin1');
  writeFileSync(join(dir, 'broken.json'), '{"format": "spotify-mlp", "version": 1, "dims": [13, 1],');
  writeFileSync(join(dir, 'keras.json'), '{"format": "keras", "version": 1}');
  writeFileSync(join(dir, 'a-file'), 'not a folder');
  mkdirSync(join(dir, 'a-folder.json'));
});

const forward = (...extra: string[]) => ['forward', '--model', 'model.json', '--input', 'X.npy', '--out', 'out', '--backend', 'cpu', ...extra];
const withArg = (flag: string, value: string) => {
  const args = forward();
  args[args.indexOf(flag) + 1] = value;
  return args;
};

describe.concurrent('user errors: one sentence, non-zero exit, no stack trace', () => {
  it.each([
    ['a missing model file', withArg('--model', 'nope.json'), /Cannot read the model file 'nope\.json': it does not exist/],
    ['a folder as the model', withArg('--model', 'a-folder.json'), /Cannot read the model file 'a-folder\.json': it is a folder/],
    ['a missing input file', withArg('--input', 'nope.npy'), /Cannot read the input 'nope\.npy': it does not exist/],
    ['malformed JSON', withArg('--model', 'broken.json'), /The model file 'broken\.json' is not valid JSON/],
    ['another format', withArg('--model', 'keras.json'), /is not a spotify-mlp model: its "format" is "keras"/],
    ['a CSV as .npy', withArg('--input', 'text.npy'), /The input 'text\.npy' is not a \.npy file/],
    ['a truncated .npy', withArg('--input', 'short.npy'), /The input 'short\.npy' is truncated/],
    ['an integer .npy', withArg('--input', 'int.npy'), /dtype '<i8'; only float32 and float64/],
    ['too few features', withArg('--input', 'X12.npy'), /shape \(12, 5\) but the model expects 13 features, shape \(13, m\)\.$/],
    ['a transposed X', withArg('--input', 'XT.npy'), /shape \(6, 13\) .*looks transposed, so save X\.T/],
    ['no examples', withArg('--input', 'X0.npy'), /has no examples/],
    ['NaN and Inf in X', withArg('--input', 'Xnan.npy'), /has 3 non-finite values \(NaN or Inf\); the first is NaN at row 2, column 3/],
    ['-Inf in X', withArg('--input', 'Xinf.npy'), /has 1 non-finite value \(NaN or Inf\); the first is -Infinity at row 1, column 2/],
    ['a file where the output folder goes', withArg('--out', 'a-file'), /Cannot write the output file 'a-file\/A4\.npy': 'a-file' is a file, not a folder\./],
    ['an unknown flag', forward('--cahce'), /Unknown option '--cahce'; did you mean --cache\?/],
    ['a bad backend', withArg('--backend', 'tpu'), /--backend must be one of auto, gpu, cpu, reference; got 'tpu'/],
    ['no --out', forward().slice(0, 5), /Required option '--out <dir>' not specified/],
    ['an unknown command', ['forwrad'], /Unknown command 'forwrad'; did you mean forward\?/],
  ])('%s', async (_what, args, pattern) => {
    expectUserError(await runCli(args, dir), pattern);
  });

  it('prints help and exits 0 for --help, and the version for --version', async () => {
    const [help, version, sub] = await Promise.all([runCli(['--help'], dir), runCli(['--version'], dir), runCli(['forward', '--help'], dir)]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: spotify-mlp/);
    expect(help.stdout).toMatch(/init/);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/--cache/);
  });
});
