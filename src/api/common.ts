// The public API's platform-free half: models, forward, training, data preparation, the model file and predictions.
// src/index.ts (Node) and src/browser.ts (pages) re-export it beside their own openRuntime and CSV readers.
import { initialization } from '../reference/init.ts';
import { type CleanTable, type Dataset, gatherFeatures, type PrepareOptions, prepareDataset, scaleX, syntheticDataset } from '../data/index.ts';
import { UserError } from '../errors.ts';
import type { ForwardResult } from '../model/backend.ts';
import { type Matrix, matrix } from '../model/matrix.ts';
import { type ModelExtras, type ModelFile, parseModel } from '../model/model-file.ts';
import { serializeModel } from '../model/model-writer.ts';
import { NOTEBOOK_DIMS, type Params } from '../model/params.ts';
import type { RngKind } from '../rng/index.ts';
import { modelBackend, type Runtime } from '../runtime/runtime.ts';
import type { EpochReport } from '../train/loop.ts';
import { assertFinitePredictions, checkModelFeatures, predictionsCsv, predictPoints } from '../train/predictions.ts';
import { type OutputInit, type TrainConfig, TRAIN_DEFAULTS, type TrainedModel, trainModel } from '../train/train-model.ts';

/** `adam` (default), `momentum`, `sgd`, or full-batch `gd`. */
export type OptimizerKind = TrainConfig['optimizer'];

/** Options of {@link createModel}. */
export interface CreateModelOptions {
  /** Layer widths, input first (default the notebook's `[13, 64, 32, 16, 1]`). */
  readonly dims?: readonly number[];
  /** Seed of the He init (default 42, the notebook's). */
  readonly seed?: number;
  /** `numpy` gives `np.random.seed(seed); np.random.randn(…)` bit for bit; `seedrandom` is the default. */
  readonly rng?: RngKind;
}

/**
 * A freshly initialized network (He init, b = 0), in the notebook's shapes: `W[l]` is (dims[l+1], dims[l]).
 * With `{ rng: 'numpy', seed: 42 }` the weights equal the notebook's `Initialization(13, 64, 32, 16, 1)`.
 */
export function createModel(options: CreateModelOptions = {}): Params {
  return initialization(options.dims ?? NOTEBOOK_DIMS, { seed: options.seed ?? 42, rng: options.rng ?? 'seedrandom' });
}

/** Options of {@link forward}. */
export interface ForwardPassOptions {
  /** Also read back the notebook's cache `[Z1, A1, …, ZL, AL]`. */
  readonly cache?: boolean;
}

/**
 * Runs the network on X, shape (dims[0], m), one column per example, on the runtime's device (float32 on the
 * GPU, float64 on the CPU reference). The backend is created for this call and disposed after it; keep one
 * with `runtime.backend(params)` to run many passes with the same weights (the first pass compiles pipelines).
 */
export async function forward(runtime: Runtime, params: Params, X: Matrix, options: ForwardPassOptions = {}): Promise<ForwardResult> {
  const backend = await runtime.backend(params);
  try {
    return await backend.forward(X, { cache: options.cache ?? false });
  } finally {
    backend.dispose();
  }
}

/** Options of {@link train}; every setting defaults to the CLI's (Adam, lr 0.002, batch 128, 40 epochs, patience 8). */
export interface TrainOptions {
  readonly epochs?: number;
  /** Learning rate (default per optimizer). */
  readonly lr?: number;
  readonly batchSize?: number;
  readonly optimizer?: OptimizerKind;
  /** Seed of the init and of the per-epoch shuffle. */
  readonly seed?: number;
  readonly rng?: RngKind;
  /** Early-stopping patience in epochs (0: off). */
  readonly patience?: number;
  /** `mean` (default) starts the output at the mean target; `he` is the notebook's init exactly. */
  readonly outputInit?: OutputInit;
  /**
   * The feature encoding, fitted on the training rows: `notebook` (default, the 13 min-max scaled features), `qple`
   * (the sweep's recipe), or parts such as `quantile+ple:16@continuous`. The result's `encoder` goes into the model
   * file with `saveModel(params, { scaler, encoder })`, and `predictTable` applies it.
   */
  readonly encoding?: string;
  /** Start from these parameters instead of a fresh init. */
  readonly initial?: Params;
  /** Called once for epoch 0 (the untrained network), then after every epoch. */
  readonly onEpoch?: (report: EpochReport) => void;
  /** Stops the run between epochs; the best parameters so far are returned. */
  readonly signal?: AbortSignal;
}

/**
 * What {@link train} returns: the trained parameters, the run's history and metrics, the data's scaler, and the
 * encoder when the run used one.
 */
export interface TrainResult extends TrainedModel {
  /** The scaler the data was prepared with; save it with the model so raw rows can be scored later. */
  readonly scaler: Dataset['scaler'];
}

/**
 * Trains the network on a prepared {@link Dataset} (from `prepareCsv` or {@link syntheticData}) on the runtime's
 * device, with early stopping on the test loss; returns the best parameters and RMSE/MAE/R² in popularity points.
 */
export async function train(runtime: Runtime, data: Dataset, options: TrainOptions = {}): Promise<TrainResult> {
  const { onEpoch, signal, initial, ...settings } = options;
  const config = { ...TRAIN_DEFAULTS, ...Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined)) };
  const trained = await trainModel((p) => runtime.trainer(p), data, config, { onEpoch, signal, initial });
  return { ...trained, scaler: data.scaler };
}

/** Options of {@link syntheticData}: the rows to draw, and the preparation (sample, split) settings. */
export interface SyntheticDataOptions extends PrepareOptions {
  /** Rows of synthetic tracks to draw (default 12,000). */
  readonly rows?: number;
}

/**
 * The built-in synthetic tracks (the real columns and ranges, popularity a smooth function of them plus noise),
 * prepared like a CSV: scaled to [0, 1] and split into train and test sets.
 */
export function syntheticData(options: SyntheticDataOptions = {}): Dataset {
  const { rows, ...prepare } = options;
  return prepareDataset(syntheticDataset({ rows, seed: prepare.seed, rng: prepare.rng }), prepare);
}

/** Prepares an already parsed table (the CSV readers call this): sample, min-max scale, split. */
export function prepareTable(table: CleanTable, options: PrepareOptions = {}): Dataset {
  return prepareDataset(table, options);
}

/** The model file as JSON text (`{"format":"spotify-mlp","version":1,…}`), with the scaler and training record when given. */
export function saveModel(params: Params, extras: ModelExtras = {}): string {
  return serializeModel(params, extras);
}

/** Parses and validates model JSON text (the CLI's format); a malformed file throws one sentence. */
export function loadModel(text: string): ModelFile {
  return parseModel(text);
}

/** What {@link predictTable} returns: one entry per scored row, and the CLI's `preds.csv` for every input row. */
export interface Predictions {
  /** Predicted popularity (points, 0–100 scale) of each row that could be scored, in input order. */
  readonly popularity: Float64Array;
  /** For each entry of `popularity`, the 0-based data row of the input it belongs to. */
  readonly rowIndex: Int32Array;
  /** `id,predicted_popularity,reason`: one line per input row; rows that could not be scored say why. */
  readonly csv: string;
}

/**
 * Scores a parsed table with a model that carries its scaler (a model saved after {@link train}): its encoder, when
 * it has one, turns the scaled rows into the network's input, and an ensemble averages its members.
 */
export async function predictTable(runtime: Runtime, model: ModelFile, table: CleanTable): Promise<Predictions> {
  const scaler = checkModelFeatures(model, 'the model');
  if (table.counts.read === 0) throw new UserError(`The CSV '${table.name}' has a header but no data rows; give it at least one track to score.`);
  let popularity = new Float64Array(0);
  if (table.rows > 0) {
    const backend = await modelBackend(runtime, model);
    try {
      popularity = Float64Array.from(await predictPoints(backend, scaler, model.encoder, scaleX(gatherFeatures(table), scaler)));
    } finally {
      backend.dispose();
    }
    assertFinitePredictions(popularity, table, table.name);
  }
  return { popularity, rowIndex: table.rowIndex, csv: predictionsCsv(table, popularity) };
}

/** A (rows, cols) matrix over row-major `data`, the layout every function here takes: X is (features, m). */
export function createMatrix<T extends Float32Array | Float64Array>(rows: number, cols: number, data: T): Matrix<T> {
  return matrix(rows, cols, data);
}

/** The notebook's layer widths, `[13, 64, 32, 16, 1]`. */
export const DIMS: readonly number[] = NOTEBOOK_DIMS;

/**
 * The model (or ensemble) as ONNX bytes: `features` (N, 13) float32 raw values in, `popularity` (N, 1) out, with
 * the scaler, the encoder and the members' mean in the graph. Needs a model that carries its scaler.
 */
export { exportOnnx, ONNX_FEATURES_INPUT, ONNX_POPULARITY_OUTPUT, ONNX_OPSET, ONNX_IR_VERSION } from '../onnx/export.ts';

/**
 * Permutation importance of each feature (the RMSE growth, in points, over R seeded shuffles drawn as
 * scikit-learn's permutation_importance draws them) and a partial-dependence curve, for a model on a table's rows;
 * every shuffled copy goes through the model in one forward call.
 */
export { explainTable, type ExplainTableOptions, type TableExplanation } from '../explain/explain-table.ts';
