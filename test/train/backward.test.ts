// The CPU reference backward pass against central finite differences of the MSE loss, and the update rules.
import { describe, expect, it } from 'vitest';
import { lossAndGradients } from '../../src/reference/backward.ts';
import { feedForward } from '../../src/reference/forward.ts';
import { initialization } from '../../src/reference/init.ts';
import { mseLoss } from '../../src/reference/loss.ts';
import { FlatOptimizer } from '../../src/model/flat-optimizer.ts';
import { OPTIMIZER_DEFAULTS } from '../../src/model/optimizer.ts';
import { matrix } from '../../src/model/matrix.ts';
import { cloneParams, type Params } from '../../src/model/params.ts';
import { flatten, paramLayout, unflatten } from '../../src/model/flat-layout.ts';
import { type OptimizerKind } from '../../src/model/optimizer.ts';
import { createRng } from '../../src/rng/index.ts';
import { expectClose } from '../helpers/compare.ts';

function randomProblem(dims: number[], m: number, seed: number) {
  const rng = createRng('numpy', seed);
  const params = initialization(dims, { generator: rng });
  // A positive output bias keeps the output ReLU alive, so every layer has a gradient to check.
  params.b[params.b.length - 1].fill(0.5);
  const X = matrix(
    dims[0],
    m,
    Float64Array.from({ length: dims[0] * m }, () => rng.uniform()),
  );
  const Y = matrix(
    dims[dims.length - 1],
    m,
    Float64Array.from({ length: dims[dims.length - 1] * m }, () => rng.uniform()),
  );
  return { params, X, Y };
}

describe('backward (CPU reference)', () => {
  for (const [dims, m] of [
    [[4, 5, 3, 2], 7],
    [[13, 64, 32, 16, 1], 9],
    [[3, 1], 1],
  ] as const) {
    it(`matches central finite differences for dims [${dims.join(', ')}], m = ${m}`, () => {
      const { params, X, Y } = randomProblem([...dims], m, 7);
      const layout = paramLayout(dims);
      const { grads } = lossAndGradients(X, Y, params);
      const analytic = flatten(layout, grads.dW, grads.db);
      const theta = flatten(layout, params.W, params.b);
      const numeric = new Float64Array(layout.size);
      const h = 1e-6;
      const lossAt = (t: Float64Array): number => mseLoss(feedForward(X, unflatten(layout, t)).yOut, Y);
      for (let i = 0; i < layout.size; i++) {
        const plus = theta.slice();
        plus[i] += h;
        const minus = theta.slice();
        minus[i] -= h;
        numeric[i] = (lossAt(plus) - lossAt(minus)) / (2 * h);
      }
      expect(analytic.some((g) => g !== 0)).toBe(true);
      expectClose(analytic, numeric, { atol: 1e-7, rtol: 1e-5 }, 'gradients vs finite differences');
    });
  }

  it('gives zero gradients when the output ReLU is dead', () => {
    const { params, X, Y } = randomProblem([4, 5, 1], 6, 3);
    const dead: Params = cloneParams(params);
    dead.b[1].fill(-100);
    const { grads } = lossAndGradients(X, Y, dead);
    expect([...grads.dW.flatMap((w) => [...w.data]), ...grads.db.flatMap((b) => [...b])].every((g) => g === 0)).toBe(true);
  });
});

describe('FlatOptimizer over float64', () => {
  const grads = [Float64Array.from([0.5, -1, 2, 0]), Float64Array.from([-0.25, 3, 1, 1e-3])];
  const start = Float64Array.from([1, 2, -3, 0.5]);

  function textbook(kind: OptimizerKind, lr: number): Float64Array {
    const { momentum, beta1, beta2, epsilon } = OPTIMIZER_DEFAULTS;
    const theta = start.slice();
    const m = new Float64Array(4);
    const v = new Float64Array(4);
    grads.forEach((g, s) => {
      const t = s + 1;
      for (let i = 0; i < 4; i++) {
        if (kind === 'adam') {
          m[i] = beta1 * m[i] + (1 - beta1) * g[i];
          v[i] = beta2 * v[i] + (1 - beta2) * g[i] ** 2;
          theta[i] -= (lr * (m[i] / (1 - beta1 ** t))) / (Math.sqrt(v[i] / (1 - beta2 ** t)) + epsilon);
        } else if (kind === 'momentum') {
          m[i] = momentum * m[i] + g[i];
          theta[i] -= lr * m[i];
        } else {
          theta[i] -= lr * g[i];
        }
      }
    });
    return theta;
  }

  for (const kind of ['adam', 'momentum', 'sgd', 'gd'] as const) {
    it(`${kind} takes the textbook steps`, () => {
      const opt = new FlatOptimizer({ ...OPTIMIZER_DEFAULTS, kind, lr: 0.01 }, 4, Float64Array);
      const theta = start.slice();
      for (const g of grads) opt.step(theta, g);
      expectClose(theta, textbook(kind, 0.01), { atol: 1e-12, rtol: 1e-12 }, `${kind} parameters`);
      expect(opt.t).toBe(2);
    });
  }

  it('leaves the layout padding at zero', () => {
    const layout = paramLayout([3, 2, 1]);
    const p = initialization([3, 2, 1], { seed: 1 });
    const theta = flatten(layout, p.W, p.b);
    const g = flatten(layout, p.W, p.b);
    new FlatOptimizer<Float64Array>({ ...OPTIMIZER_DEFAULTS, kind: 'adam' }, layout.size, Float64Array).step(theta, g);
    const back = flatten(layout, unflatten(layout, theta).W, unflatten(layout, theta).b);
    expect([...theta]).toEqual([...back]);
  });
});
