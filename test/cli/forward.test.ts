// `spotify-mlp forward`: outputs equal numpy's feed_forward and the CPU reference, and the GPU backend agrees with the CPU one.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { feedForward } from '../../src/reference/forward.ts';
import { initialization } from '../../src/reference/init.ts';
import { matrix, type Matrix } from '../../src/model/matrix.ts';
import { createRng } from '../../src/rng/index.ts';
import { expectClose, f32Tolerance } from '../helpers/compare.ts';
import { referenceNpy } from '../helpers/reference.ts';
import { loadNpy, runCli, saveNpy, tempDir } from './spawn.ts';

const REFERENCE = fileURLToPath(new URL('../reference/', import.meta.url));
const { dir, cleanup } = tempDir();
afterAll(cleanup);

/** A (rows, m) input with negatives, zeros and -0.0 mixed in, as a float32 or float64 matrix. */
function input(rows: number, m: number, seed: number): Matrix<Float64Array> {
  const rng = createRng('seedrandom', seed);
  const data = Float64Array.from({ length: rows * m }, (_, i) => (i % 11 === 0 ? -0 : i % 13 === 0 ? 0 : 4 * rng.uniform() - 1.5));
  return matrix(rows, m, data);
}

function cacheNames(L: number): string[] {
  return Array.from({ length: L }, (_, l) => [`Z${l + 1}.npy`, `A${l + 1}.npy`]).flat();
}

describe.concurrent('spotify-mlp forward', () => {
  it("equals numpy's feed_forward on the notebook's model and sample X, cache included, as float32", async () => {
    const out = join(dir, 'numpy');
    const run = await runCli(
      [
        'forward',
        '--model',
        join(REFERENCE, 'model_numpy.json'),
        '--input',
        join(REFERENCE, 'sample_X.npy'),
        '--out',
        out,
        '--cache',
        '--backend',
        'reference',
      ],
      dir,
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/backend: CPU reference/);
    expect(readdirSync(out).sort()).toEqual(cacheNames(4).sort());
    const tol = f32Tolerance(64);
    for (const name of ['Z1', 'A1', 'Z2', 'A2', 'Z3', 'A3', 'Z4', 'A4']) {
      const got = loadNpy(out, `${name}.npy`);
      const want = referenceNpy(`sample_${name}.npy`);
      expect(got.data, `${name}.npy is float32`).toBeInstanceOf(Float32Array);
      expect([got.rows, got.cols], name).toEqual([want.rows, want.cols]);
      expectClose(got.data, want.data, tol, name);
    }
  });

  it('takes float32 and float64 X, writes only A<L>.npy without --cache, and matches the CPU reference', async () => {
    const initRun = await runCli(['init', '--dims', '5,7,3', '--seed', '11', '--out', 'small.json'], dir);
    expect(initRun.code, initRun.stderr).toBe(0);
    const params = initialization([5, 7, 3], { seed: 11 });
    const X = input(5, 37, 2);
    for (const dtype of ['float32', 'float64'] as const) {
      const out = join(dir, `small-${dtype}`, 'nested');
      saveNpy(dir, `X-${dtype}.npy`, X, dtype);
      const run = await runCli(['forward', '--model', 'small.json', '--input', `X-${dtype}.npy`, '--out', out, '--backend', 'reference'], dir);
      expect(run.code, run.stderr).toBe(0);
      expect(readdirSync(out)).toEqual(['A2.npy']);
      const Xseen = dtype === 'float32' ? matrix(5, 37, Float64Array.from(Float32Array.from(X.data))) : X;
      const want = feedForward(Xseen, params).yOut;
      const got = loadNpy(out, 'A2.npy');
      expect([got.rows, got.cols]).toEqual([3, 37]);
      expectClose(got.data, want.data, f32Tolerance(7, 2), `A2 from ${dtype} X`);
    }
  });

  it('gives the same Z/A cache on the GPU backend as on the CPU backend', async () => {
    const dims = [13, 64, 32, 16, 1];
    const initRun = await runCli(['init', '--dims', dims.join(','), '--seed', '3', '--rng', 'numpy', '--out', 'gpu.json'], dir);
    expect(initRun.code, initRun.stderr).toBe(0);
    saveNpy(dir, 'X-gpu.npy', input(13, 1031, 4), 'float32');
    const [gpu, cpu] = await Promise.all(
      ['gpu', 'cpu'].map((backend) =>
        runCli(['forward', '--model', 'gpu.json', '--input', 'X-gpu.npy', '--out', `out-${backend}`, '--cache', '--backend', backend], dir),
      ),
    );
    expect(gpu.code, gpu.stderr).toBe(0);
    expect(cpu.code, cpu.stderr).toBe(0);
    console.log(`[cli forward --backend gpu] ${gpu.stderr.split('\n').find((l) => l.startsWith('backend:'))}`);
    expect(gpu.stderr).toMatch(/^backend: /m);
    expect(readdirSync(join(dir, 'out-gpu')).sort()).toEqual(cacheNames(4).sort());
    for (const name of cacheNames(4)) {
      const got = loadNpy(join(dir, 'out-gpu'), name);
      const want = loadNpy(join(dir, 'out-cpu'), name);
      expect([got.rows, got.cols], name).toEqual([want.rows, want.cols]);
      expectClose(got.data, want.data, f32Tolerance(64, Number.parseInt(name.slice(1), 10)), `${name} GPU vs CPU`);
    }
  });
});
