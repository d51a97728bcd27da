// Shared inputs of the fast-backend tests: float32-exact parameters and data, so float32 and float64 start equal.
import { initialization } from '../../src/reference/init.ts';
import { type KernelBuild, relaxedSimdAvailable } from '../../src/fast/kernels.ts';
import { type Matrix, matrix } from '../../src/model/matrix.ts';
import { OPTIMIZER_DEFAULTS, type OptimizerKind } from '../../src/model/optimizer.ts';
import type { Params } from '../../src/model/params.ts';
import type { StepSettings, TrainingData } from '../../src/model/trainable.ts';
import { createRng } from '../../src/rng/index.ts';

/** Both builds the code can pick: every check runs on each. */
export const BUILDS: readonly KernelBuild[] = ['wasm-simd', 'js', ...(relaxedSimdAvailable() ? (['wasm-relaxed-simd'] as const) : [])];

const f32 = (n: number): number => Math.fround(n);

/** He-initialized, float32-exact params with non-zero biases (zero biases would hide a broken bias add). */
export function paramsFor(dims: readonly number[], seed: number): Params {
  const p = initialization(dims, { seed });
  p.b.forEach((b, l) => b.forEach((_, i) => (b[i] = f32(0.1 * Math.sin(seed + 7 * l + i)))));
  p.W.forEach((W) => W.data.forEach((v, i) => (W.data[i] = f32(v))));
  return p;
}

/** A (rows, m) input of float32-exact values: uniform, all negative, all zero or all -0. */
export function inputs(rows: number, m: number, kind: 'random' | 'negative' | 'zero' | 'negzero' = 'random', seed = 3): Matrix<Float64Array> {
  const data = new Float64Array(rows * m);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const u = s / 2 ** 32;
    data[i] = kind === 'random' ? f32(u) : kind === 'negative' ? f32(-0.01 - u) : kind === 'zero' ? 0 : -0;
  }
  return matrix(rows, m, data);
}

/** A training problem as test/train/gpu-trainer.test.ts builds it: live ReLUs, uniform data. */
export function problem(dims: number[], mTrain: number, mTest: number, seed: number): { params: Params; data: TrainingData } {
  const rng = createRng('numpy', seed);
  const p = initialization(dims, { generator: rng });
  const b = p.b.map((v, l) => v.map(() => f32(l === p.b.length - 1 ? 1 : 0.1)));
  const params: Params = { dims, W: p.W.map((w) => matrix(w.rows, w.cols, w.data.map(f32))), b };
  const mat = (rows: number, cols: number) =>
    matrix(
      rows,
      cols,
      Float64Array.from({ length: rows * cols }, () => f32(rng.uniform())),
    );
  const L = dims.length - 1;
  return { params, data: { xTrain: mat(dims[0], mTrain), yTrain: mat(dims[L], mTrain), xTest: mat(dims[0], mTest), yTest: mat(dims[L], mTest) } };
}

/** Step settings with the defaults, `kind` and `lr`. */
export function settings(kind: OptimizerKind, batchSize: number, lr = 1e-2): StepSettings {
  return { optimizer: { ...OPTIMIZER_DEFAULTS, kind, lr }, batchSize, seed: 3, rng: 'seedrandom' };
}
