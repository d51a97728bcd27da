// One training run from a prepared Dataset to a model: He init, the loop, and metrics in popularity points.
// The CLI's `train` and the demo page both call this, each with its own backend and progress display.
import { initialization } from '../reference/init.ts';
import { defaultLearningRate, OPTIMIZER_DEFAULTS } from '../model/optimizer.ts';
import { type ScalerParams, unscaleY } from '../model/scaler.ts';
import type { Matrix } from '../model/matrix.ts';
import { NOTEBOOK_DIMS, type Params } from '../model/params.ts';
import type { OptimizerKind } from '../model/optimizer.ts';
import type { StepSettings, TrainableBackend, TrainingData } from '../model/trainable.ts';
import type { RngKind } from '../rng/index.ts';
import { deadOutputRemedy, type EpochReport, type LoopOutcome, trainLoop } from './loop.ts';
import { compareWithBaseline, mean, type MetricsReport } from './metrics.ts';
import { carveValidation, DEFAULT_VALIDATION } from './validation.ts';
import { encodeData } from './encoded-data.ts';
import { NOTEBOOK_ENCODING } from '../data/encoding-spec.ts';
import type { Encoder } from '../model/encoding.ts';
import { UserError } from '../errors.ts';

/** Every setting of a run; {@link TRAIN_DEFAULTS} gives a good model on the built-in synthetic data untuned. */
export interface TrainConfig {
  readonly epochs: number;
  /** Learning rate; undefined picks {@link defaultLearningRate} for the optimizer. */
  readonly lr?: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerKind;
  /** Seed of the He init and of the per-epoch shuffle. */
  readonly seed: number;
  readonly rng: RngKind;
  /** Early-stopping patience in epochs (0: off). */
  readonly patience: number;
  /** How the output layer starts; see {@link OutputInit}. */
  readonly outputInit: OutputInit;
  /** When set, every output bias b_L starts at this value (after `outputInit`), e.g. 0.1 against a dead output. */
  readonly outputBias?: number;
  /**
   * Share of the training rows held out (seeded) for validation, which early stopping watches; default 0.1, 0 for
   * none (then the training loss decides). The test rows never decide anything.
   */
  readonly validation?: number;
  /**
   * The feature encoding (see data/encoding-spec.ts), fitted on the training rows; `notebook` (the default here) is
   * the notebook's 13 min-max scaled features as they are.
   */
  readonly encoding?: string;
}

/**
 * `he`: the notebook's init everywhere (b_L = 0). `mean`: the same, but W_L scaled by {@link OUTPUT_WEIGHT_SCALE}
 * and b_L set to the mean scaled training target, so the network starts by predicting the mean. On data where
 * most targets are near 0 (old tracks have popularity 0), the He output starts far off, the first steps push
 * every output below 0, and the output ReLU dies; starting at the mean keeps the residuals balanced.
 */
export type OutputInit = 'mean' | 'he';

/** The names accepted for `--output-init`. */
export const OUTPUT_INITS: readonly OutputInit[] = ['mean', 'he'];

/** The factor on the He-initialized W_L under `outputInit: 'mean'`. */
export const OUTPUT_WEIGHT_SCALE = 0.1;

/**
 * The defaults: Adam (lr 0.002) on mini-batches of 128, at most 40 epochs, patience 8, the notebook's seed, and the
 * output layer started at the mean. They reach held-out R² ≈ 0.93 on the built-in synthetic data and keep the
 * output alive on the real tracks.csv head, where the notebook's init with a larger rate lets it die in epoch 1.
 */
export const TRAIN_DEFAULTS: TrainConfig = {
  epochs: 40,
  batchSize: 128,
  optimizer: 'adam',
  seed: 42,
  rng: 'seedrandom',
  patience: 8,
  outputInit: 'mean',
};

/** What {@link trainModel} needs of the data: the scaled matrices and the scaler that undoes the target's scaling. */
export interface ScaledData extends TrainingData {
  readonly scaler: ScalerParams;
}

/** The outcome of a run: the trained parameters, the loop's history and the final metrics. */
export interface TrainedModel {
  readonly params: Params;
  /** The encoder the network's input went through (save it with the model); none for the notebook's pipeline. */
  readonly encoder?: Encoder;
  readonly outcome: LoopOutcome;
  /**
   * Metrics in popularity points, each against the mean baseline: on the test set (reported only), on the
   * validation rows (which chose the epoch; null without them) and on the rows the model was fitted on.
   */
  readonly metrics: { readonly test: MetricsReport; readonly validation: MetricsReport | null; readonly train: MetricsReport };
  readonly settings: StepSettings & {
    readonly epochs: number;
    readonly patience: number;
    readonly outputInit: OutputInit;
    readonly outputBias: number | null;
    readonly validation: number;
    readonly encoding: string;
  };
}

/** Options of {@link trainModel}. */
export interface TrainModelOptions {
  readonly onEpoch?: (report: EpochReport) => void;
  readonly signal?: AbortSignal;
  /** Awaited before each epoch (see LoopOptions.beforeEpoch). */
  readonly beforeEpoch?: () => Promise<void>;
  /** Parameters to start from instead of the He init (e.g. to continue a run). */
  readonly initial?: Params;
}

/** The step settings a config implies (the learning rate filled in). */
export function stepSettingsOf(config: TrainConfig): StepSettings {
  return {
    optimizer: { ...OPTIMIZER_DEFAULTS, kind: config.optimizer, lr: config.lr ?? defaultLearningRate(config.optimizer) },
    batchSize: config.batchSize,
    seed: config.seed,
    rng: config.rng,
  };
}

/**
 * Encodes the data as `config.encoding` says, initializes the notebook's network on that input width (13-64-32-16-1
 * for the notebook's pipeline), opens a trainer on it with `open`, trains, and measures the result. The trainer is
 * disposed before returning, also on failure.
 */
export async function trainModel(
  open: (params: Params) => Promise<TrainableBackend>,
  scaled: ScaledData,
  config: TrainConfig,
  options: TrainModelOptions = {},
): Promise<TrainedModel> {
  const validation = config.validation ?? DEFAULT_VALIDATION;
  const encoding = config.encoding ?? NOTEBOOK_ENCODING;
  const { data, encoder } = encodeData(scaled, encoding);
  const split = carveValidation(data, validation, config.seed, config.rng);
  const params = options.initial ?? startingParams(config, split.yTrain, data.xTrain.rows);
  if (params.dims[0] !== data.xTrain.rows) {
    throw new UserError(
      `The starting model takes ${params.dims[0]} inputs but the encoding '${encoding}' gives ${data.xTrain.rows}; start from a model of the same encoding.`,
    );
  }
  const settings = stepSettingsOf(config);
  const trainer = await open(params);
  try {
    const outcome = await trainLoop(trainer, split, settings, {
      epochs: config.epochs,
      patience: config.patience,
      onEpoch: options.onEpoch,
      signal: options.signal,
      beforeEpoch: options.beforeEpoch,
      deadOutputRemedy: deadOutputRemedy(config.outputInit),
    });
    const trained = await trainer.readParams();
    const baselineValue = mean(unscaleY(split.yTrain.data, data.scaler));
    const measure = async (X: Matrix, Y: Matrix): Promise<MetricsReport> => {
      const out = X.cols > 0 ? (await trainer.forward(X)).out.data : new Float64Array(0);
      return compareWithBaseline(unscaleY(out, data.scaler), unscaleY(Y.data, data.scaler), baselineValue);
    };
    return {
      params: trained,
      ...(encoder ? { encoder } : {}),
      outcome,
      metrics: {
        test: await measure(data.xTest, data.yTest),
        validation: split.xVal.cols > 0 ? await measure(split.xVal, split.yVal) : null,
        train: await measure(split.xTrain, split.yTrain),
      },
      settings: {
        ...settings,
        epochs: config.epochs,
        patience: config.patience,
        outputInit: config.outputInit,
        outputBias: config.outputBias ?? null,
        validation,
        encoding,
      },
    };
  } finally {
    trainer.dispose();
  }
}

/**
 * The He init of the notebook's network on `inputs` inputs (13 for the notebook's pipeline, the encoder's width
 * otherwise), with the output layer started as `config.outputInit` and `outputBias` say.
 */
export function startingParams(config: TrainConfig, yTrain: Matrix, inputs = NOTEBOOK_DIMS[0]): Params {
  const params = initialization([inputs, ...NOTEBOOK_DIMS.slice(1)], { seed: config.seed, rng: config.rng });
  const last = params.W.length - 1;
  if (config.outputInit === 'mean') {
    const W = params.W[last].data;
    for (let i = 0; i < W.length; i++) W[i] *= OUTPUT_WEIGHT_SCALE;
    params.b[last].fill(mean(yTrain.data));
  }
  if (config.outputBias !== undefined) params.b[last].fill(config.outputBias);
  return params;
}
