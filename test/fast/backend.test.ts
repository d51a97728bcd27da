// The fast CPU forward pass against the float64 reference, with the GPU tests' tolerance: many dims and m (1, odd,
// off the 8-column alignment, over one chunk), hostile inputs, output-only and the whole cache, both builds.
import { describe, expect, test } from 'vitest';
import { feedForward } from '../../src/reference/forward.ts';
import { createFastBackend, type FastBackend } from '../../src/fast/backend.ts';
import { CHUNK_COLUMNS } from '../../src/fast/network.ts';
import type { Matrix } from '../../src/model/matrix.ts';
import type { Params } from '../../src/model/params.ts';
import { expectClose, f32Tolerance } from '../helpers/compare.ts';
import { BUILDS, inputs, paramsFor } from './problems.ts';

const NOTEBOOK = [13, 64, 32, 16, 1];

async function checkForward(backend: FastBackend, params: Params, X: Matrix, what: string): Promise<void> {
  const want = feedForward(X, params);
  const tol = f32Tolerance(Math.max(...params.dims), params.dims.length - 1);
  const outOnly = await backend.forward(X);
  expect(outOnly.cache).toBeUndefined();
  expect([outOnly.out.rows, outOnly.out.cols]).toEqual([want.yOut.rows, want.yOut.cols]);
  expect(outOnly.out.data).toBeInstanceOf(Float32Array);
  expectClose(outOnly.out.data, want.yOut.data, tol, `A_L ${what}`);
  const withCache = await backend.forward(X, { cache: true });
  expect(withCache.cache!.length).toBe(want.cache.length);
  withCache.cache!.forEach((got, i) => {
    const name = `${i % 2 ? 'A' : 'Z'}${(i >> 1) + 1}`;
    expect([got.rows, got.cols], name).toEqual([want.cache[i].rows, want.cache[i].cols]);
    expectClose(got.data, want.cache[i].data, tol, `${name} ${what}`);
  });
  expect(withCache.out).toBe(withCache.cache![withCache.cache!.length - 1]);
}

for (const build of BUILDS) {
  describe(`fast CPU forward (${build}) against the reference`, () => {
    test('it runs the build it was asked for', async () => {
      const backend = await createFastBackend(paramsFor(NOTEBOOK, 1), { build });
      expect(backend.build).toBe(build);
      expect(backend.kind).toBe('cpu');
    });

    const ms = [1, 7, 8, 9, 63, CHUNK_COLUMNS - 1, CHUNK_COLUMNS, CHUNK_COLUMNS + 1, 997];
    test(`notebook dims, m in ${JSON.stringify(ms)}`, async () => {
      const params = paramsFor(NOTEBOOK, 1);
      const backend = await createFastBackend(params, { build });
      for (const m of ms) await checkForward(backend, params, inputs(13, m, 'random', m), `m=${m}`);
    });

    for (const dims of [
      [5, 7, 3],
      [3, 17, 9, 5, 2, 1],
      [20, 33, 17],
      [1, 1],
      [2, 70, 1],
    ]) {
      test(`dims ${JSON.stringify(dims)}, m in 1, 63, 257`, async () => {
        const params = paramsFor(dims, 3);
        const backend = await createFastBackend(params, { build });
        for (const m of [1, 63, 257]) await checkForward(backend, params, inputs(dims[0], m, 'random', m), `m=${m}`);
      });
    }

    for (const kind of ['negative', 'zero', 'negzero'] as const) {
      test(`inputs that are all ${kind}: exact zeros where the reference has them`, async () => {
        const params = paramsFor(NOTEBOOK, 4);
        const backend = await createFastBackend(params, { build });
        const X = inputs(13, 129, kind);
        await checkForward(backend, params, X, kind);
        const { cache } = await backend.forward(X, { cache: true });
        const want = feedForward(X, params).cache;
        let zeros = 0;
        for (let i = 1; i < want.length; i += 2) {
          const bad: string[] = [];
          want[i].data.forEach((w, j) => {
            if (w !== 0) return;
            zeros++;
            if (cache![i].data[j] !== 0 && bad.length < 5) bad.push(`[${j}] found ${cache![i].data[j]}`);
          });
          expect(bad, `A${(i >> 1) + 1}: exact zeros of the reference`).toEqual([]);
        }
        expect(zeros).toBeGreaterThan(0);
      });
    }

    test('setParams replaces the parameters; a disposed backend refuses work', async () => {
      const [p1, p2] = [paramsFor(NOTEBOOK, 5), paramsFor(NOTEBOOK, 6)];
      const backend = await createFastBackend(p1, { build });
      await backend.setParams(p2);
      await checkForward(backend, p2, inputs(13, 40), 'after setParams');
      await expect(backend.setParams(paramsFor([13, 8, 1], 1))).rejects.toThrow(/holds dims/);
      backend.dispose();
      await expect(backend.forward(inputs(13, 4))).rejects.toThrow(/disposed/);
    });

    test('a transposed input is refused with the boundary check', async () => {
      const backend = await createFastBackend(paramsFor(NOTEBOOK, 1), { build });
      await expect(backend.forward(inputs(5, 13))).rejects.toThrow();
    });
  });
}
