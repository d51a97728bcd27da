// `--backend cpu` in the CLI is the fast backend: forward equals numpy's feed_forward (the notebook's sample, cache
// included) within float32 noise, and a short training run gives the reference's losses within float32 noise.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { expectClose, f32Tolerance } from '../helpers/compare.ts';
import { referenceNpy } from '../helpers/reference.ts';
import { loadNpy, runCli, tempDir } from '../cli/spawn.ts';

const REFERENCE = fileURLToPath(new URL('../reference/', import.meta.url));
const { dir, cleanup } = tempDir();
afterAll(cleanup);

describe('spotify-mlp with --backend cpu (the fast CPU backend)', () => {
  it("forward equals numpy's feed_forward on the notebook's model and sample X, cache included", async () => {
    const out = join(dir, 'fast');
    const run = await runCli(
      ['forward', '--model', join(REFERENCE, 'model_numpy.json'), '--input', join(REFERENCE, 'sample_X.npy'), '--out', out, '--cache', '--backend', 'cpu'],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/backend: CPU fast \(float32, WebAssembly SIMD, one thread(; K models on \d+ threads)?\)/);
    expect(readdirSync(out)).toHaveLength(8);
    for (const name of ['Z1', 'A1', 'Z2', 'A2', 'Z3', 'A3', 'Z4', 'A4']) {
      const want = referenceNpy(`sample_${name}.npy`);
      expectClose(loadNpy(out, `${name}.npy`).data, want.data, f32Tolerance(64, 4), name);
    }
  });

  it('train gives the losses of --backend reference within float32 noise', async () => {
    const args = (backend: string) => [
      'train',
      '--out',
      `${backend}.json`,
      '--backend',
      backend,
      '--epochs',
      '3',
      '--synthetic-rows',
      '400',
      '--patience',
      '0',
    ];
    const [fast, ref] = await Promise.all([runCli(args('cpu'), dir), runCli(args('reference'), dir)]);
    expect(fast.code, fast.stderr).toBe(0);
    expect(ref.code, ref.stderr).toBe(0);
    const losses = (file: string) =>
      (JSON.parse(readFileSync(join(dir, file), 'utf8')) as { training: { history: { trainLoss: number[] } } }).training.history.trainLoss;
    const [got, want] = [losses('cpu.json'), losses('reference.json')];
    expect(got).toHaveLength(4);
    expectClose(got, want, { atol: 1e-6, rtol: 1e-4 }, 'train loss per epoch');
  });
});
