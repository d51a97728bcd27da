// What the CPU reference says one training run should give, for the harness's check of every trainer.
import { lossAndGradients } from '../src/reference/backward.ts';
import { feedForward } from '../src/reference/forward.ts';
import { cloneParams, type Params } from '../src/model/params.ts';
import { matrix, type Matrix, sliceCols } from '../src/model/matrix.ts';
import { CpuTrainer } from '../src/reference/trainer.ts';
import { EpochShuffler } from '../src/model/batches.ts';
import { stepSettings } from './data.ts';
import type { BenchData, TrainSettings } from './types.ts';

/** One full-batch SGD step on the MSE in float64: the loss before the step and the parameters after it. */
export function referenceSgdStep(params: Params, X: Matrix, Y: Matrix, learningRate: number): { loss: number; params: Params } {
  const { loss, grads } = lossAndGradients(X, Y, params);
  const next = cloneParams(params);
  next.W.forEach((w, l) => w.data.forEach((v, i) => (w.data[i] = v - learningRate * grads.dW[l].data[i])));
  next.b.forEach((b, l) => b.forEach((v, i) => (b[i] = v - learningRate * grads.db[l][i])));
  return { loss, params: next };
}

/** The order in which the first Adam epoch visits the examples, so peers without our shuffler can follow it. */
export function firstEpochOrder(m: number, train: TrainSettings): Int32Array {
  return new EpochShuffler(m, stepSettings('epoch', train)).next();
}

/** The parameters after one epoch of mini-batch Adam from the benchmark's start, by the CPU reference trainer. */
export async function referenceEpoch(data: BenchData, train: TrainSettings): Promise<Params> {
  const trainer = new CpuTrainer(data.params);
  const none = matrix(data.X.rows, 0, new Float64Array(0));
  await trainer.startTraining({ xTrain: data.X, yTrain: data.Y, xTest: none, yTest: matrix(1, 0, new Float64Array(0)) }, stepSettings('epoch', train));
  await trainer.trainEpoch();
  return trainer.readParams();
}

/** The MSE of `params` on the benchmark's whole training set, in float64, in blocks of columns to bound memory. */
export function trainingLoss(params: Params, data: BenchData): number {
  let sum = 0;
  for (let start = 0; start < data.m; start += 50_000) {
    const end = Math.min(data.m, start + 50_000);
    const out = feedForward(sliceCols(data.X, start, end), params).yOut.data;
    for (let j = 0; j < out.length; j++) sum += (out[j] - data.Y.data[start + j]) ** 2;
  }
  return sum / data.m;
}
