// The fast CPU trainer against the float64 reference trainer, with the GPU trainer tests' tolerances: gradients per
// mini-batch (m = 1, odd m, a short last batch, a batch wider than a chunk), each update rule over an epoch, a run.
import { describe, expect, test } from 'vitest';
import { createFastTrainer } from '../../src/fast/trainer.ts';
import { CHUNK_COLUMNS } from '../../src/fast/network.ts';
import { createCpuTrainer } from '../../src/reference/trainer.ts';
import { trainLoop } from '../../src/train/loop.ts';
import { expectClose } from '../helpers/compare.ts';
import { BUILDS, problem, settings } from './problems.ts';

for (const build of BUILDS) {
  describe(`fast CPU trainer (${build}): gradients against the reference`, () => {
    const cases: [number[], number, number, number[]][] = [
      [[13, 64, 32, 16, 1], 37, 16, [0, 2]], // a short last batch of 5
      [[5, 7, 3, 2], 70, 65, [0, 1]], // two outputs; batch 65 is off the 8-column alignment
      [[3, 1], 1, 4, [0]], // m = 1, one layer
      [[13, 64, 32, 16, 1], 300, 300, [0]],
      [[13, 64, 32, 16, 1], 2 * CHUNK_COLUMNS + 3, 2 * CHUNK_COLUMNS + 3, [0]], // one batch over three chunks
    ];
    for (const [dims, m, batch, which] of cases) {
      test(`dims [${dims.join(', ')}], m = ${m}, batch ${batch}: batches ${which.join(', ')}`, async () => {
        const { params, data } = problem(dims, m, 5, 11);
        const cpu = createCpuTrainer(params);
        const fast = await createFastTrainer(params, { build });
        await cpu.startTraining(data, settings('sgd', batch));
        await fast.startTraining(data, settings('sgd', batch));
        for (const b of which) {
          const want = await cpu.batchGradients(b);
          const got = await fast.batchGradients(b);
          expect(want.some((g) => g !== 0)).toBe(true);
          expectClose(got, want, { atol: 2e-6, rtol: 1e-4 }, `gradients of batch ${b}`);
        }
      });
    }
  });

  describe(`fast CPU trainer (${build}): optimizer steps against the reference`, () => {
    for (const kind of ['adam', 'momentum', 'sgd', 'gd'] as const) {
      test(`${kind}: two epochs of 3 shuffled mini-batches give the same parameters and losses`, async () => {
        const { params, data } = problem([13, 64, 32, 16, 1], 45, 20, 5);
        const cpu = createCpuTrainer(params);
        const fast = await createFastTrainer(params, { build });
        for (const t of [cpu, fast]) {
          await t.startTraining(data, settings(kind, 16, kind === 'adam' ? 1e-3 : 1e-2));
          await t.trainEpoch();
          await t.trainEpoch();
        }
        const want = await cpu.readParams();
        const got = await fast.readParams();
        let moved = 0;
        for (let l = 0; l < want.W.length; l++) {
          expectClose(got.W[l].data, want.W[l].data, { atol: 1e-5, rtol: 1e-4 }, `W${l + 1}`);
          expectClose(got.b[l], want.b[l], { atol: 1e-5, rtol: 1e-4 }, `b${l + 1}`);
          want.W[l].data.forEach((w, i) => (moved = Math.max(moved, Math.abs(w - params.W[l].data[i]))));
        }
        expect(moved).toBeGreaterThan(1e-4); // the check compares steps, not two untouched copies
        const [e1, e2] = [await cpu.evaluate(), await fast.evaluate()];
        expectClose([e2.trainLoss, e2.testLoss, e2.liveOutputs], [e1.trainLoss, e1.testLoss, e1.liveOutputs], { atol: 1e-6, rtol: 1e-4 }, 'losses');
      });
    }

    test('saveBest and restoreBest bring the saved parameters back', async () => {
      const { params, data } = problem([4, 6, 1], 30, 10, 9);
      const fast = await createFastTrainer(params, { build });
      await fast.startTraining(data, settings('adam', 8));
      const saved = await fast.readParams();
      await fast.trainEpoch();
      expect((await fast.readParams()).W[0].data).not.toEqual(saved.W[0].data);
      await fast.restoreBest();
      expect((await fast.readParams()).W[0].data).toEqual(saved.W[0].data);
    });

    test('a short training run lowers the train and test loss, as the reference run does', async () => {
      const { params, data } = problem([13, 16, 8, 1], 300, 100, 13);
      const fast = await createFastTrainer(params, { build });
      const cpu = createCpuTrainer(params);
      const out = await trainLoop(fast, data, settings('adam', 32, 5e-3), { epochs: 6, patience: 0 });
      const ref = await trainLoop(cpu, data, settings('adam', 32, 5e-3), { epochs: 6, patience: 0 });
      const [first, last] = [out.history[0], out.history[out.history.length - 1]];
      expect(last.trainLoss).toBeLessThan(first.trainLoss / 2);
      expect(last.testLoss).toBeLessThan(first.testLoss / 2);
      const refLast = ref.history[ref.history.length - 1];
      expect(Math.abs(last.testLoss - refLast.testLoss)).toBeLessThan(1e-3 * refLast.testLoss + 1e-6);
    });

    test('training before startTraining is refused', async () => {
      const fast = await createFastTrainer(problem([3, 1], 4, 0, 1).params, { build });
      await expect(fast.trainEpoch()).rejects.toThrow(/startTraining/);
    });
  });
}
