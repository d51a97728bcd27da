// Signals sent to the CLI's process id, as timeout, systemd, Docker, CI runners and Python's subprocess send them (not
// to the process group, as a terminal's Ctrl-C does): SIGINT and SIGTERM stop `train` and `sweep` after the epoch
// with 130 or 143 and the best so far written; a second signal quits at once and writes nothing. Then a property:
// any signal, at any moment, to either command leaves every output whole and valid, or absent.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseModel } from '../../src/model/model-file.ts';
import { exitCodeOf, SIGNALS, type StopSignal } from '../../src/cli/interrupt.ts';
import { killLeftovers, startCli } from './session.ts';
import { tempDir } from './spawn.ts';

const { dir, cleanup } = tempDir('spotify-mlp-signals-');
afterAll(() => {
  killLeftovers();
  cleanup();
});

const TRAIN = (out: string, backend = 'cpu'): string[] => [
  'train',
  '--epochs',
  '100000',
  '--patience',
  '0',
  '--backend',
  backend,
  '--synthetic-rows',
  '4000',
  '--batch',
  '32',
  '--out',
  out,
];
const SWEEP = (out: string): string[] => [
  'sweep',
  '--epochs',
  '100000',
  '--patience',
  '0',
  '--backend',
  'cpu',
  '--synthetic-rows',
  '1500',
  '--seeds',
  '2',
  '--lr',
  '0.001,0.002',
  '--top',
  '2',
  '--out',
  out,
];

const interruptedRun = (path: string): { interrupted: boolean; epochsRun: number } =>
  (parseModel(readFileSync(path, 'utf8')).training as { run: { interrupted: boolean; epochsRun: number } }).run;

describe('a signal to the process id', () => {
  it('SIGTERM during a GPU train: stops after the epoch, writes the best model marked interrupted, exits 143', async () => {
    const s = startCli(TRAIN('term-gpu.json', 'gpu'), dir);
    await s.waitFor(/epoch 5\//);
    process.kill(s.child.pid!, 'SIGTERM');
    const { code, signal } = await s.exit;
    expect({ code, signal }, s.stderr).toEqual({ code: 143, signal: null });
    expect(s.stderr).toContain(
      'train: SIGTERM: training stops after the current epoch and writes the best model so far; send a signal again to quit without saving.',
    );
    expect(s.stderr).toMatch(/spotify-mlp: Interrupted by SIGTERM after epoch \d+; wrote the best model so far/);
    expect(interruptedRun(join(dir, 'term-gpu.json'))).toMatchObject({ interrupted: true });
    expect(interruptedRun(join(dir, 'term-gpu.json')).epochsRun).toBeGreaterThanOrEqual(5);
  }, 120_000);

  it('SIGINT to the pid alone (no process group) does what Ctrl-C does: exit 130 with the model written', async () => {
    const s = startCli(TRAIN('int.json'), dir);
    await s.waitFor(/epoch 5\//);
    process.kill(s.child.pid!, 'SIGINT');
    const { code } = await s.exit;
    expect(code, s.stderr).toBe(130);
    expect(interruptedRun(join(dir, 'int.json')).interrupted).toBe(true);
  }, 120_000);

  it('SIGTERM then SIGINT: the second quits at once with its own code and leaves no file, whole or partial', async () => {
    const s = startCli(TRAIN('twice.json'), dir);
    await s.waitFor(/epoch 5\//);
    process.kill(s.child.pid!, 'SIGTERM');
    await s.waitFor(/send a signal again/);
    process.kill(s.child.pid!, 'SIGINT');
    const { code } = await s.exit;
    expect(code, s.stderr).toBe(130);
    expect(s.stderr).toContain('train: Ctrl-C again: quitting without saving.');
    expect(readdirSync(dir).filter((f) => f.includes('twice'))).toEqual([]);
  }, 120_000);

  it('SIGTERM during a sweep: every model at its best so far, the ensemble and sweep.json written, exit 143', async () => {
    const s = startCli(SWEEP('sweep-term'), dir);
    await s.waitFor(/epoch 5\//);
    process.kill(s.child.pid!, 'SIGTERM');
    const { code } = await s.exit;
    expect(code, s.stderr).toBe(143);
    expect(s.stderr).toMatch(/spotify-mlp: Interrupted by SIGTERM; wrote every model at its best so far/);
    expect(readdirSync(join(dir, 'sweep-term')).sort()).toEqual([
      'best.json',
      'ensemble.json',
      'model-0.json',
      'model-1.json',
      'model-2.json',
      'model-3.json',
      'sweep.json',
    ]);
  }, 120_000);
});

/** Every output of a run is whole and valid, or absent; no temporary file is left. */
function checkOutputs(out: string, sweep: boolean): string {
  const folder = sweep ? join(dir, out) : dir;
  const names = existsSync(folder) ? readdirSync(folder).filter((f) => sweep || f.includes(out)) : [];
  expect(
    names.filter((f) => f.startsWith('.')),
    'no temporary file is left',
  ).toEqual([]);
  for (const name of names) {
    const text = readFileSync(join(folder, name), 'utf8');
    if (name === 'sweep.json') expect(() => JSON.parse(text)).not.toThrow();
    else expect(() => parseModel(text), `${name} is a whole model`).not.toThrow();
  }
  if (sweep && names.length > 0) expect(names).toHaveLength(7);
  return names.length === 0 ? 'nothing written' : `${names.length} file(s) written`;
}

describe('signals at random moments (property)', () => {
  const runs = Number(process.env.SPOTIFY_MLP_SIGNAL_RUNS ?? 6);
  const signal = fc.constantFrom<StopSignal>(...(Object.keys(SIGNALS) as StopSignal[]));
  it(`${runs} runs: any signal, once or twice, at any moment of train or sweep; exit 128 + n and outputs whole or absent`, async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.integer({ min: 0, max: 5000 }),
        signal,
        fc.option(fc.tuple(fc.integer({ min: 0, max: 1500 }), signal)),
        async (sweep, delay, first, second) => {
          const out = `p${n++}${sweep ? '' : '.json'}`;
          const s = startCli(sweep ? SWEEP(out) : TRAIN(out), dir);
          await new Promise((r) => setTimeout(r, delay));
          process.kill(s.child.pid!, first);
          if (second) {
            await new Promise((r) => setTimeout(r, second[0]));
            if (s.child.exitCode === null && s.child.signalCode === null) process.kill(s.child.pid!, second[1]);
          }
          const { code, signal: killedBy } = await s.exit;
          // Before the CLI has installed its handlers (Node still starting), the signal's default action ends it.
          const allowed = [first, ...(second ? [second[1]] : [])];
          if (code === null) expect(allowed, s.stderr).toContain(killedBy);
          else expect(allowed.map(exitCodeOf), s.stderr).toContain(code);
          expect(s.stderr).not.toContain('    at ');
          const outcome = checkOutputs(out, sweep);
          console.log(
            `[signals] ${sweep ? 'sweep' : 'train'} ${first} at ${delay} ` +
              `ms${second ? `, ${second[1]} ${second[0]} ms later` : ''}: exit ${code ?? killedBy}, ${outcome}`,
          );
        },
      ),
      { numRuns: runs, seed: Number(process.env.SPOTIFY_MLP_SIGNAL_SEED ?? 17) },
    );
  }, 600_000);
});
