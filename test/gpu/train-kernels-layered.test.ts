// The layered trainer's kernels one at a time against float64 references from the CPU reference's pieces:
// mse_grad, weight_grad, backprop_dz and update_flat (every rule), and the generated fused forward kernel, on edge
// shapes, with atol + rtol·|ref| growing with the inner dimension of each sum.
import { describe } from 'vitest';
import { reluMask } from '../../src/reference/activations.ts';
import { feedForward } from '../../src/reference/forward.ts';
import { initialization } from '../../src/reference/init.ts';
import { FlatOptimizer } from '../../src/model/flat-optimizer.ts';
import { encodeFusedForward, uploadFusedParams } from '../../src/gpu/kernels/mlp-fused.ts';
import { cacheRowOffsets } from '../../src/gpu/packing.ts';
import { Step } from '../../src/gpu/structs.ts';
import { prepareBackpropDz } from '../../src/gpu/kernels/backprop-dz.ts';
import { prepareOutputGrad } from '../../src/gpu/kernels/mse-grad.ts';
import { prepareFlatUpdate } from '../../src/gpu/kernels/update-flat.ts';
import { prepareLayerGrad } from '../../src/gpu/kernels/weight-grad.ts';
import { flatten, paramLayout } from '../../src/model/flat-layout.ts';
import { matrix } from '../../src/model/matrix.ts';
import { adamStepScale, OPTIMIZER_DEFAULTS, type OptimizerKind } from '../../src/model/optimizer.ts';
import { expectClose, f32Tolerance } from '../helpers/compare.ts';
import { testWithDevice } from '../helpers/gpu.ts';
import { KernelRig, sumTolerance, values } from '../helpers/kernel-rig.ts';

const step = (rig: KernelRig, v: Partial<Parameters<typeof Step.write>[0]>) =>
  rig.buffers.uniform(Step.write({ start: 0, usePerm: 0, count: 0, lrT: 0, epsT: 0, momentum: 0, beta1: 0, beta2: 0, ...v }));

/** (n, k, m, count): widths 1, tile ± 1 and primes; m the batch columns, count ≤ m the real examples. */
const LAYERS: [number, number, number, number][] = [
  [1, 1, 1, 1],
  [1, 13, 4, 3],
  [16, 15, 63, 63],
  [17, 33, 65, 61],
  [64, 13, 128, 128],
  [7, 70, 132, 129],
];

/** Values with exact zeros and -0 among them, so every `> 0` comparison meets its boundary. */
const withZeros = (v: Float64Array): Float64Array => {
  for (let i = 0; i < v.length; i += 7) v[i] = i % 14 === 0 ? 0 : -0;
  return v;
};

describe('mse_grad', () => {
  testWithDevice('gives dZ_L = 2(A − Y) where the mask is 1 and the column is live, else 0', async (ctx) => {
    for (const [rows, , stride, count] of LAYERS) {
      const rig = new KernelRig(ctx);
      try {
        const Z = matrix(rows, stride, withZeros(values(rows * stride, stride, -1, 1)));
        const mask = reluMask(Z).data;
        const A = values(rows * stride, 3, 0, 1);
        const Y = values(rows * stride, 4, 0, 1);
        const dZ = rig.zeros('dZ', rows * stride);
        const p = prepareOutputGrad(ctx, rig.buffers, {
          step: step(rig, { count }),
          mask: rig.f32('mask', mask),
          A: rig.f32('A', A),
          Y: rig.f32('Y', Y),
          dZ,
          rows,
          stride,
        });
        const [got] = await rig.run([p], [dZ]);
        const want = Float64Array.from(A, (a, i) => (mask[i] > 0 && i % stride < count ? 2 * (a - Y[i]) : 0));
        expectClose(got, want, sumTolerance(1), `dZ_L (${rows}, ${stride}), count ${count}`);
      } finally {
        rig.dispose();
      }
    }
  });
});

describe('weight_grad', () => {
  testWithDevice('gives dW = dZ·Aprevᵀ/count and db = rowsum(dZ)/count over the live columns only', async (ctx) => {
    for (const [n, k, m, count] of LAYERS) {
      const rig = new KernelRig(ctx);
      try {
        const dZv = values(n * m, n + m);
        const Av = values(k * m, k + m + 1, 0, 1);
        const [dW, db] = [rig.zeros('dW', n * k), rig.zeros('db', n)];
        const p = prepareLayerGrad(ctx, rig.buffers, {
          step: step(rig, { count }),
          dZ: rig.f32('dZ', dZv),
          Aprev: rig.f32('A', Av),
          dW,
          db,
          n,
          k,
          m,
          label: 'test',
        });
        const [gw, gb] = await rig.run([p], [dW, db]);
        const wantW = new Float64Array(n * k);
        const wantB = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < count; j++) {
            wantB[i] += dZv[i * m + j] / count;
            for (let q = 0; q < k; q++) wantW[i * k + q] += (dZv[i * m + j] * Av[q * m + j]) / count;
          }
        }
        expectClose(gw, wantW, sumTolerance(count), `dW (${n}, ${k}) over ${count} of ${m} columns`);
        expectClose(gb, wantB, sumTolerance(count), `db (${n}) over ${count} of ${m} columns`);
      } finally {
        rig.dispose();
      }
    }
  });
});

describe('backprop_dz', () => {
  testWithDevice('gives dZ_{l-1} = (Wᵀ·dZ) ⊙ mask_{l-1}', async (ctx) => {
    for (const [n, k, m] of LAYERS) {
      const rig = new KernelRig(ctx);
      try {
        const W = values(n * k, n * k + 1);
        const dZv = values(n * m, m + 2);
        const mask = reluMask(matrix(k, m, withZeros(values(k * m, m + 3)))).data;
        const out = rig.zeros('dZprev', k * m);
        const p = prepareBackpropDz(ctx, rig.buffers, {
          W: rig.f32('W', W),
          dZ: rig.f32('dZ', dZv),
          mask: rig.f32('mask', mask),
          dZprev: out,
          n,
          k,
          m,
          label: 'test',
        });
        const [got] = await rig.run([p], [out]);
        const want = new Float64Array(k * m);
        for (let q = 0; q < k; q++) {
          for (let j = 0; j < m; j++) {
            let s = 0;
            for (let i = 0; i < n; i++) s += W[i * k + q] * dZv[i * m + j];
            want[q * m + j] = mask[q * m + j] > 0 ? s : 0;
          }
        }
        expectClose(got, want, sumTolerance(n), `dZprev (${k}, ${m}) from ${n} units`);
      } finally {
        rig.dispose();
      }
    }
  });
});

describe('update_flat', () => {
  const KINDS: OptimizerKind[] = ['gd', 'sgd', 'momentum', 'adam'];
  testWithDevice('applies each rule for two steps over the flat vector as the float64 FlatOptimizer does', async (ctx) => {
    for (const kind of KINDS) {
      for (const dims of [
        [13, 64, 32, 16, 1],
        [2, 70, 3],
        [1, 1],
      ]) {
        const rig = new KernelRig(ctx);
        try {
          const layout = paramLayout(dims);
          const params = initialization(dims, { seed: 12 });
          const flat = Float64Array.from(flatten(layout, params.W, params.b), Math.fround);
          const g = values(layout.size, 99, -0.1, 0.1);
          const settings = { ...OPTIMIZER_DEFAULTS, kind, lr: 0.03 };
          const theta = rig.f32('theta', flat);
          const [m1, m2] = [rig.zeros('m1', layout.size), rig.zeros('m2', layout.size)];
          const grad = rig.f32('grad', g);
          const hyper = rig.hyper([{ lr: settings.lr, momentum: settings.momentum }]);
          const at = (t: number) => {
            const { lrT, epsT } = kind === 'adam' ? adamStepScale({ ...settings, lr: 1 }, t) : { lrT: 1, epsT: 0 };
            return prepareFlatUpdate(ctx, rig.buffers, {
              kind,
              theta,
              grad,
              m1,
              m2,
              count: layout.size,
              hyper,
              step: step(rig, { lrT, epsT, beta1: settings.beta1, beta2: settings.beta2 }),
            });
          };
          const [got] = await rig.run([at(1), at(2)], [theta]);
          const want = flat.slice();
          const opt = new FlatOptimizer(settings, layout.size, Float64Array);
          opt.step(want, g);
          opt.step(want, g);
          expectClose(got, want, { atol: 1e-6, rtol: 1e-5 }, `θ after two ${kind} steps, dims [${dims}]`);
        } finally {
          rig.dispose();
        }
      }
    }
  });
});

describe('the generated fused forward kernel', () => {
  testWithDevice('writes A_L and the packed cache as feedForward does, at m = 1, tile ± 1 and primes', async (ctx) => {
    for (const dims of [
      [13, 64, 32, 16, 1],
      [1, 4, 1],
      [7, 5],
    ]) {
      for (const variant of ['unrolled', 'unrolled3'] as const) {
        for (const m of [1, 3, 4, 5, 11, 12, 13, 47, 48, 49, 769]) {
          const rig = new KernelRig(ctx);
          try {
            const params = initialization(dims, { seed: m });
            params.b.forEach((b, l) => b.set(values(b.length, l + m, -0.2, 0.2)));
            const X = matrix(dims[0], m, values(dims[0] * m, m + 5, 0, 1));
            const { yOut, cache } = feedForward(X, params);
            const rows = cacheRowOffsets(dims).total;
            const out = rig.zeros('out', dims[dims.length - 1] * m);
            const packed = rig.zeros('cache', rows * m);
            const fused = uploadFusedParams(rig.buffers, params);
            const encoder = ctx.device.createCommandEncoder();
            encodeFusedForward(ctx, rig.buffers, encoder, { params: fused, X: rig.f32('X', X.data), m, out, cache: packed, variant });
            ctx.device.queue.submit([encoder.finish()]);
            const [gotOut, gotCache] = await rig.run([], [out, packed]);
            const tol = f32Tolerance(Math.max(...dims), dims.length - 1);
            expectClose(gotOut, yOut.data, tol, `A_L of [${dims}] (${variant}), m = ${m}`);
            const want = new Float64Array(rows * m);
            let at = 0;
            for (const c of cache) {
              want.set(c.data, at);
              at += c.data.length;
            }
            expectClose(gotCache, want, tol, `cache of [${dims}] (${variant}), m = ${m}`);
          } finally {
            rig.dispose();
          }
        }
      }
    }
  });
});
