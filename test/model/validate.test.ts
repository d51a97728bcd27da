// The boundary check (src/model/validate.ts): every way to hand a backend a bad X or bad parameters is refused in
// one sentence, through the library API on the CPU reference and on the GPU alike.
import { afterAll, describe, expect, it } from 'vitest';
import { createCpuBackend } from '../../src/reference/backend.ts';
import { feedForward } from '../../src/reference/forward.ts';
import { initialization } from '../../src/reference/init.ts';
import { UserError } from '../../src/errors.ts';
import { forward } from '../../src/api/common.ts';
import { type Matrix, matrix } from '../../src/model/matrix.ts';
import { cloneParams } from '../../src/model/params.ts';
import { checkDims, checkInputShape, checkParams } from '../../src/model/validate.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { sharedRuntime } from '../helpers/gpu.ts';

const DIMS = [13, 8, 1];
const params = initialization(DIMS, { seed: 3, rng: 'seedrandom' });
const cpu = createRuntime(null);
afterAll(() => cpu.close());

function goodX(m = 4): Matrix<Float64Array> {
  return matrix(
    13,
    m,
    Float64Array.from({ length: 13 * m }, (_, i) => (i % 7) / 7),
  );
}

/** An X whose data disagrees with its shape, as a caller building `{ rows, cols, data }` by hand could make. */
const shortX = (): Matrix => ({ rows: 13, cols: 4, data: new Float64Array(13 * 4 - 1) });

function withValue(v: number, at: number): Matrix<Float64Array> {
  const X = goodX();
  X.data[at] = v;
  return X;
}

// Each bad X with the sentence it must get; the same cases run on every path below.
const BAD_X: readonly [string, () => Matrix, RegExp][] = [
  ['data shorter than rows × cols', shortX, /claims shape \(13, 4\), which needs 52 values, but its data holds 51/],
  ['data longer than rows × cols', () => ({ rows: 13, cols: 2, data: new Float64Array(40) }), /needs 26 values, but its data holds 40/],
  ['NaN', () => withValue(Number.NaN, 9), /1 non-finite value \(NaN or Inf\); the first is NaN at row 2, column 1/],
  ['Infinity', () => withValue(Number.POSITIVE_INFINITY, 0), /the first is Infinity at row 0, column 0/],
  ['-Infinity', () => withValue(Number.NEGATIVE_INFINITY, 51), /the first is -Infinity at row 12, column 3/],
  ['too few features', () => matrix(12, 4, new Float64Array(48)), /shape \(12, 4\) but the model expects 13 features, shape \(13, m\)\.$/],
  ['a transposed X', () => matrix(4, 13, new Float64Array(52)), /looks transposed, so save X\.T/],
  ['a fractional shape', () => ({ rows: 13, cols: 1.5, data: new Float64Array(19) }), /non-negative integer rows and columns/],
];

describe('checkInputShape', () => {
  it.each(BAD_X)('refuses %s in one sentence', (_what, make, pattern) => {
    const call = () => checkInputShape(make(), DIMS, { label: 'The input' });
    expect(call).toThrow(UserError);
    expect(call).toThrow(pattern);
  });

  it('accepts a good X, -0 and an empty batch, and refuses the empty batch only when asked', () => {
    expect(() => checkInputShape(withValue(-0, 3), DIMS)).not.toThrow();
    const empty = matrix(13, 0, new Float64Array(0));
    expect(() => checkInputShape(empty, DIMS)).not.toThrow();
    expect(() => checkInputShape(empty, DIMS, { requireExamples: true })).toThrow(/has no examples/);
  });

  it('counts every non-finite value, and names the label it is given', () => {
    const X = goodX();
    X.data[5] = Number.NaN;
    X.data[20] = Number.NaN;
    X.data[30] = Number.POSITIVE_INFINITY;
    expect(() => checkInputShape(X, DIMS, { label: "The input 'X.npy'" })).toThrow(/^The input 'X\.npy' has 3 non-finite values/);
  });
});

describe('checkDims and checkParams', () => {
  it.each([
    [[13], /at least an input and an output width/],
    [[13, 0, 1], /dims\[1\] is 0/],
    [[13, 2.5, 1], /dims\[1\] is 2\.5/],
    [[13, Number.NaN, 1], /dims\[1\] is NaN/],
  ])('refuses dims %j', (dims, pattern) => {
    expect(() => checkDims(dims)).toThrow(UserError);
    expect(() => checkDims(dims)).toThrow(pattern);
  });

  it('refuses a NaN weight, a NaN bias, a wrong shape and a short W', () => {
    const nanW = cloneParams(params);
    nanW.W[1].data[3] = Number.NaN;
    expect(() => checkParams(nanW)).toThrow(/W2\[0\]\[3\] is NaN; every weight must be a finite number/);
    const nanB = cloneParams(params);
    nanB.b[0][7] = Number.NEGATIVE_INFINITY;
    expect(() => checkParams(nanB)).toThrow(/b1\[7\] is -Infinity/);
    const shape = { ...params, W: [matrix(8, 12, new Float64Array(96)), params.W[1]] };
    expect(() => checkParams(shape)).toThrow(/W1 has shape \(8, 12\) but dims \[13, 8, 1\] needs \(8, 13\)/);
    const short = { ...params, W: [{ rows: 8, cols: 13, data: new Float64Array(100) }, params.W[1]] };
    expect(() => checkParams(short)).toThrow(/W1 claims shape \(8, 13\), which needs 104 values, but its data holds 100/);
    expect(() => checkParams(params)).not.toThrow();
  });
});

describe('the library refuses what the CLI refuses', () => {
  it.each(BAD_X)('forward() on the CPU refuses %s', async (_what, make, pattern) => {
    await expect(forward(cpu, params, make())).rejects.toThrow(pattern);
    expect(() => feedForward(make(), params)).toThrow(pattern);
    await expect(createCpuBackend(params).forward(make())).rejects.toBeInstanceOf(UserError);
  });

  it('a runtime refuses NaN weights before any backend sees them', async () => {
    const bad = cloneParams(params);
    bad.b[1][0] = Number.NaN;
    await expect(cpu.backend(bad)).rejects.toThrow(/b2\[0\] is NaN/);
    await expect(cpu.trainer(bad)).rejects.toThrow(/b2\[0\] is NaN/);
  });

  it('forward() on the GPU refuses NaN and a short X instead of returning zeros', async () => {
    const gpu = await sharedRuntime();
    for (const [what, make, pattern] of BAD_X) {
      await expect(forward(gpu, params, make()), what).rejects.toThrow(pattern);
    }
    // The check must not refuse what is fine: the GPU then agrees with the reference.
    const X = goodX(5);
    const got = (await forward(gpu, params, X)).out.data;
    const want = feedForward(X, params).yOut.data;
    want.forEach((v, i) => expect(Math.abs(got[i] - v)).toBeLessThan(1e-4 + 1e-4 * Math.abs(v)));
  });
});
