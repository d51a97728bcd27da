// K models trained together on the GPU, in the same dispatches: each equals the same model trained alone on the GPU
// (the same kernels on the same batches, so the same float32 operations in the same order: exactly equal), and the
// CPU reference trainer on a short run (float32 against float64: the trainer tests' tolerance); a frozen model does
// not move; each model keeps its own best weights.
import { describe, expect } from 'vitest';
import { initialization } from '../../src/reference/init.ts';
import { GpuEnsemble } from '../../src/gpu/ensemble.ts';
import { createGpuMultiTrainer } from '../../src/gpu/train/create.ts';
import { flatten, paramLayout } from '../../src/model/flat-layout.ts';
import { matrix } from '../../src/model/matrix.ts';
import { OPTIMIZER_DEFAULTS, type OptimizerKind } from '../../src/model/optimizer.ts';
import type { Params } from '../../src/model/params.ts';
import type { ModelSettings, StepSettings, TrainingData } from '../../src/model/trainable.ts';
import { createRng } from '../../src/rng/index.ts';
import { CpuMultiTrainer } from '../../src/reference/multi-trainer.ts';
import { checkModelsFit, fusedBuffers, totalBytes } from '../../src/gpu/train/memory.ts';
import { expectClose } from '../helpers/compare.ts';
import { testWithDevice } from '../helpers/gpu.ts';

const DIMS = [13, 64, 32, 16, 1];
const f32 = (n: number): number => Math.fround(n);

function model(seed: number): Params {
  const p = initialization(DIMS, { seed });
  return { dims: DIMS, W: p.W.map((w) => matrix(w.rows, w.cols, w.data.map(f32))), b: p.b.map((v, l) => v.map(() => f32(l === p.b.length - 1 ? 0.5 : 0.05))) };
}

function data(mTrain: number, seed: number): TrainingData {
  const rng = createRng('numpy', seed);
  const mat = (rows: number, cols: number) =>
    matrix(
      rows,
      cols,
      Float64Array.from({ length: rows * cols }, () => f32(rng.uniform())),
    );
  return { xTrain: mat(13, mTrain), yTrain: mat(1, mTrain), xTest: mat(13, 20), yTest: mat(1, 20), xVal: mat(13, 15), yVal: mat(1, 15) };
}

const settings = (kind: OptimizerKind): StepSettings => ({ optimizer: { ...OPTIMIZER_DEFAULTS, kind, lr: 1e-3 }, batchSize: 16, seed: 9, rng: 'seedrandom' });
const flat = (p: Params) => flatten(paramLayout(DIMS), p.W, p.b);

describe('K models in one trainer', () => {
  for (const kind of ['adam', 'momentum', 'sgd'] as const) {
    testWithDevice(`${kind}: each of 3 models trained together equals it trained alone, and the CPU reference`, async (ctx) => {
      const starts = [model(1), model(2), model(3)];
      const own: ModelSettings[] = [
        { lr: 1e-3, momentum: 0.9 },
        { lr: 3e-3, momentum: 0.5 },
        { lr: 5e-4, momentum: 0.8 },
      ];
      const d = data(45, 4);
      const together = createGpuMultiTrainer(ctx, starts, 'fused');
      const cpu = new CpuMultiTrainer(starts);
      try {
        for (const t of [together, cpu]) {
          await t.startTraining(d, settings(kind), own);
          await t.trainEpoch();
          await t.trainEpoch();
        }
        const evals = await together.evaluate();
        const cpuEvals = await cpu.evaluate();
        for (let i = 0; i < 3; i++) {
          const alone = createGpuMultiTrainer(ctx, [starts[i]], 'fused');
          try {
            await alone.startTraining(d, settings(kind), [own[i]]);
            await alone.trainEpoch();
            await alone.trainEpoch();
            const got = flat(await together.readParams(i));
            expect(Array.from(got), `model ${i} together vs alone`).toEqual(Array.from(flat(await alone.readParams(0))));
            const [e] = await alone.evaluate();
            expect(evals[i]).toEqual(e);
          } finally {
            alone.dispose();
          }
          expectClose(flat(await together.readParams(i)), flat(await cpu.readParams(i)), { atol: 2e-5, rtol: 2e-4 }, `model ${i} against the CPU reference`);
          for (const key of ['trainLoss', 'testLoss', 'valLoss'] as const)
            expect(Math.abs(evals[i][key] - cpuEvals[i][key])).toBeLessThan(1e-4 * cpuEvals[i][key] + 1e-6);
        }
        // The models really differ: a batch of copies would pass the checks above trivially.
        expect(evals[0].trainLoss).not.toBe(evals[1].trainLoss);
      } finally {
        together.dispose();
      }
    });
  }

  testWithDevice('a frozen model does not move, the others do; each restores its own best', async (ctx) => {
    const starts = [model(5), model(6)];
    const t = createGpuMultiTrainer(ctx, starts, 'fused');
    try {
      await t.startTraining(data(40, 2), settings('adam'));
      await t.trainEpoch();
      const [a1, b1] = [flat(await t.readParams(0)), flat(await t.readParams(1))];
      await t.saveBest([1]);
      await t.trainEpoch([true, false]);
      expect(Array.from(flat(await t.readParams(1)))).toEqual(Array.from(b1));
      expect(Array.from(flat(await t.readParams(0)))).not.toEqual(Array.from(a1));
      await t.trainEpoch();
      await t.restoreBest();
      // Model 0's best is still its start (saved by startTraining); model 1's is the one saved after epoch 1.
      expect(Array.from(flat(await t.readParams(0)))).toEqual(Array.from(flat(starts[0]).map(f32)));
      expect(Array.from(flat(await t.readParams(1)))).toEqual(Array.from(b1));
    } finally {
      t.dispose();
    }
  });

  testWithDevice('refuses models of other dims, a K past the limit, and settings for the wrong K, in one sentence each', async (ctx) => {
    expect(() => createGpuMultiTrainer(ctx, [model(1), initialization([13, 8, 1], { seed: 1 })])).toThrow(/same dims/);
    expect(() => createGpuMultiTrainer(ctx, [])).toThrow();
    const t = createGpuMultiTrainer(ctx, [model(1), model(2)]);
    try {
      await expect(t.startTraining(data(10, 1), settings('sgd'), [{ lr: 1 }])).rejects.toThrow(/settings for 1 models; the trainer holds 2/);
    } finally {
      t.dispose();
    }
  });

  testWithDevice('a K whose buffers pass the binding limit is refused in one sentence naming the largest K that fits', async (ctx) => {
    const layout = paramLayout(DIMS);
    const buffers = fusedBuffers(layout, 128, 24_000, 1);
    const limit = 8 * 2 ** 20;
    const fits = Math.min(...buffers.map((b) => Math.floor((limit - b.shared) / b.perModel)));
    expect(() => checkModelsFit(buffers, fits, limit)).not.toThrow();
    expect(() => checkModelsFit(buffers, fits + 1, limit)).toThrow(new RegExp(`^${fits + 1} models do not fit this device: .* at most ${fits} models fit`));
    expect(totalBytes(buffers, 2)).toBeGreaterThan(totalBytes(buffers, 1));
    // The trainer checks before it allocates: on a device that claims a small binding limit, startTraining refuses.
    const small = { ...ctx, limits: { ...ctx.limits, maxStorageBufferBindingSize: 256 * 1024 } };
    const t = createGpuMultiTrainer(small, [model(1), model(2), model(3), model(4)], 'fused');
    try {
      await expect(t.startTraining(data(40, 1), settings('sgd'))).rejects.toThrow(/^4 models do not fit this device: .*at most \d+ models fit/);
    } finally {
      t.dispose();
    }
  });

  testWithDevice("reads every model back in one read, and measures them on the trainer's own buffers exactly as an uploaded ensemble does", async (ctx) => {
    const starts = [model(4), model(5), model(6), model(7)];
    const d = data(40, 8);
    const trainer = createGpuMultiTrainer(ctx, starts, 'fused');
    try {
      await trainer.startTraining(
        d,
        settings('adam'),
        starts.map((_, i) => ({ lr: 1e-3 * (i + 1) })),
      );
      await trainer.trainEpoch();
      const all = await trainer.readAllParams();
      expect(all).toHaveLength(4);
      for (let i = 0; i < 4; i++) expect(Array.from(flat(all[i])), `model ${i}`).toEqual(Array.from(flat(await trainer.readParams(i))));
      expect(Array.from(flat(all[1])), 'training moved the parameters').not.toEqual(Array.from(flat(starts[1])));
      const onDevice = trainer.membersEnsemble();
      const uploaded = new GpuEnsemble(ctx, all);
      try {
        expect(onDevice).not.toBeNull();
        const got = await onDevice!.forwardMembers(d.xTest);
        const want = await uploaded.forwardMembers(d.xTest);
        for (let i = 0; i < 4; i++) expect(Array.from(got[i].data), `member ${i}`).toEqual(Array.from(want[i].data));
      } finally {
        onDevice?.dispose();
        uploaded.dispose();
      }
      // Disposing the borrowed ensemble left the trainer's buffers alone: it still trains and reads.
      await trainer.trainEpoch();
      expect((await trainer.readAllParams())[0].dims).toEqual(DIMS);
    } finally {
      trainer.dispose();
    }
  });
});
