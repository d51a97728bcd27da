// A model with a 300 000-unit layer goes through the CLI as any other: `init` writes it (streamed, no spread of a
// huge array), `forward` on the CPU reference and the fast CPU backend agree, and the GPU either agrees too or
// refuses in one sentence (a layer that wide needs more workgroups per dimension than a device grants).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { initialization } from '../../src/reference/init.ts';
import { matrix } from '../../src/model/matrix.ts';
import { parseModel } from '../../src/model/model-file.ts';
import { expectClose, f32Tolerance } from '../helpers/compare.ts';
import { expectUserError, loadNpy, runCli, saveNpy, tempDir } from './spawn.ts';

const { dir, cleanup } = tempDir('spotify-mlp-wide-');
afterAll(cleanup);

const DIMS = [13, 300_000, 1];

describe('a model 300 000 units wide', () => {
  it('is written by init, read back exactly, and runs forward on the CPU backends; the GPU agrees or refuses in one sentence', async () => {
    const init = await runCli(['init', '--dims', DIMS.join(','), '--seed', '5', '--out', 'wide.json'], dir, 300_000);
    expect(init.code, init.stderr).toBe(0);
    const file = parseModel(readFileSync(join(dir, 'wide.json'), 'utf8'));
    expect(file.params.dims).toEqual(DIMS);
    const want = initialization(DIMS, { seed: 5 });
    for (let l = 0; l < DIMS.length - 1; l++) {
      const got = file.params.W[l].data;
      let differ = 0;
      for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want.W[l].data[i])) differ++;
      expect([got.length, differ], `W${l + 1} round-trips exactly`).toEqual([want.W[l].data.length, 0]);
    }

    const m = 6;
    saveNpy(
      dir,
      'X.npy',
      matrix(
        13,
        m,
        Float64Array.from({ length: 13 * m }, (_, i) => ((i * 37) % 17) / 17 - 0.2),
      ),
      'float32',
    );
    const runs = await Promise.all(
      ['reference', 'cpu', 'gpu'].map((backend) =>
        runCli(['forward', '--model', 'wide.json', '--input', 'X.npy', '--out', `out-${backend}`, '--backend', backend], dir, 300_000),
      ),
    );
    const [reference, cpu, gpu] = runs;
    expect(reference.code, reference.stderr).toBe(0);
    expect(cpu.code, cpu.stderr).toBe(0);
    const A = loadNpy(join(dir, 'out-reference'), 'A2.npy');
    expect([A.rows, A.cols]).toEqual([1, m]);
    expectClose(loadNpy(join(dir, 'out-cpu'), 'A2.npy').data, A.data, f32Tolerance(300_000, 2), 'fast CPU A2');
    if (gpu.code === 0) expectClose(loadNpy(join(dir, 'out-gpu'), 'A2.npy').data, A.data, f32Tolerance(300_000, 2), 'GPU A2');
    else {
      // The line naming the backend comes first; the refusal is one sentence after it, with no stack.
      expectUserError({ ...gpu, stderr: gpu.stderr.replace(/^backend: .*\n/m, '') }, /workgroups in one dimension, over this device's limit/);
    }
    console.log(`[wide model] GPU: ${gpu.code === 0 ? 'ran and equals the reference' : gpu.stderr.trim()}`);
  }, 600_000);
});
