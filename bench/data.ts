// The benchmark's inputs: the notebook's He-initialized weights (seed 42) and uniform X, identical in the page and in Node.
import { initialization } from '../src/reference/init.ts';
import { matrix } from '../src/model/matrix.ts';
import { forwardFlops, NOTEBOOK_DIMS } from '../src/model/params.ts';
import { createRng } from '../src/rng/index.ts';
import { defaultLearningRate, OPTIMIZER_DEFAULTS } from '../src/model/optimizer.ts';
import { TRAIN_DEFAULTS } from '../src/train/train-model.ts';
import type { StepSettings } from '../src/model/trainable.ts';
import type { BenchData, Op, TrainSettings } from './types.ts';

/** The sizes of a full run and of `--quick`. */
export const FULL_SIZES: readonly number[] = [100, 1_000, 24_000, 100_000, 600_000];
export const QUICK_SIZES: readonly number[] = [100, 1_000, 24_000];

/** Training settings: plain gradient descent for the step; the epoch uses the trainer's defaults (Adam, its lr and batch size). */
export const TRAIN: TrainSettings = { sgdLearningRate: 0.01, adamLearningRate: defaultLearningRate('adam'), batchSize: TRAIN_DEFAULTS.batchSize };

/** train-step as a TrainableBackend runs it (one full-batch `gd` epoch), and epoch as mini-batch Adam. */
export function stepSettings(op: Op, train: TrainSettings): StepSettings {
  const kind = op === 'train-step' ? 'gd' : 'adam';
  const lr = kind === 'gd' ? train.sgdLearningRate : train.adamLearningRate;
  return { optimizer: { ...OPTIMIZER_DEFAULTS, kind, lr }, batchSize: train.batchSize, seed: 1, rng: 'seedrandom' };
}

/**
 * The notebook's sample, grown to m columns: `np.random.seed(42)`, `Initialization(13, 64, 32, 16, 1)`, then
 * `np.random.rand(13, m)` from the same stream (for m = 100 this is the notebook's X_sample), then `rand(1, m)`
 * as the training targets.
 */
export function makeBenchData(m: number): BenchData {
  const gen = createRng('numpy', 42);
  const params = initialization(NOTEBOOK_DIMS, { generator: gen });
  const n0 = NOTEBOOK_DIMS[0];
  const x = new Float32Array(n0 * m);
  for (let i = 0; i < x.length; i++) x[i] = gen.uniform();
  const y = new Float32Array(m);
  for (let i = 0; i < m; i++) y[i] = gen.uniform();
  const Xrows = new Float32Array(n0 * m);
  for (let r = 0; r < n0; r++) for (let c = 0; c < m; c++) Xrows[c * n0 + r] = x[r * m + c];
  return { params, X: matrix(n0, m, x), Xrows, Y: matrix(1, m, y), m };
}

/** GFLOP/s of one run: 2·m·Σ n_in·n_out per forward pass, three times that for a training pass over m examples. */
export function gflopsOf(op: Op, m: number, ms: number): number {
  const flops = forwardFlops(NOTEBOOK_DIMS, m) * (op === 'train-step' || op === 'epoch' ? 3 : 1);
  return flops / (ms * 1e6);
}
