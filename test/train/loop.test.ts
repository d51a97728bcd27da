// The training loop on the CPU trainer: the loss falls, early stopping restores the best epoch, a dead output and
// an abort are handled, and the final metrics compare with the mean baseline.
import { describe, expect, it } from 'vitest';
import { initialization } from '../../src/reference/init.ts';
import { matrix } from '../../src/model/matrix.ts';
import type { Params } from '../../src/model/params.ts';
import type { StepSettings, TrainingData } from '../../src/model/trainable.ts';
import { createRng } from '../../src/rng/index.ts';
import { createCpuTrainer } from '../../src/reference/trainer.ts';
import { DeadOutputError, type EpochReport, trainLoop } from '../../src/train/loop.ts';
import { compareWithBaseline, regressionMetrics } from '../../src/train/metrics.ts';
import { stepSettingsOf, TRAIN_DEFAULTS } from '../../src/train/train-model.ts';

const DIMS = [4, 8, 4, 1];

// y = a smooth function of x in [0, 1], so a small network can learn it in a few epochs.
function smoothData(m: number, seed: number): TrainingData {
  const rng = createRng('seedrandom', seed);
  const make = (cols: number) => {
    const X = Float64Array.from({ length: 4 * cols }, () => rng.uniform());
    const Y = Float64Array.from({ length: cols }, (_, j) => 0.2 + 0.3 * X[j] * X[cols + j] + 0.2 * Math.sin(3 * X[2 * cols + j]));
    return [matrix(4, cols, X), matrix(1, cols, Y)] as const;
  };
  const [xTrain, yTrain] = make(m);
  const [xTest, yTest] = make(Math.ceil(m / 4));
  return { xTrain, yTrain, xTest, yTest };
}

function startParams(outputBias = 0.1): Params {
  const p = initialization(DIMS, { seed: 1 });
  p.b[p.b.length - 1].fill(outputBias);
  return p;
}

const settings: StepSettings = stepSettingsOf({ ...TRAIN_DEFAULTS, batchSize: 16 });

describe('trainLoop', () => {
  it('lowers the train and test loss and reports every epoch, epoch 0 first', async () => {
    const reports: EpochReport[] = [];
    const out = await trainLoop(createCpuTrainer(startParams()), smoothData(200, 2), settings, {
      epochs: 8,
      patience: 0,
      onEpoch: (r) => reports.push(r),
    });
    expect(reports.map((r) => r.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(out.history).toEqual(reports);
    expect(reports[8].trainLoss).toBeLessThan(reports[0].trainLoss / 2);
    expect(reports[8].testLoss).toBeLessThan(reports[0].testLoss / 2);
    expect(out.epochsRun).toBe(8);
  });

  it('without validation rows: stops after `patience` epochs without a better training loss and restores the best parameters', async () => {
    // A learning rate this large makes the loss bounce, so early stopping has something to do.
    const noisy: StepSettings = { ...settings, optimizer: { ...settings.optimizer, lr: 0.05 } };
    const trainer = createCpuTrainer(startParams());
    const out = await trainLoop(trainer, smoothData(120, 3), noisy, { epochs: 40, patience: 2 });
    const best = out.history[out.bestEpoch];
    expect(out.history.every((r) => r.trainLoss >= best.trainLoss)).toBe(true);
    expect(out.stoppedEarly).toBe(true);
    expect(out.epochsRun - out.bestEpoch).toBe(2);
    const now = await trainer.evaluate();
    expect(now.trainLoss).toBeCloseTo(best.trainLoss, 12);
  });

  it('with validation rows: the validation loss chooses, never the test loss', async () => {
    const noisy: StepSettings = { ...settings, optimizer: { ...settings.optimizer, lr: 0.05 } };
    const d = smoothData(120, 3);
    const [xVal, yVal] = [d.xTest, d.yTest];
    const data = { ...smoothData(120, 6), xVal, yVal };
    const trainer = createCpuTrainer(startParams());
    const out = await trainLoop(trainer, data, noisy, { epochs: 40, patience: 2 });
    const best = out.history[out.bestEpoch];
    expect(out.history.every((r) => r.valLoss >= best.valLoss)).toBe(true);
    expect((await trainer.evaluate()).valLoss).toBeCloseTo(best.valLoss, 12);
  });

  it('names the dead output and its remedy when every output is 0', async () => {
    const run = trainLoop(createCpuTrainer(startParams(-50)), smoothData(50, 4), settings, { epochs: 3, patience: 0 });
    await expect(run).rejects.toBeInstanceOf(DeadOutputError);
    await expect(run).rejects.toThrow(/--output-bias/);
  });

  it('stops between epochs when aborted and keeps the best parameters so far', async () => {
    const controller = new AbortController();
    const out = await trainLoop(createCpuTrainer(startParams()), smoothData(100, 5), settings, {
      epochs: 50,
      patience: 0,
      signal: controller.signal,
      onEpoch: (r) => r.epoch === 2 && controller.abort(),
    });
    expect(out.aborted).toBe(true);
    expect(out.epochsRun).toBe(2);
  });
});

describe('metrics', () => {
  it('measures RMSE, MAE and R² from their definitions', () => {
    const truth = [10, 20, 30, 40];
    const pred = [12, 18, 33, 40];
    const m = regressionMetrics(pred, truth);
    const errors = pred.map((p, i) => p - truth[i]);
    const sst = truth.reduce((a, t) => a + (t - 25) ** 2, 0);
    expect(m.rmse).toBeCloseTo(Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / 4), 12);
    expect(m.mae).toBeCloseTo(errors.reduce((a, e) => a + Math.abs(e), 0) / 4, 12);
    expect(m.r2).toBeCloseTo(1 - errors.reduce((a, e) => a + e * e, 0) / sst, 12);
  });

  it('gives the mean baseline an R² of 0 on its own mean', () => {
    const truth = [3, 5, 7, 9];
    const report = compareWithBaseline([3, 5, 7, 9], truth, 6);
    expect(report.baseline.r2).toBeCloseTo(0, 12);
    expect(report.model.r2).toBe(1);
  });
});
