// The training contract shared by the CPU reference and the GPU: how a run walks the data, and the trainer interface.
import type { MlpBackend } from './backend.ts';
import type { Matrix } from './matrix.ts';
import type { OptimizerSettings } from './optimizer.ts';
import type { Params } from './params.ts';
import type { RngKind } from '../rng/index.ts';

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
  /** The flat gradient (see paramLayout in flat-layout.ts) of mini-batch `batch` of the unshuffled training set; for tests. */
  batchGradients(batch: number): Promise<Float64Array>;
  /** The current parameters (read back from the device on the GPU). */
  readParams(): Promise<Params>;
}

/** Type guard: whether a backend can train. */
export function isTrainable(backend: MlpBackend): backend is TrainableBackend {
  return typeof (backend as Partial<TrainableBackend>).trainEpoch === 'function';
}
