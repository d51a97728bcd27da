// The training contract shared by the CPU reference and the GPU: how a run walks the data, and the trainer interface.
import type { EnsembleBackend, MlpBackend } from './backend.ts';
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
  /** This model's own fold of `TrainingData.rowFold` (see folds.ts): weight 0 in training, its validation rows. */
  readonly fold?: number;
}

/**
 * The scaled data of one run, in the notebook's (features, m) layout. The validation rows are carved from the
 * training rows; they choose (early stopping, ranking), while the test rows are only reported.
 */
export interface TrainingData {
  readonly xTrain: Matrix;
  readonly yTrain: Matrix;
  readonly xTest: Matrix;
  readonly yTest: Matrix;
  readonly xVal?: Matrix;
  readonly yVal?: Matrix;
  /**
   * Cross-validated members (folds.ts): the fold of each training column. A model with a `fold` trains with weight
   * 0 on its fold's columns and is validated on them, so its losses come from the training set alone.
   */
  readonly rowFold?: Int32Array;
}

/** MSE on the scaled target over the training, validation and test sets, and how many outputs were positive. */
export interface Evaluation {
  readonly trainLoss: number;
  readonly testLoss: number;
  /** NaN when the data has no validation rows. */
  readonly valLoss: number;
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

/** One model's own settings in a batch of models; the rest of StepSettings is shared by all of them. */
export interface ModelSettings {
  /** Learning rate. */
  readonly lr: number;
  /** μ of `momentum` (defaults to the shared optimizer's). */
  readonly momentum?: number;
  /** Its own fold of `TrainingData.rowFold`: held out of its training, and its validation rows. */
  readonly fold?: number;
}

/**
 * K models of the same dims trained together on the same mini-batches (on the GPU in the same dispatches), each
 * from its own parameters with its own learning rate. A model that is not active in an epoch does not move.
 */
export interface MultiTrainer {
  readonly kind: MlpBackend['kind'];
  readonly description: string;
  readonly dims: readonly number[];
  /** K. */
  readonly models: number;
  /** Uploads the data once and resets every optimizer state; `models[i]` overrides model i's lr and μ. */
  startTraining(data: TrainingData, settings: StepSettings, models?: readonly ModelSettings[]): Promise<void>;
  /** One shuffled pass over the training set; only models with `active[i]` (all by default) take steps. */
  trainEpoch(active?: readonly boolean[]): Promise<void>;
  /** Each model's losses. */
  evaluate(): Promise<Evaluation[]>;
  /** Remembers the current parameters of these models as their best. */
  saveBest(models: readonly number[]): Promise<void>;
  /** Puts every model's saved best back. */
  restoreBest(): Promise<void>;
  /** Model `model`'s flat gradient of mini-batch `batch` of the unshuffled training set; for tests. */
  batchGradients(batch: number, model: number): Promise<Float64Array>;
  /** Model `model`'s current parameters. */
  readParams(model: number): Promise<Params>;
  /** Every model's current parameters, in one read from the device. */
  readAllParams(): Promise<Params[]>;
  /**
   * Optional: every model as an ensemble on the parameters the trainer already holds (no read-back, no upload),
   * valid until the trainer is disposed; null or absent where the trainer cannot offer one.
   */
  membersEnsemble?(): EnsembleBackend | null;
  dispose(): void;
}

/** One model of a K = 1 multi-trainer, as a TrainableBackend: the same code path, seen through one model. */
export function singleModel(multi: MultiTrainer, forward: MlpBackend['forward'], setParams: MlpBackend['setParams']): TrainableBackend {
  if (multi.models !== 1) throw new RangeError(`singleModel needs a trainer of one model, not ${multi.models}.`);
  return {
    kind: multi.kind,
    description: multi.description,
    dims: multi.dims,
    setParams,
    forward,
    startTraining: (data, settings) => multi.startTraining(data, settings),
    trainEpoch: () => multi.trainEpoch(),
    evaluate: async () => (await multi.evaluate())[0],
    saveBest: () => multi.saveBest([0]),
    restoreBest: () => multi.restoreBest(),
    batchGradients: (batch) => multi.batchGradients(batch, 0),
    readParams: () => multi.readParams(0),
    dispose: () => multi.dispose(),
  };
}

/** Type guard: whether a backend can train. */
export function isTrainable(backend: MlpBackend): backend is TrainableBackend {
  return typeof (backend as Partial<TrainableBackend>).trainEpoch === 'function';
}
