// The one training loop with K models (on the CPU reference's K-model trainer): each model chooses its epoch by its
// own validation loss, stops once its patience runs out, a diverging model stops alone, and the test loss never
// chooses anything. Plus the seeded validation carve.
import { describe, expect, it } from 'vitest';
import { initialization } from '../../src/reference/init.ts';
import { matrix } from '../../src/model/matrix.ts';
import type { TrainingData } from '../../src/model/trainable.ts';
import { createRng } from '../../src/rng/index.ts';
import { CpuMultiTrainer } from '../../src/reference/multi-trainer.ts';
import { selectionScore, trainModels } from '../../src/train/loop.ts';
import { stepSettingsOf, TRAIN_DEFAULTS } from '../../src/train/train-model.ts';
import { carveValidation } from '../../src/train/validation.ts';

const DIMS = [4, 8, 4, 1];

function smooth(m: number, seed: number): TrainingData {
  const rng = createRng('seedrandom', seed);
  const make = (cols: number) => {
    const X = Float64Array.from({ length: 4 * cols }, () => rng.uniform());
    const Y = Float64Array.from({ length: cols }, (_, j) => 0.2 + 0.3 * X[j] * X[cols + j] + 0.2 * Math.sin(3 * X[2 * cols + j]));
    return [matrix(4, cols, X), matrix(1, cols, Y)] as const;
  };
  const [xTrain, yTrain] = make(m);
  const [xTest, yTest] = make(40);
  return { xTrain, yTrain, xTest, yTest };
}

const start = (seed: number) => {
  const p = initialization(DIMS, { seed });
  p.b[p.b.length - 1].fill(0.1);
  return p;
};

describe('trainModels', () => {
  it('stops each model on its own validation loss, lets a diverging one stop alone, and never looks at the test loss', async () => {
    const data = carveValidation(smooth(200, 3), 0.2, 5, 'seedrandom');
    const trainer = new CpuMultiTrainer([start(1), start(2), start(3)]);
    const settings = stepSettingsOf({ ...TRAIN_DEFAULTS, batchSize: 16 });
    const outcomes = await trainModels(trainer, data, settings, { epochs: 40, patience: 3, models: [{ lr: 0.01 }, { lr: 1e3 }, { lr: 0.003 }] });
    // A rate of 1000 either blows the loss up or kills the output ReLU; either way that model stops alone.
    expect(['diverged', 'dead-output']).toContain(outcomes[1].stoppedBy);
    expect(outcomes[1].failure).toMatch(/^(Training diverged|The network's output is 0)/);
    expect(outcomes[1].epochsRun).toBeLessThan(Math.max(outcomes[0].epochsRun, outcomes[2].epochsRun));
    for (const i of [0, 2]) {
      const o = outcomes[i];
      const val = o.history.map((r) => r.valLoss);
      const best = val.indexOf(Math.min(...val));
      expect(o.history[best].epoch, `model ${i} keeps its best validation epoch`).toBe(o.bestEpoch);
      if (o.stoppedBy === 'patience') expect(o.epochsRun - o.bestEpoch).toBe(3);
      expect(o.history.every((r) => Number.isFinite(r.testLoss))).toBe(true);
      // The final parameters are the best epoch's: their validation loss is the best one recorded.
      const [e] = [(await trainer.evaluate())[i]];
      expect(selectionScore(e)).toBeCloseTo(Math.min(...val), 12);
    }
    // Swapping the test set for garbage changes no choice.
    const garbage = { ...data, yTest: matrix(1, 40, new Float64Array(40).fill(5)) };
    const again = await trainModels(new CpuMultiTrainer([start(1), start(2), start(3)]), garbage, settings, {
      epochs: 40,
      patience: 3,
      models: [{ lr: 0.01 }, { lr: 1e3 }, { lr: 0.003 }],
    });
    expect(again.map((o) => o.bestEpoch)).toEqual(outcomes.map((o) => o.bestEpoch));
  });
});

describe('carveValidation', () => {
  it('holds out ceil(share·m) training columns, seeded, disjoint from the rest, and leaves the test set alone', () => {
    const data = smooth(101, 1);
    const a = carveValidation(data, 0.1, 42, 'seedrandom');
    const b = carveValidation(data, 0.1, 42, 'seedrandom');
    const c = carveValidation(data, 0.1, 43, 'seedrandom');
    expect(a.valColumns.length).toBe(11);
    expect(a.xTrain.cols).toBe(90);
    expect(Array.from(a.valColumns)).toEqual(Array.from(b.valColumns));
    expect(Array.from(a.valColumns)).not.toEqual(Array.from(c.valColumns));
    const all = [...a.fitColumns, ...a.valColumns].sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 101 }, (_, i) => i));
    expect(a.xVal.data[0]).toBe(data.xTrain.data[a.valColumns[0]]);
    expect(a.xTest).toBe(data.xTest);
    expect(carveValidation(data, 0, 42, 'seedrandom').xVal.cols).toBe(0);
    expect(() => carveValidation(smooth(1, 1), 0.5, 1, 'seedrandom')).toThrow(/too few to hold out/);
    expect(() => carveValidation(data, 1, 1, 'seedrandom')).toThrow(/at least 0 and below 1/);
  });
});
