// The notebook's own sample tests (sections 1.3-1.5), ported, plus parity with numpy's output of the same cells.
import { describe, expect, it } from 'vitest';
import { relu, reluMask } from '../../src/reference/activations.ts';
import { feedForward } from '../../src/reference/forward.ts';
import { initialization } from '../../src/reference/init.ts';
import { matrix } from '../../src/model/matrix.ts';
import { RandomState } from '../../src/rng/index.ts';
import { expectClose } from '../helpers/compare.ts';
import { referenceNpy } from '../helpers/reference.ts';

function mean(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s / a.length;
}

describe('1.3 Initialization', () => {
  it('passes the notebook sample test', () => {
    const params = initialization([13, 64, 32, 16, 1], { seed: 42, rng: 'numpy' });
    expect(params.W.length + params.b.length).toBe(8);
    expect([params.W[0].rows, params.W[0].cols]).toEqual([64, 13]);
    expect(params.b[0].length).toBe(64);
    expect([params.W[3].rows, params.W[3].cols]).toEqual([1, 16]);
    const m = mean(params.W[0].data);
    expect(m).toBeLessThan(0.1);
    expect(m).toBeGreaterThan(-0.1);
    for (const b of params.b) expect(Array.from(b).every((v) => v === 0)).toBe(true);
  });

  it('equals numpy Initialization(13, 64, 32, 16, 1) with seed 42 bit for bit', () => {
    const params = initialization([13, 64, 32, 16, 1], { seed: 42, rng: 'numpy' });
    for (let l = 0; l < 4; l++) {
      const ref = referenceNpy(`init_seed42_W${l + 1}.npy`);
      expect([params.W[l].rows, params.W[l].cols]).toEqual([ref.rows, ref.cols]);
      expect(Array.from(params.W[l].data)).toEqual(Array.from(ref.data));
    }
  });

  it('has the He variance for the default engine and works for any depth', () => {
    const params = initialization([200, 300, 7, 2], { seed: 1 });
    expect(params.W.map((w) => [w.rows, w.cols])).toEqual([
      [300, 200],
      [7, 300],
      [2, 7],
    ]);
    const w = params.W[0].data;
    const variance = mean(w.map((v) => v * v));
    expect(variance).toBeGreaterThan((2 / 200) * 0.95);
    expect(variance).toBeLessThan((2 / 200) * 1.05);
  });

  it('rejects impossible dims', () => {
    expect(() => initialization([13])).toThrow(/at least/);
    expect(() => initialization([13, 0, 1])).toThrow(/positive integer/);
  });
});

describe('1.4 relu and drelu', () => {
  it('passes the notebook sample test', () => {
    const x = matrix(2, 2, Float64Array.from([3, -4, 0, -0.5]));
    expect(Array.from(relu(x).data)).toEqual([3, 0, 0, 0]);
    expect(Array.from(reluMask(x).data)).toEqual([1, 0, 0, 0]);
  });

  it('follows numpy on -0.0 and NaN', () => {
    const x = matrix(1, 3, Float64Array.from([-0, Number.NaN, 2]));
    const r = relu(x).data;
    expect(Object.is(r[0], -0)).toBe(true); // np.maximum(-0.0, 0) is -0.0
    expect(Number.isNaN(r[1])).toBe(true);
    expect(Array.from(reluMask(x).data)).toEqual([0, 0, 1]);
  });
});

describe('1.5 feed_forward', () => {
  it('passes the notebook sample test and equals numpy', () => {
    const rs = new RandomState(42);
    const params = initialization([13, 64, 32, 16, 1], { seed: 42, rng: 'numpy' });
    // The notebook reseeds inside Initialization, then draws X_sample from the same stream after the weights.
    for (let i = 0; i < params.W.reduce((n, w) => n + w.data.length, 0); i++) rs.gaussian();
    const X = matrix(13, 100, rs.rand(13 * 100));
    const refX = referenceNpy('sample_X.npy');
    expect(Array.from(X.data)).toEqual(Array.from(refX.data));

    const { yOut, cache } = feedForward(X, params);
    expect([yOut.rows, yOut.cols]).toEqual([1, 100]);
    expect(cache.length).toBe(8);
    expect([cache[0].rows, cache[0].cols]).toEqual([64, 100]);
    expect([cache[7].rows, cache[7].cols]).toEqual([1, 100]);
    const names = ['Z1', 'A1', 'Z2', 'A2', 'Z3', 'A3', 'Z4', 'A4'];
    names.forEach((name, i) => {
      const ref = referenceNpy(`sample_${name}.npy`);
      expect([cache[i].rows, cache[i].cols]).toEqual([ref.rows, ref.cols]);
      // Same float64 maths; only the summation order of numpy's BLAS differs.
      expectClose(cache[i].data, ref.data, { atol: 1e-13, rtol: 1e-12 }, name);
    });
  });

  it('rejects an input with the wrong number of features', () => {
    const params = initialization([13, 4, 1]);
    expect(() => feedForward(matrix(12, 3, new Float64Array(36)), params)).toThrow(/shape \(12, 3\) but the model expects 13 features/);
  });
});
