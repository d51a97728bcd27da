// The GPU forward pass against the float64 CPU reference and numpy: many m and dims, hostile inputs, output-only
// and full-cache read-back, forced chunking, and every kernel variant the scheduler can pick.
import { describe, expect, test } from 'vitest';
import { feedForward } from '../../src/reference/forward.ts';
import { initialization } from '../../src/reference/init.ts';
import { createGpuBackend, type GpuBackendOptions } from '../../src/gpu/backend.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { MATMUL_TILINGS, tileM } from '../../src/gpu/kernels/matmul-bias.ts';
import { generatedSupports } from '../../src/gpu/kernels/mlp-fused-gen.ts';
import { FUSED, FUSED_VARIANTS, pickFusedShape, pickFusedVariant } from '../../src/gpu/kernels/mlp-fused.ts';
import { type Matrix, matrix } from '../../src/model/matrix.ts';
import type { Params } from '../../src/model/params.ts';
import { expectClose, f32Tolerance } from '../helpers/compare.ts';
import { testWithDevice } from '../helpers/gpu.ts';
import { referenceNpy } from '../helpers/reference.ts';

const NOTEBOOK = [13, 64, 32, 16, 1];

/** He-initialized params with non-zero biases (He init's zero biases would hide a broken bias add). */
function paramsFor(dims: readonly number[], seed: number): Params {
  const p = initialization(dims, { seed });
  p.b.forEach((b, l) => b.forEach((_, i) => (b[i] = Math.fround(0.1 * Math.sin(seed + 7 * l + i)))));
  p.W.forEach((W) => W.data.forEach((v, i) => (W.data[i] = Math.fround(v))));
  return p;
}

function inputs(rows: number, m: number, kind: 'random' | 'negative' | 'zero' | 'negzero', seed = 3): Matrix<Float64Array> {
  const data = new Float64Array(rows * m);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    data[i] = kind === 'random' ? Math.fround(u) : kind === 'negative' ? Math.fround(-0.01 - u) : kind === 'zero' ? 0 : -0;
  }
  return matrix(rows, m, data);
}

/** Runs X through the GPU (output-only and with cache) and checks both against feedForward. */
async function checkForward(ctx: GpuContext, params: Params, X: Matrix, options: GpuBackendOptions = {}, what = '') {
  const want = feedForward(X, params);
  const tol = f32Tolerance(Math.max(...params.dims), params.dims.length - 1);
  const backend = await createGpuBackend(ctx, params, options);
  try {
    const outOnly = await backend.forward(X);
    expect(outOnly.cache).toBeUndefined();
    expect([outOnly.out.rows, outOnly.out.cols]).toEqual([want.yOut.rows, want.yOut.cols]);
    expectClose(outOnly.out.data, want.yOut.data, tol, `A_L ${what}`);
    const withCache = await backend.forward(X, { cache: true });
    expect(withCache.cache!.length).toBe(want.cache.length);
    withCache.cache!.forEach((got, i) => {
      const name = `${i % 2 ? 'A' : 'Z'}${(i >> 1) + 1}`;
      expect([got.rows, got.cols], name).toEqual([want.cache[i].rows, want.cache[i].cols]);
      expectClose(got.data, want.cache[i].data, tol, `${name} ${what}`);
    });
    expectClose(withCache.out.data, want.yOut.data, tol, `A_L with cache ${what}`);
  } finally {
    backend.dispose();
  }
}

describe('GPU forward against the CPU reference', () => {
  const tm = tileM(MATMUL_TILINGS.tiled);
  const ms = [1, tm - 1, tm, tm + 1, tileM(MATMUL_TILINGS.direct) + 1, 997];
  testWithDevice(`notebook dims ${JSON.stringify(NOTEBOOK)}, m in ${JSON.stringify(ms)}`, async (ctx) => {
    const params = paramsFor(NOTEBOOK, 1);
    for (const m of ms) await checkForward(ctx, params, inputs(13, m, 'random', m), {}, `m=${m}`);
  });

  testWithDevice('notebook dims at m = 24000', async (ctx) => {
    await checkForward(ctx, paramsFor(NOTEBOOK, 2), inputs(13, 24000, 'random'), {}, 'm=24000');
  });

  for (const dims of [
    [5, 7, 3],
    [3, 17, 9, 5, 2, 1],
    [20, 33, 17],
    // Inputs wider than the fused kernel's private arrays (an encoded X): layer 1 streams them from X.
    [173, 64, 32, 16, 1],
    [70, 9, 1],
  ]) {
    testWithDevice(`dims ${JSON.stringify(dims)} (widths off the tile), m in 1, 63, 257`, async (ctx) => {
      const params = paramsFor(dims, 3);
      for (const m of [1, 63, 257]) await checkForward(ctx, params, inputs(dims[0], m, 'random', m), {}, `m=${m}`);
    });
  }

  for (const kind of ['negative', 'zero', 'negzero'] as const) {
    testWithDevice(`inputs that are all ${kind}`, async (ctx) => {
      await checkForward(ctx, paramsFor(NOTEBOOK, 4), inputs(13, 129, kind), {}, kind);
      // Where the reference ReLU gives exactly 0, the GPU must too (not a tiny positive); with zero biases and
      // zero inputs that is every element of every layer.
      const plain = initialization(NOTEBOOK, { seed: 5 });
      const X = inputs(13, 129, kind);
      const backend = await createGpuBackend(ctx, plain);
      try {
        const { cache } = await backend.forward(X, { cache: true });
        const want = feedForward(X, plain).cache;
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
      } finally {
        backend.dispose();
      }
    });
  }
});

describe('GPU forward: every kernel variant and chunking', () => {
  testWithDevice('the layered kernels (one matmul_bias per layer, tiling picked per layer) on every dims and edge m', async (ctx) => {
    for (const dims of [NOTEBOOK, [5, 7, 3], [3, 17, 9, 5, 2, 1]]) {
      for (const m of [1, 63, 64, 65, 257]) {
        await checkForward(ctx, paramsFor(dims, 9), inputs(dims[0], m, 'random', m), { kernel: 'layered' }, `layered m=${m}`);
      }
    }
  });

  testWithDevice('the fused kernel takes widths up to its limit, and wider nets fall back to the layered kernels', async (ctx) => {
    const widest = [FUSED.maxWidth - 1, FUSED.maxWidth, 5, 1];
    await checkForward(ctx, paramsFor(widest, 10), inputs(widest[0], 130, 'random'), { kernel: 'fused' }, 'fused at max width');
    const tooWide = [3, FUSED.maxWidth + 1, 2];
    await checkForward(ctx, paramsFor(tooWide, 11), inputs(3, 130, 'random'), {}, 'auto beyond max width');
    const backend = await createGpuBackend(ctx, paramsFor(tooWide, 11));
    try {
      await expect(backend.forward(inputs(3, 5, 'random'), { kernel: 'fused' })).rejects.toThrow(/layered kernels/);
    } finally {
      backend.dispose();
    }
  });

  for (const tiling of Object.values(MATMUL_TILINGS)) {
    testWithDevice(`forced '${tiling.name}' tiling on every layer`, async (ctx) => {
      for (const dims of [NOTEBOOK, [3, 17, 9, 5, 2, 1]]) {
        await checkForward(ctx, paramsFor(dims, 6), inputs(dims[0], 301, 'random'), { tiling }, tiling.name);
      }
    });
  }

  testWithDevice('ReLU as a separate kernel instead of the fused epilogue', async (ctx) => {
    await checkForward(ctx, paramsFor(NOTEBOOK, 7), inputs(13, 301, 'random'), { separateRelu: true }, 'separate relu');
  });

  for (const kernel of ['fused', 'layered'] as const) {
    testWithDevice(`chunking over m gives the same result with the ${kernel} kernel (chunks of 100, 64, 1000 over m = 1037)`, async (ctx) => {
      for (const chunkColumns of [100, 64, 1000]) {
        const X = inputs(13, 1037, 'random');
        await checkForward(ctx, paramsFor(NOTEBOOK, 8), X, { chunkColumns, kernel }, `${kernel}, chunks of ${chunkColumns}`);
      }
    });
  }
});

describe('GPU forward against numpy', () => {
  testWithDevice("equals the notebook's feed_forward as numpy computed it (test/reference/sample_*.npy)", async (ctx) => {
    const params = initialization(NOTEBOOK, { seed: 42, rng: 'numpy' });
    const X = referenceNpy('sample_X.npy');
    const backend = await createGpuBackend(ctx, params);
    try {
      const { cache } = await backend.forward(X, { cache: true });
      const tol = f32Tolerance(64, 4);
      ['Z1', 'A1', 'Z2', 'A2', 'Z3', 'A3', 'Z4', 'A4'].forEach((name, i) => {
        const ref = referenceNpy(`sample_${name}.npy`);
        expect([cache![i].rows, cache![i].cols]).toEqual([ref.rows, ref.cols]);
        expectClose(cache![i].data, ref.data, tol, `${name} vs numpy`);
      });
    } finally {
      backend.dispose();
    }
  });
});

describe('GPU forward: every fused kernel variant', () => {
  const others = [
    [5, 7, 3],
    [3, 17, 9, 5, 2, 1],
    [20, 33, 17],
    [16, 48, 24, 4],
  ];
  test('the generated kernels take the notebook and the other test dims, and auto picks one for them', () => {
    for (const dims of [NOTEBOOK, ...others]) {
      expect(generatedSupports(dims), JSON.stringify(dims)).toBe(true);
      expect(pickFusedVariant(dims)).not.toBe('loop');
    }
    expect(generatedSupports([3, FUSED.maxWidth + 1, 2])).toBe(false);
  });

  test('a mini-batch runs in small workgroups of 4 examples each; a large m in the fastest variant at full width', () => {
    // Up to `edge` examples the fastest variant fills fewer than minWorkgroups workgroups; one more needs minWorkgroups.
    const edge = 4 * 3 * FUSED.workgroup * (FUSED.minWorkgroups - 1);
    expect(pickFusedShape(NOTEBOOK, 128)).toEqual({ variant: 'unrolled', workgroup: FUSED.smallWorkgroup });
    expect(pickFusedShape(NOTEBOOK, edge)).toEqual({ variant: 'unrolled', workgroup: FUSED.smallWorkgroup });
    expect(pickFusedShape(NOTEBOOK, edge + 1)).toEqual({ variant: 'unrolled3', workgroup: FUSED.workgroup });
    expect(pickFusedShape(NOTEBOOK, 128, 'unrolled3'), 'a forced variant is kept').toEqual({ variant: 'unrolled3', workgroup: FUSED.smallWorkgroup });
    expect(pickFusedShape(NOTEBOOK, 24_000, 'loop')).toEqual({ variant: 'loop', workgroup: FUSED.workgroup });
  });

  for (const fusedVariant of FUSED_VARIANTS) {
    const opts = { kernel: 'fused', fusedVariant } as const;
    testWithDevice(`'${fusedVariant}': notebook dims at m in 1, 63, 64, 65, 997, 24000 and ragged ends`, async (ctx) => {
      const params = paramsFor(NOTEBOOK, 12);
      for (const m of [1, 63, 64, 65, 997, 24000, 513, 517, 519, 521]) {
        await checkForward(ctx, params, inputs(13, m, 'random', m), opts, `${fusedVariant} m=${m}`);
      }
    });

    testWithDevice(`'${fusedVariant}': other dims, hostile inputs and forced chunking`, async (ctx) => {
      for (const dims of others) {
        for (const m of [1, 63, 257]) await checkForward(ctx, paramsFor(dims, 13), inputs(dims[0], m, 'random', m), opts, `${fusedVariant} ${dims} m=${m}`);
      }
      for (const kind of ['negative', 'zero', 'negzero'] as const) {
        await checkForward(ctx, paramsFor(NOTEBOOK, 14), inputs(13, 131, kind), opts, `${fusedVariant} ${kind}`);
      }
      for (const chunkColumns of [100, 64, 7]) {
        await checkForward(ctx, paramsFor(NOTEBOOK, 15), inputs(13, 333, 'random'), { ...opts, chunkColumns }, `${fusedVariant} chunks of ${chunkColumns}`);
      }
    });
  }
});
