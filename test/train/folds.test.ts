// Cross-validated members on an encoded X (qple, ~170 inputs): each model trains with weight 0 on its own fold and
// is validated on it. The reference's weighted gradient is the plain gradient of the fold-free columns, rescaled;
// a model's own fold's targets cannot move it; and the GPU's fused trainer and the fast CPU trainers (in this thread
// and in two workers) give the reference's parameters and losses after two epochs, every model on the same batches.
import { describe, expect, it } from 'vitest';
import { prepareDataset, syntheticDataset } from '../../src/data/index.ts';
import { createFastMultiTrainer } from '../../src/fast/multi-trainer.ts';
import { createGpuMultiTrainer } from '../../src/gpu/train/create.ts';
import { flatten, paramLayout } from '../../src/model/flat-layout.ts';
import { foldLosses } from '../../src/model/folds.ts';
import { matrix, type Matrix } from '../../src/model/matrix.ts';
import { OPTIMIZER_DEFAULTS } from '../../src/model/optimizer.ts';
import type { Params } from '../../src/model/params.ts';
import type { ModelSettings, MultiTrainer, StepSettings, TrainingData } from '../../src/model/trainable.ts';
import { nodeFastPool } from '../../src/platform/node-fast-pool.ts';
import { lossAndGradients } from '../../src/reference/backward.ts';
import { feedForward } from '../../src/reference/forward.ts';
import { CpuMultiTrainer } from '../../src/reference/multi-trainer.ts';
import { encodeData } from '../../src/train/encoded-data.ts';
import { startingParams, TRAIN_DEFAULTS } from '../../src/train/train-model.ts';
import { assignFolds, columns } from '../../src/train/validation.ts';
import { expectClose } from '../helpers/compare.ts';
import { testWithDevice } from '../helpers/gpu.ts';

const f32 = (p: Params): Params => ({
  dims: p.dims,
  W: p.W.map((w) => matrix(w.rows, w.cols, w.data.map(Math.fround))),
  b: p.b.map((v) => v.map(Math.fround)),
});
const toF32 = (m: Matrix): Matrix<Float64Array> => matrix(m.rows, m.cols, Float64Array.from(m.data, Math.fround));

// 300 synthetic tracks through qple: a real encoder's X, with float32-exact values so every backend starts equal.
const prepared = prepareDataset(syntheticDataset({ rows: 300, seed: 3 }), { seed: 3 });
const { data: encoded, encoder } = encodeData(prepared, 'qple');
const K = 3;
const rowFold = assignFolds(encoded.xTrain.cols, K, 3, 'seedrandom');
const data: TrainingData = {
  xTrain: toF32(encoded.xTrain),
  yTrain: toF32(encoded.yTrain),
  xTest: toF32(encoded.xTest),
  yTest: toF32(encoded.yTest),
  rowFold,
};
const starts = [0, 1, 2].map((i) => f32(startingParams({ ...TRAIN_DEFAULTS, seed: 10 + i }, data.yTrain, encoder!.width)));
const own: ModelSettings[] = [0, 1, 2].map((fold) => ({ lr: 2e-3, fold }));
const settings: StepSettings = { optimizer: { ...OPTIMIZER_DEFAULTS, kind: 'adam', lr: 2e-3 }, batchSize: 32, seed: 5, rng: 'seedrandom' };
const flat = (p: Params) => flatten(paramLayout(p.dims), p.W, p.b);
const pool = nodeFastPool(2);

async function twoEpochs(trainer: MultiTrainer, d: TrainingData = data) {
  try {
    await trainer.startTraining(d, settings, own);
    await trainer.trainEpoch();
    await trainer.trainEpoch();
    return { params: await trainer.readAllParams(), evals: await trainer.evaluate() };
  } finally {
    trainer.dispose();
  }
}

describe('cross-validated members on a qple-encoded X', () => {
  it(`encodes to ${encoder!.width} inputs and deals every training row to one of ${K} folds of near-equal size`, () => {
    expect(encoder!.width).toBeGreaterThan(150);
    const sizes = [0, 1, 2].map((f) => rowFold.filter((x) => x === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(() => assignFolds(10, 1, 0, 'seedrandom')).toThrow(/--folds must be a whole number from 2 to 10/);
    expect(() => assignFolds(10, 11, 0, 'seedrandom')).toThrow(/not 11/);
  });

  it("the reference's weighted gradient is the fold-free columns' gradient times (their count / the batch size)", async () => {
    const cpu = new CpuMultiTrainer(starts);
    await cpu.startTraining(data, settings, own);
    for (const model of [0, 2]) {
      const got = await cpu.batchGradients(1, model);
      const batch = Int32Array.from({ length: 32 }, (_, j) => 32 + j);
      const kept = batch.filter((c) => rowFold[c] !== model);
      const { grads } = lossAndGradients(columns(data.xTrain, kept), columns(data.yTrain, kept), starts[model]);
      const want = flatten(paramLayout(starts[model].dims), grads.dW, grads.db).map((g) => (g * kept.length) / 32);
      expectClose(got, want, { atol: 1e-12, rtol: 1e-9 }, `model ${model}, batch 1`);
    }
    // Its losses: the training MSE over the other folds, the validation MSE over its own.
    const evals = await cpu.evaluate();
    const params = await cpu.readAllParams();
    const out = feedForward(data.xTrain, params[1]).yOut;
    const weights = Float32Array.from(rowFold, (f) => (f === 1 ? 0 : 1));
    expect(evals[1].valLoss).toBeCloseTo(foldLosses(out, data.yTrain, weights).valLoss, 12);
    cpu.dispose();
  });

  it("a model's own fold cannot move it: new targets there leave it exactly as it was, and move the others", async () => {
    const yMoved = matrix(
      1,
      data.yTrain.cols,
      data.yTrain.data.map((y, j) => (rowFold[j] === 0 ? 1 - y : y)),
    );
    const a = await twoEpochs(new CpuMultiTrainer(starts));
    const b = await twoEpochs(new CpuMultiTrainer(starts), { ...data, yTrain: yMoved });
    expect(Array.from(flat(b.params[0]))).toEqual(Array.from(flat(a.params[0])));
    expect(Array.from(flat(b.params[1]))).not.toEqual(Array.from(flat(a.params[1])));
  });

  const reference = twoEpochs(new CpuMultiTrainer(starts));
  const compare = async (got: Awaited<typeof reference>, who: string) => {
    const want = await reference;
    for (let i = 0; i < K; i++) {
      expectClose(flat(got.params[i]), flat(want.params[i]), { atol: 3e-5, rtol: 3e-4 }, `${who}: model ${i} against the reference`);
      for (const key of ['trainLoss', 'valLoss', 'testLoss'] as const) {
        expect(Math.abs(got.evals[i][key] - want.evals[i][key]), `${who}: model ${i} ${key}`).toBeLessThan(2e-4 * want.evals[i][key] + 1e-6);
      }
    }
    expect(want.evals[0].valLoss).not.toBe(want.evals[1].valLoss);
  };

  it('the fast trainers in this thread give the reference', async () => compare(await twoEpochs(await createFastMultiTrainer(starts)), 'fast'));
  it('the fast trainers in two workers give the reference', async () => compare(await twoEpochs(await createFastMultiTrainer(starts, { pool })), 'pool'));
  testWithDevice("the GPU's fused trainer gives the reference, every model in the same dispatches", async (ctx) => {
    await compare(await twoEpochs(createGpuMultiTrainer(ctx, starts, 'fused')), 'gpu');
  });
});
