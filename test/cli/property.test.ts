// A property test over every command: random bad arguments and bad files, through the CLI's own entry point (the
// commander tree, the commands, the error policy, real files). Each case must end in exit 1 or 2 with one sentence on
// stderr, no stack trace, and no file created or changed except an --out that --force allows. A few cases also run
// through the real binary in a child process. SPOTIFY_MLP_PROPERTY_RUNS (default 40) and SPOTIFY_MLP_PROPERTY_SPAWN
// (default 3) set how many; e.g. SPOTIFY_MLP_PROPERTY_RUNS=2000 for a long run.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { matrix } from '../../src/model/matrix.ts';
import { writeNpy } from '../../src/model/npy.ts';
import { runCli, tempDir } from './spawn.ts';

const RUNS = Number(process.env.SPOTIFY_MLP_PROPERTY_RUNS ?? 40);
const SPAWNED = Number(process.env.SPOTIFY_MLP_PROPERTY_SPAWN ?? 3);
const { dir, cleanup } = tempDir('spotify-mlp-property-');
afterAll(cleanup);

/** Files every case may point at: good ones (so that only the injected mistake is wrong) and bad ones. */
const GOOD = { model: 'good/model.json', x: 'good/X.npy', csv: 'good/tracks.csv', existing: 'good/existing.json' };
const BAD_FILES = [
  'bad/missing.json',
  'bad/folder',
  'bad/empty',
  'bad/garbage.bin',
  'bad/short.npy',
  'bad/int.npy',
  'bad/text.json',
  'bad/one-column.csv',
  'bad/header-only.csv',
  'bad/junk-rows.csv',
  'bad/transposed.npy',
  'bad/nan.npy',
  'bad/semicolons.csv',
];

beforeAll(async () => {
  mkdirSync(join(dir, 'good'));
  mkdirSync(join(dir, 'bad', 'folder'), { recursive: true });
  const init = await runCli(['init', '--out', GOOD.model], dir);
  expect(init.code, init.stderr).toBe(0);
  writeFileSync(join(dir, GOOD.x), writeNpy(matrix(13, 3, new Float64Array(39).fill(0.25))));
  writeFileSync(join(dir, GOOD.csv), readFileSync(new URL('../reference/data_parity.csv', import.meta.url)));
  writeFileSync(join(dir, GOOD.existing), 'a model the user wants to keep');
  const whole = writeNpy(matrix(13, 3, new Float64Array(39)));
  writeFileSync(join(dir, 'bad/empty'), '');
  writeFileSync(
    join(dir, 'bad/garbage.bin'),
    Uint8Array.from({ length: 300 }, (_, i) => (i * 97 + 13) % 256),
  );
  writeFileSync(join(dir, 'bad/short.npy'), whole.subarray(0, whole.length - 5));
  writeFileSync(join(dir, 'bad/int.npy'), Buffer.from(Buffer.from(whole).toString('latin1').replace("'<f8'", "'<i8'"), 'latin1'));
  writeFileSync(join(dir, 'bad/text.json'), '{"format": "spotify-mlp", "dims": [13, 1],');
  writeFileSync(join(dir, 'bad/one-column.csv'), 'tempo\n120\n');
  const header = readFileSync(join(dir, GOOD.csv), 'utf8').split('\n')[0];
  writeFileSync(join(dir, 'bad/header-only.csv'), `${header}\n`);
  writeFileSync(
    join(dir, 'bad/junk-rows.csv'),
    `${header}\n${header
      .split(',')
      .map(() => 'x')
      .join(',')}\n`,
  );
  writeFileSync(join(dir, 'bad/transposed.npy'), writeNpy(matrix(3, 13, new Float64Array(39))));
  const nan = new Float64Array(39).fill(0.5);
  nan[7] = Number.NaN;
  writeFileSync(join(dir, 'bad/nan.npy'), writeNpy(matrix(13, 3, nan)));
  writeFileSync(join(dir, 'bad/semicolons.csv'), header.replace(/,/g, ';'));
}, 120_000);

type Args = Record<string, string | true>;

/** The cheapest valid command line of each command; a case breaks it. */
const BASE: Record<string, Args> = {
  init: { '--out': 'new/model.json' },
  forward: { '--model': GOOD.model, '--input': GOOD.x, '--out': 'new/fw', '--backend': 'cpu' },
  prepare: { '--csv': GOOD.csv, '--out': 'new/prep' },
  train: { '--csv': GOOD.csv, '--out': 'new/model.json', '--backend': 'cpu', '--epochs': '1' },
  predict: { '--model': GOOD.model, '--csv': GOOD.csv, '--out': 'new/preds.csv' },
};
/** The options a command cannot run without (the others have defaults: init's --out, train's synthetic data). */
const REQUIRED: Record<string, readonly string[]> = {
  init: [],
  forward: ['--model', '--input', '--out'],
  prepare: ['--out'],
  train: ['--out'],
  predict: ['--model', '--csv', '--out'],
};
const INPUT_FLAGS: Record<string, readonly string[]> = {
  init: [],
  forward: ['--model', '--input'],
  prepare: ['--csv'],
  train: ['--csv'],
  predict: ['--model', '--csv'],
};
const NUMBER_FLAGS: Record<string, readonly string[]> = {
  init: ['--seed'],
  forward: [],
  prepare: ['--seed', '--sample', '--test-size', '--synthetic-rows'],
  train: ['--epochs', '--lr', '--batch', '--seed', '--patience', '--test-size', '--sample', '--output-bias'],
  predict: [],
};
const CHOICE_FLAGS: Record<string, readonly string[]> = {
  init: ['--rng'],
  forward: ['--backend'],
  prepare: ['--rng'],
  train: ['--optimizer', '--rng', '--output-init', '--backend'],
  predict: ['--backend'],
};
const BAD_NUMBERS = ['abc', '', '-1', '1e999', '0x10', 'NaN', '-0.5', '99999999999999999999', '1.5.2', ' '];

/** One mistake, known to be wrong on its own, applied to a command line. */
type Mistake = (args: Args) => void;

function mistakes(command: string): fc.Arbitrary<Mistake> {
  const outIsInput =
    INPUT_FLAGS[command].length > 0
      ? [
          fc.constantFrom(...INPUT_FLAGS[command]).map((flag): Mistake => (a) => {
            a['--out'] = GOOD[flag === '--input' ? 'x' : flag === '--model' ? 'model' : 'csv'];
          }),
        ]
      : [];
  const options: fc.Arbitrary<Mistake>[] = [
    fc.stringMatching(/^[a-z]{3,9}$/).map((name): Mistake => (a) => {
      a[`--zz${name}`] = true;
    }),
    fc.constant<Mistake>((a) => {
      a['extra-positional'] = true;
    }),
    ...(REQUIRED[command].length > 0
      ? [
          fc.constantFrom(...REQUIRED[command]).map((flag): Mistake => (a) => {
            delete a[flag];
          }),
        ]
      : []),
    // A file output: an existing file (bad without --force), a folder, a path through a file, a trailing slash.
    // A folder output (forward, prepare): a file, or a path through a file.
    (command === 'forward' || command === 'prepare'
      ? fc.constantFrom('bad/empty', 'good/model.json/sub', 'bad/garbage.bin/x/y')
      : fc.constantFrom(GOOD.existing, 'bad/folder', 'good/model.json/inside.json', 'bad/empty/x', 'new/dir/')
    ).map((out): Mistake => (a) => {
      a['--out'] = out;
      if (out === GOOD.existing) delete a['--force']; // with --force replacing it is allowed, so not a mistake
    }),
    ...outIsInput,
  ];
  if (INPUT_FLAGS[command].length > 0) {
    options.push(
      fc.tuple(fc.constantFrom(...INPUT_FLAGS[command]), fc.constantFrom(...BAD_FILES)).map(([flag, file]): Mistake => (a) => {
        a[flag] = file;
      }),
    );
  }
  if (NUMBER_FLAGS[command].length > 0) {
    options.push(
      fc
        .tuple(fc.constantFrom(...NUMBER_FLAGS[command]), fc.constantFrom(...BAD_NUMBERS), fc.string({ maxLength: 6 }))
        .map(([flag, bad, junk]): Mistake => (a) => {
          a[flag] = bad === ' ' ? junk.replace(/[0-9]/g, 'x') || 'x' : bad;
        }),
    );
  }
  options.push(
    fc.tuple(fc.constantFrom(...CHOICE_FLAGS[command]), fc.stringMatching(/^[A-Za-z0-9]{1,8}$/)).map(([flag, word]): Mistake => (a) => {
      a[flag] = `no-${word}`;
    }),
  );
  return fc.oneof(...options);
}

/** A bad command line: a command, one to three mistakes, and sometimes --force. */
const badCase = fc
  .constantFrom(...Object.keys(BASE))
  .chain((command) => fc.record({ command: fc.constant(command), mistakes: fc.array(mistakes(command), { minLength: 1, maxLength: 3 }), force: fc.boolean() }));

function argvOf(c: { command: string; mistakes: Mistake[]; force: boolean }): string[] {
  const args: Args = { ...BASE[c.command], ...(c.force ? { '--force': true as const } : {}) };
  for (const m of c.mistakes) m(args);
  // A number flag whose value starts with '-' must be glued on, or commander reads it as a flag (also a usage error).
  return [c.command, ...Object.entries(args).flatMap(([k, v]) => (v === true ? [k] : [`${k}=${v}`]))];
}

/** Every path under the folder with its size and content hash stand-in (the bytes), to compare before and after. */
function snapshot(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(join(dir, d))) {
      const rel = d === '' ? name : `${d}/${name}`;
      if (statSync(join(dir, rel)).isDirectory()) {
        out.set(`${rel}/`, '');
        walk(rel);
      } else out.set(rel, readFileSync(join(dir, rel), 'latin1'));
    }
  };
  walk('');
  return out;
}

function checkOutcome(argv: readonly string[], code: number, stderr: string, before: Map<string, string>): void {
  const context = `spotify-mlp ${argv.join(' ')}\nexit ${code}\n${stderr}`;
  expect([1, 2], context).toContain(code);
  expect(stderr, context).not.toMatch(/\n\s+at /);
  // One sentence from spotify-mlp, last; a run that fails late (e.g. --lr 1e20 diverges) may have printed its
  // progress lines (train:, backend:, epoch …) before it, which are not errors.
  const lines = stderr.split('\n').filter((l) => l.trim().length > 0);
  expect(
    lines.filter((l) => l.startsWith('spotify-mlp: ')),
    context,
  ).toHaveLength(1);
  expect(lines.at(-1), context).toMatch(/^spotify-mlp: \S.*[.?!]$/);
  expect(
    lines.slice(0, -1).filter((l) => !/^(train|backend|epoch|predict|forward|prepare)\b/.test(l)),
    context,
  ).toEqual([]);
  const after = snapshot();
  const forced = argv.includes('--force') ? argv.filter((a) => a.startsWith('--out=')).map((a) => a.slice(6)) : [];
  const allowed = (path: string) => forced.some((out) => path === out || path.startsWith(`${out.replace(/\/$/, '')}/`));
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((p) => before.get(p) !== after.get(p) && !allowed(p));
  expect(changed, `${context}\nfiles created, changed or removed`).toEqual([]);
}

/** Runs the CLI's main() in this process, in the test folder, collecting everything it prints. */
async function runInProcess(argv: string[]): Promise<{ code: number; stderr: string }> {
  let text = '';
  const collect = (chunk: unknown): boolean => {
    text += String(chunk);
    return true;
  };
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(collect);
  const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    const code = await main(argv, {
      stdout: () => {},
      stderr: (t) => {
        text += t;
      },
    });
    return { code, stderr: text };
  } finally {
    process.chdir(cwd);
    err.mockRestore();
    out.mockRestore();
  }
}

describe('every command, random bad input', () => {
  it(`${RUNS} cases through main(): exit 1 or 2, one sentence, no stack, no file touched`, async () => {
    await fc.assert(
      fc.asyncProperty(badCase, async (c) => {
        const argv = argvOf(c);
        const before = snapshot();
        const { code, stderr } = await runInProcess(argv);
        checkOutcome(argv, code, stderr, before);
      }),
      { numRuns: RUNS },
    );
  }, 600_000);

  it(`${SPAWNED} cases through the real binary`, async () => {
    for (const c of fc.sample(badCase, SPAWNED)) {
      const argv = argvOf(c);
      const before = snapshot();
      const run = await runCli(argv, dir);
      checkOutcome(argv, run.code, run.stderr, before);
    }
  }, 600_000);
});
