// The training contract shared by the CPU reference and the GPU: settings, the flat parameter layout and the backend.
import type { MlpBackend } from './backend.ts';
import type { Matrix } from './matrix.ts';
import { matrix } from './matrix.ts';
import type { Params } from './params.ts';
import type { RngKind } from '../rng/index.ts';

/** The update rules: `gd` is the notebook's full-batch gradient descent, `sgd` the same on mini-batches. */
export type OptimizerKind = 'adam' | 'sgd' | 'momentum' | 'gd';

/** The names accepted for `--optimizer`. */
export const OPTIMIZER_KINDS: readonly OptimizerKind[] = ['adam', 'sgd', 'momentum', 'gd'];

/** Hyper-parameters of the update rule. The GPU kernels and the CPU reference use the same formulas. */
export interface OptimizerSettings {
  readonly kind: OptimizerKind;
  /** Learning rate. */
  readonly lr: number;
  /** Momentum coefficient μ of `momentum`: v = μ·v + g, θ −= lr·v. */
  readonly momentum: number;
  /** Adam's decay of the first moment. */
  readonly beta1: number;
  /** Adam's decay of the second moment. */
  readonly beta2: number;
  /** Adam's ε, added to √v̂. */
  readonly epsilon: number;
}

/** How one training run walks the data. */
export interface StepSettings {
  readonly optimizer: OptimizerSettings;
  /** Examples per mini-batch; `gd` uses the whole training set whatever this says. */
  readonly batchSize: number;
  /** Seed of the per-epoch shuffling. */
  readonly seed: number;
  /** Engine of the per-epoch shuffling. */
  readonly rng: RngKind;
}

/** The scaled data of one run, in the notebook's (features, m) layout. */
export interface TrainingData {
  readonly xTrain: Matrix;
  readonly yTrain: Matrix;
  readonly xTest: Matrix;
  readonly yTest: Matrix;
}

/** MSE on the scaled target over the training and the test set, and how many outputs were positive. */
export interface Evaluation {
  readonly trainLoss: number;
  readonly testLoss: number;
  /** Count of training outputs A_L > 0; zero means the output ReLU is dead for every example. */
  readonly liveOutputs: number;
}

/**
 * An MLP that can also be trained. Data is uploaded once per run; `trainEpoch` and `evaluate` read back
 * scalars only, and parameters come back only when `readParams` is called.
 */
export interface TrainableBackend extends MlpBackend {
  /** Uploads the data and resets the optimizer state; the next epoch is epoch 1. */
  startTraining(data: TrainingData, settings: StepSettings): Promise<void>;
  /** One pass over the training set in a freshly shuffled order, one optimizer step per mini-batch. */
  trainEpoch(): Promise<void>;
  /** The losses of the current parameters on the whole training and test sets. */
  evaluate(): Promise<Evaluation>;
  /** Remembers the current parameters (on the device) as the best so far. */
  saveBest(): Promise<void>;
  /** Puts the parameters saved by `saveBest` back. */
  restoreBest(): Promise<void>;
  /** The flat gradient (see {@link paramLayout}) of mini-batch `batch` of the unshuffled training set; for tests. */
  batchGradients(batch: number): Promise<Float64Array>;
  /** The current parameters (read back from the device on the GPU). */
  readParams(): Promise<Params>;
}

/** Where W_l and b_l sit in the flat vector of all parameters (and of all gradients and optimizer state). */
export interface ParamLayout {
  readonly dims: readonly number[];
  /** Offset of W_l (row-major) at index l-1. */
  readonly wOffset: readonly number[];
  /** Offset of b_l at index l-1. */
  readonly bOffset: readonly number[];
  /** Length of the flat vector, padding included. */
  readonly size: number;
}

/** Every tensor starts on a 64-float (256-byte) boundary, WebGPU's storage-binding offset alignment. */
export const PARAM_ALIGN = 64;

/** The flat layout W1, b1, W2, b2, …; padding between tensors stays zero under every update rule. */
export function paramLayout(dims: readonly number[]): ParamLayout {
  const wOffset: number[] = [];
  const bOffset: number[] = [];
  let at = 0;
  const align = (n: number): number => Math.ceil(n / PARAM_ALIGN) * PARAM_ALIGN;
  for (let l = 1; l < dims.length; l++) {
    wOffset.push(at);
    at = align(at + dims[l] * dims[l - 1]);
    bOffset.push(at);
    at = align(at + dims[l]);
  }
  return { dims: [...dims], wOffset, bOffset, size: at };
}

/** Writes W and b (or dW and db) into one flat vector of `layout.size` values. */
export function flatten(layout: ParamLayout, W: readonly Matrix[], b: readonly ArrayLike<number>[]): Float64Array {
  const flat = new Float64Array(layout.size);
  for (let l = 0; l < W.length; l++) {
    flat.set(W[l].data, layout.wOffset[l]);
    flat.set(b[l], layout.bOffset[l]);
  }
  return flat;
}

/** Reads parameters back out of a flat vector (float32 from the GPU or float64 on the CPU). */
export function unflatten(layout: ParamLayout, flat: ArrayLike<number>): Params {
  const { dims } = layout;
  const values = Float64Array.from(flat);
  const W = [];
  const b = [];
  for (let l = 1; l < dims.length; l++) {
    const w = values.slice(layout.wOffset[l - 1], layout.wOffset[l - 1] + dims[l] * dims[l - 1]);
    W.push(matrix(dims[l], dims[l - 1], w));
    b.push(values.slice(layout.bOffset[l - 1], layout.bOffset[l - 1] + dims[l]));
  }
  return { dims: [...dims], W, b };
}

/** Type guard: whether a backend can train. */
export function isTrainable(backend: MlpBackend): backend is TrainableBackend {
  return typeof (backend as Partial<TrainableBackend>).trainEpoch === 'function';
}
