// The GPU trainer against the CPU reference trainer: gradients per mini-batch, optimizer steps and losses.
import { describe, expect } from 'vitest';
import { initialization } from '../../src/reference/init.ts';
import { OPTIMIZER_DEFAULTS } from '../../src/model/optimizer.ts';
import { createGpuTrainer } from '../../src/gpu/train/create.ts';
import type { TrainerKernel } from '../../src/gpu/train/program.ts';
import { matrix } from '../../src/model/matrix.ts';
import type { Params } from '../../src/model/params.ts';
import type { OptimizerKind } from '../../src/model/optimizer.ts';
import type { StepSettings, TrainingData } from '../../src/model/trainable.ts';
import { createRng } from '../../src/rng/index.ts';
import { createCpuTrainer } from '../../src/reference/trainer.ts';
import { trainLoop } from '../../src/train/loop.ts';
import { expectClose } from '../helpers/compare.ts';
import { testWithDevice } from '../helpers/gpu.ts';

// Values exactly representable in float32, so the CPU (float64) and the GPU start from the same numbers.
const f32 = (n: number): number => Math.fround(n);

function problem(dims: number[], mTrain: number, mTest: number, seed: number): { params: Params; data: TrainingData } {
  const rng = createRng('numpy', seed);
  const p = initialization(dims, { generator: rng });
  // Positive biases (1 at the output) keep the ReLUs alive, so every gradient has something to compare.
  const b = p.b.map((v, l) => v.map(() => f32(l === p.b.length - 1 ? 1 : 0.1)));
  const params: Params = { dims, W: p.W.map((w) => matrix(w.rows, w.cols, w.data.map(f32))), b };
  const mat = (rows: number, cols: number) =>
    matrix(
      rows,
      cols,
      Float64Array.from({ length: rows * cols }, () => f32(rng.uniform())),
    );
  const L = dims.length - 1;
  return {
    params,
    data: { xTrain: mat(dims[0], mTrain), yTrain: mat(dims[L], mTrain), xTest: mat(dims[0], mTest), yTest: mat(dims[L], mTest) },
  };
}

function settings(kind: OptimizerKind, batchSize: number, lr = 1e-2): StepSettings {
  return { optimizer: { ...OPTIMIZER_DEFAULTS, kind, lr }, batchSize, seed: 3, rng: 'seedrandom' };
}

// Every trainer the code can pick runs every check: 'fused' is the default where the widths fit, 'layered' the rest.
const VARIANTS: TrainerKernel[] = ['fused', 'layered'];

for (const variant of VARIANTS) {
  describe(`${variant} trainer: GPU backward vs the CPU reference`, () => {
    // m is not a multiple of the batch (a short last batch) nor of the 64-wide workgroups.
    const cases: [number[], number, number, number[]][] = [
      [[13, 64, 32, 16, 1], 37, 16, [0, 2]],
      [[5, 7, 3, 2], 70, 65, [0, 1]],
      [[3, 1], 1, 4, [0]],
      [[13, 64, 32, 16, 1], 300, 300, [0]],
      // An encoded input (qple's width), wider than the fused kernel's private arrays.
      [[173, 64, 32, 16, 1], 37, 16, [0, 2]],
    ];
    for (const [dims, m, batch, which] of cases) {
      testWithDevice(`dims [${dims.join(', ')}], m = ${m}, batch ${batch}: batches ${which.join(', ')}`, async (ctx) => {
        const { params, data } = problem(dims, m, 5, 11);
        const cpu = createCpuTrainer(params);
        const gpu = createGpuTrainer(ctx, params, variant);
        try {
          await cpu.startTraining(data, settings('sgd', batch));
          await gpu.startTraining(data, settings('sgd', batch));
          for (const b of which) {
            const want = await cpu.batchGradients(b);
            const got = await gpu.batchGradients(b);
            expect(want.some((g) => g !== 0)).toBe(true);
            expectClose(got, want, { atol: 2e-6, rtol: 1e-4 }, `gradients of batch ${b}`);
          }
        } finally {
          gpu.dispose();
        }
      });
    }
  });

  describe(`${variant} trainer: GPU optimizer steps vs the CPU reference`, () => {
    for (const kind of ['adam', 'momentum', 'sgd', 'gd'] as const) {
      testWithDevice(`${kind}: one epoch of 3 shuffled mini-batches gives the same parameters and losses`, async (ctx) => {
        const { params, data } = problem([13, 64, 32, 16, 1], 45, 20, 5);
        const cpu = createCpuTrainer(params);
        const gpu = createGpuTrainer(ctx, params, variant);
        try {
          for (const t of [cpu, gpu]) {
            await t.startTraining(data, settings(kind, 16, kind === 'adam' ? 1e-3 : 1e-2));
            await t.trainEpoch();
          }
          const want = await cpu.readParams();
          const got = await gpu.readParams();
          for (let l = 0; l < want.W.length; l++) {
            expectClose(got.W[l].data, want.W[l].data, { atol: 1e-5, rtol: 1e-4 }, `W${l + 1}`);
            expectClose(got.b[l], want.b[l], { atol: 1e-5, rtol: 1e-4 }, `b${l + 1}`);
          }
          const [e1, e2] = [await cpu.evaluate(), await gpu.evaluate()];
          expectClose([e2.trainLoss, e2.testLoss, e2.liveOutputs], [e1.trainLoss, e1.testLoss, e1.liveOutputs], { atol: 1e-6, rtol: 1e-4 }, 'losses');
        } finally {
          gpu.dispose();
        }
      });
    }

    testWithDevice('saveBest and restoreBest bring the saved parameters back', async (ctx) => {
      const { params, data } = problem([4, 6, 1], 30, 10, 9);
      const gpu = createGpuTrainer(ctx, params, variant);
      try {
        await gpu.startTraining(data, settings('adam', 8));
        const saved = await gpu.readParams();
        await gpu.trainEpoch();
        expect((await gpu.readParams()).W[0].data).not.toEqual(saved.W[0].data);
        await gpu.restoreBest();
        expect((await gpu.readParams()).W[0].data).toEqual(saved.W[0].data);
      } finally {
        gpu.dispose();
      }
    });

    testWithDevice('a short training run on the GPU lowers the train and test loss', async (ctx) => {
      const { params, data } = problem([13, 16, 8, 1], 300, 100, 13);
      const gpu = createGpuTrainer(ctx, params, variant);
      try {
        const out = await trainLoop(gpu, data, settings('adam', 32, 5e-3), { epochs: 6, patience: 0 });
        const [first, last] = [out.history[0], out.history[out.history.length - 1]];
        expect(last.trainLoss).toBeLessThan(first.trainLoss / 2);
        expect(last.testLoss).toBeLessThan(first.testLoss / 2);
      } finally {
        gpu.dispose();
      }
    });
  });
}

describe('trainer choice', () => {
  testWithDevice('auto takes the fused trainer where the widths fit, the layered one where they do not', async (ctx) => {
    const narrow = createGpuTrainer(ctx, problem([13, 64, 32, 16, 1], 4, 0, 1).params);
    const wide = createGpuTrainer(ctx, problem([3, 70, 1], 4, 0, 1).params);
    const encoded = createGpuTrainer(ctx, problem([173, 64, 32, 16, 1], 4, 0, 1).params);
    try {
      expect(narrow.description).toContain('(fused)');
      expect(encoded.description, 'a wide input is read from X, so the fused trainer still takes it').toContain('(fused)');
      expect(wide.description).not.toContain('(fused)');
      expect(() => createGpuTrainer(ctx, problem([3, 70, 1], 4, 0, 1).params, 'fused')).toThrow(/does not fit/);
    } finally {
      narrow.dispose();
      wide.dispose();
      encoded.dispose();
    }
  });
});
