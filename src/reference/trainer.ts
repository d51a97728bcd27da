// The CPU reference trainer: float64 forward, backward and update, behind the same TrainableBackend as the GPU.
import { lossAndGradients } from './backward.ts';
import { CpuBackend } from './backend.ts';
import { feedForward } from './forward.ts';
import { mseLoss } from './loss.ts';
import { FlatOptimizer } from '../model/flat-optimizer.ts';
import { type Matrix, matrix } from '../model/matrix.ts';
import type { Params } from '../model/params.ts';
import { type Evaluation, type StepSettings, type TrainableBackend, type TrainingData } from '../model/trainable.ts';
import { flatten, type ParamLayout, paramLayout, unflatten } from '../model/flat-layout.ts';
import { batchPlan, type BatchPlan, batchRange, EpochShuffler } from '../model/batches.ts';
import { foldLosses, rowWeights } from '../model/folds.ts';

/** Columns `order[start..start+count)` of `src` as a new float64 matrix (a mini-batch). */
export function gatherColumns(src: Matrix, order: ArrayLike<number>, start: number, count: number): Matrix<Float64Array> {
  const out = new Float64Array(src.rows * count);
  for (let r = 0; r < src.rows; r++) {
    for (let j = 0; j < count; j++) out[r * count + j] = src.data[r * src.cols + order[start + j]];
  }
  return matrix(src.rows, count, out);
}

/** The CPU reference, able to train: each step runs feedForward, backward and one float64 FlatOptimizer update. */
export class CpuTrainer extends CpuBackend implements TrainableBackend {
  private layout: ParamLayout;
  private run?: {
    data: TrainingData;
    plan: BatchPlan;
    shuffler: EpochShuffler;
    optimizer: FlatOptimizer<Float64Array>;
    theta: Float64Array;
    best: Float64Array;
    /** 0 on the model's own fold (folds.ts), else 1; undefined without folds. */
    weights?: Float32Array;
  };

  constructor(params: Params) {
    super(params);
    this.layout = paramLayout(params.dims);
  }

  async startTraining(data: TrainingData, settings: StepSettings): Promise<void> {
    const p = this.getParams();
    this.layout = paramLayout(p.dims);
    const theta = flatten(this.layout, p.W, p.b);
    this.run = {
      data,
      plan: batchPlan(data.xTrain.cols, settings),
      shuffler: new EpochShuffler(data.xTrain.cols, settings),
      optimizer: new FlatOptimizer(settings.optimizer, this.layout.size, Float64Array),
      theta,
      best: theta.slice(),
      weights: rowWeights(data, settings),
    };
  }

  async trainEpoch(): Promise<void> {
    const run = this.requireRun();
    const order = run.shuffler.next();
    for (let b = 0; b < run.plan.count; b++) {
      const grad = this.gradientsAt(order, b);
      run.optimizer.step(run.theta, grad);
    }
    await this.setParams(unflatten(this.layout, run.theta));
  }

  /** Draws the next epoch's order without training on it (a stopped model in a batch of models keeps in step). */
  async skipEpoch(): Promise<void> {
    this.requireRun().shuffler.next();
  }

  async evaluate(): Promise<Evaluation> {
    const { data, weights } = this.requireRun();
    const params = this.getParams();
    const train = feedForward(data.xTrain, params).yOut;
    let live = 0;
    for (const v of train.data) if (v > 0) live++;
    const lossOn = (X: Matrix | undefined, Y: Matrix | undefined) => (X && Y && X.cols > 0 ? mseLoss(feedForward(X, params).yOut, Y) : Number.NaN);
    // With a fold, the training set holds both: the rows it trains on, and its own fold (its validation rows).
    const losses = weights ? foldLosses(train, data.yTrain, weights) : { trainLoss: mseLoss(train, data.yTrain), valLoss: lossOn(data.xVal, data.yVal) };
    return { ...losses, testLoss: lossOn(data.xTest, data.yTest), liveOutputs: live };
  }

  async saveBest(): Promise<void> {
    const run = this.requireRun();
    run.best.set(run.theta);
  }

  async restoreBest(): Promise<void> {
    const run = this.requireRun();
    run.theta.set(run.best);
    await this.setParams(unflatten(this.layout, run.theta));
  }

  async batchGradients(batch: number): Promise<Float64Array> {
    const run = this.requireRun();
    return this.gradientsAt(
      Int32Array.from({ length: run.plan.m }, (_, i) => i),
      batch,
    );
  }

  async readParams(): Promise<Params> {
    return this.getParams();
  }

  private gradientsAt(order: ArrayLike<number>, batch: number): Float64Array {
    const run = this.requireRun();
    const { start, count } = batchRange(run.plan, batch);
    const X = gatherColumns(run.data.xTrain, order, start, count);
    const Y = gatherColumns(run.data.yTrain, order, start, count);
    const w = run.weights && Float32Array.from({ length: count }, (_, j) => run.weights![order[start + j]]);
    const { grads } = lossAndGradients(X, Y, unflatten(this.layout, run.theta), w);
    return flatten(this.layout, grads.dW, grads.db);
  }

  private requireRun(): NonNullable<CpuTrainer['run']> {
    if (!this.run) throw new Error('startTraining must be called before training.');
    return this.run;
  }
}

/** A CPU trainer starting from `params`. */
export function createCpuTrainer(params: Params): CpuTrainer {
  return new CpuTrainer(params);
}
