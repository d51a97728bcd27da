// The fast CPU trainer: the reference trainer's batch plan, shuffle and update rules, on the float32 kernels.
import { batchPlan, type BatchPlan, batchRange, EpochShuffler } from '../model/batches.ts';
import { type Matrix, toFloat32 } from '../model/matrix.ts';
import type { Params } from '../model/params.ts';
import type { Evaluation, StepSettings, TrainableBackend, TrainingData } from '../model/trainable.ts';
import { checkParams } from '../model/validate.ts';
import { FastBackend, type FastBackendOptions, forwardAll } from './backend.ts';
import { createKernels } from './kernels.ts';
import { FastNetwork } from './network.ts';
import { FlatOptimizer } from '../model/flat-optimizer.ts';
import { foldLosses, rowWeights } from '../model/folds.ts';

/** TrainingData with the optional validation rows (a newer field of the contract; absent means none). */
type RunData = TrainingData & { readonly xVal?: Matrix; readonly yVal?: Matrix };

interface Run {
  readonly data: RunData;
  readonly plan: BatchPlan;
  readonly shuffler: EpochShuffler;
  readonly optimizer: FlatOptimizer<Float32Array>;
  readonly best: Float32Array;
  /** 0 on the model's own fold (model/folds.ts), else 1; undefined without folds. */
  readonly weights?: Float32Array;
}

/** The fast backend, able to train: every mini-batch is a chunked forward and backward, then one update. */
export class FastTrainer extends FastBackend implements TrainableBackend {
  private run?: Run;

  async startTraining(data: TrainingData, settings: StepSettings): Promise<void> {
    this.live();
    // float32 copies once per run, so every gather reads float32 (the data the GPU trainer uploads).
    const f32 = (x: Matrix): Matrix<Float32Array> => toFloat32(x);
    const { xVal, yVal } = data as RunData;
    const copy: RunData = {
      xTrain: f32(data.xTrain),
      yTrain: f32(data.yTrain),
      xTest: f32(data.xTest),
      yTest: f32(data.yTest),
      ...(xVal && yVal ? { xVal: f32(xVal), yVal: f32(yVal) } : {}),
    };
    const m = copy.xTrain.cols;
    this.run = {
      data: copy,
      plan: batchPlan(m, settings),
      shuffler: new EpochShuffler(m, settings),
      optimizer: new FlatOptimizer(settings.optimizer, this.net.layout.size, Float32Array),
      best: this.net.theta().slice(),
      weights: rowWeights(data, settings),
    };
  }

  async trainEpoch(): Promise<void> {
    const run = this.requireRun();
    const order = run.shuffler.next();
    for (let b = 0; b < run.plan.count; b++) {
      this.batchGradient(order, b);
      run.optimizer.step(this.net.theta(), this.net.grad());
    }
  }

  /** Draws the epoch's order without training: a model that sits an epoch out stays on the others' shuffle. */
  async skipEpoch(): Promise<void> {
    this.requireRun().shuffler.next();
  }

  async evaluate(): Promise<Evaluation> {
    const { data, weights } = this.requireRun();
    const train = forwardAll(this.net, data.xTrain, false).out;
    let live = 0;
    for (const v of train.data) if (v > 0) live++;
    const loss = (X?: Matrix, Y?: Matrix): number => (X && Y && X.cols > 0 ? mse(forwardAll(this.net, X, false).out, Y) : Number.NaN);
    // Built first and returned as a value, so it fits the contract with and without valLoss.
    // With a fold, the training set holds both: the rows it trains on, and its own fold (its validation rows).
    const losses = weights ? foldLosses(train, data.yTrain, weights) : { trainLoss: mse(train, data.yTrain), valLoss: loss(data.xVal, data.yVal) };
    const evaluation = { ...losses, testLoss: loss(data.xTest, data.yTest), liveOutputs: live };
    return evaluation;
  }

  async saveBest(): Promise<void> {
    this.requireRun().best.set(this.net.theta());
  }

  async restoreBest(): Promise<void> {
    this.net.theta().set(this.requireRun().best);
  }

  async batchGradients(batch: number): Promise<Float64Array> {
    const run = this.requireRun();
    this.batchGradient(
      Int32Array.from({ length: run.plan.m }, (_, i) => i),
      batch,
    );
    return Float64Array.from(this.net.grad());
  }

  async readParams(): Promise<Params> {
    this.live();
    return this.net.params();
  }

  /** The gradient of mini-batch `batch` of `order`, accumulated chunk by chunk into the network's gradient. */
  private batchGradient(order: ArrayLike<number>, batch: number): void {
    const run = this.requireRun();
    const { start, count } = batchRange(run.plan, batch);
    this.net.clearGrad();
    for (let c0 = 0; c0 < count; c0 += this.net.chunk) {
      const cols = Math.min(this.net.chunk, count - c0);
      this.net.load(run.data.xTrain, run.data.yTrain, start + c0, cols, order);
      this.net.forward(cols, true);
      const w = run.weights && Float32Array.from({ length: cols }, (_, j) => run.weights![order[start + c0 + j]]);
      this.net.backward(cols, 1 / count, w);
    }
  }

  private requireRun(): Run {
    this.live();
    if (!this.run) throw new Error('startTraining must be called before training.');
    return this.run;
  }
}

/** MSE as the reference's mseLoss computes it: the float64 sum of squares over every output, divided by m. */
function mse(yOut: Matrix, Y: Matrix): number {
  let sum = 0;
  for (let i = 0; i < Y.data.length; i++) {
    const d = yOut.data[i] - Y.data[i];
    sum += d * d;
  }
  return sum / Y.cols;
}

/** A fast CPU trainer starting from `params` (checked first). */
export async function createFastTrainer(params: Params, options: FastBackendOptions = {}): Promise<FastTrainer> {
  checkParams(params);
  return new FastTrainer(await createKernels(FastNetwork.floatsFor(params.dims), options.build), params);
}
