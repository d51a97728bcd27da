// A sweep: a grid of encodings × seeds × learning rates, each encoding's models trained at once (one trainer, the
// same mini-batches), each stopped on its own validation loss, then ranked on the validation rows, and the top N of
// the best encoding averaged into an ensemble.
// The test rows are measured for the report only: nothing here is chosen by them.
import { UserError } from '../errors.ts';
import { checkGrid } from './sweep-checks.ts';
import type { EnsembleBackend } from '../model/backend.ts';
import type { Matrix } from '../model/matrix.ts';
import { averageOutputs } from '../model/backend.ts';
import type { Params } from '../model/params.ts';
import { unscaleY } from '../model/scaler.ts';
import type { MultiTrainer } from '../model/trainable.ts';
import { type EpochReport, type ModelOutcome, trainModels } from './loop.ts';
import { compareWithBaseline, mean, type MetricsReport } from './metrics.ts';
import { type ScaledData, startingParams, stepSettingsOf, type TrainConfig } from './train-model.ts';
import { assignFolds, carveSteps, columns, DEFAULT_VALIDATION } from './validation.ts';
import { drainPaced } from '../model/steps.ts';
import type { TrainingData } from '../model/trainable.ts';
import { encodeDataSteps } from './encoded-data.ts';

export { checkGrid, checkSweepData, MAX_SWEEP_MODELS } from './sweep-checks.ts';
import { NOTEBOOK_ENCODING } from '../data/encoding-spec.ts';
import type { Encoder } from '../model/encoding.ts';

/** The sweep's defaults (the CLI's and the page's), chosen on validation rows of the shared random sample: see README. */
export const SWEEP_DEFAULTS = {
  encodings: ['qple'],
  seeds: 16,
  lrs: [0.002],
  top: 16,
  folds: 0,
} as const;

/** The grid: every seed (the init of one model) with every learning rate. */
export interface SweepGrid {
  readonly seeds: readonly number[];
  readonly lrs: readonly number[];
  /** The feature encodings (see data/encoding-spec.ts), each fitted on the training rows; default `train.encoding`. */
  readonly encodings?: readonly string[];
}

/** What a sweep needs: the shared training settings (`seed` seeds the shuffle and the validation carve), the grid, N. */
export interface SweepConfig {
  readonly train: TrainConfig;
  readonly grid: SweepGrid;
  /** Members of the ensemble: the best N by validation RMSE. */
  readonly top: number;
  /** Cross-validated members: model i of an encoding validates on fold i mod k of the training rows (0 or absent: none). */
  readonly folds?: number;
}

/** One model of the sweep, with its settings, how its run went and its metrics in popularity points. */
export interface SweepMember {
  readonly index: number;
  readonly encoding: string;
  /** The encoder its input went through; none for the notebook's pipeline. */
  readonly encoder?: Encoder;
  /** With folds: its own fold, its validation rows. */
  readonly fold?: number;
  readonly seed: number;
  readonly lr: number;
  readonly outcome: ModelOutcome;
  readonly params: Params;
  readonly metrics: { readonly validation: MetricsReport; readonly test: MetricsReport; readonly train: MetricsReport };
}

/** What a sweep gives back. */
export interface SweepResult {
  /** In grid order (seed-major). */
  readonly members: readonly SweepMember[];
  /** Member indices, best validation RMSE first; models that diverged or died come last. */
  readonly ranking: readonly number[];
  /** The top N of one encoding (the one whose top N scored best on the validation rows), averaged. */
  readonly ensemble: { readonly members: readonly number[]; readonly encoding: string; readonly metrics: SweepMember['metrics'] };
  readonly totalMs: number;
  /** Where the time went: training, reading every model back (one read), measuring every model on each set. */
  readonly phaseMs: { readonly train: number; readonly read: number; readonly measure: number };
  readonly validation: number;
  /** k of cross-validated members, or 0 (one shared validation share). */
  readonly folds: number;
}

/** Options of {@link runSweep}. */
export interface SweepOptions {
  readonly signal?: AbortSignal;
  readonly beforeEpoch?: () => Promise<void>;
  /** After each epoch: every still-training model's report, and how many models are still training. */
  readonly onEpoch?: (reports: readonly (EpochReport & { readonly model: number })[], active: number) => void;
}

/** What a sweep needs of a runtime. */
export interface SweepRuntime {
  multiTrainer(params: readonly Params[]): Promise<MultiTrainer>;
  ensemble(members: readonly Params[]): Promise<EnsembleBackend>;
}

/** One encoding's models trained together: their outcomes, trained parameters and outputs on each set. */
interface GroupRun {
  readonly outcomes: ModelOutcome[];
  readonly params: Params[];
  /** With folds, `validation` is empty and `train` covers every training row (each member's own fold included). */
  readonly perSet: { validation: Matrix[]; test: Matrix[]; train: Matrix[] };
  readonly Ys: { validation: Matrix; test: Matrix; train: Matrix };
  /** With folds: each training column's fold, and each member's own fold. */
  readonly folds?: { readonly rowFold: Int32Array; readonly of: readonly number[] };
}

/**
 * Trains the grid, one encoding at a time (the models of an encoding share its X, so they train in the same
 * dispatches), ranks every model on its validation rows, and averages the top N of the encoding whose top N
 * scores best on them; every model's init is its seed. With `folds`, each model's validation rows are its own
 * fold of the training rows, and it trains on the rest.
 */
export async function runSweep(runtime: SweepRuntime, data: ScaledData, config: SweepConfig, options: SweepOptions = {}): Promise<SweepResult> {
  const t0 = performance.now();
  const { grid, top, train } = config;
  checkGrid(grid, top);
  const validation = train.validation ?? DEFAULT_VALIDATION;
  if (validation === 0 && !config.folds) throw new UserError('A sweep ranks its models on validation rows, so --validation must be above 0.');
  const encodings = grid.encodings ?? [train.encoding ?? NOTEBOOK_ENCODING];
  const cells = encodings.flatMap((encoding) => grid.seeds.flatMap((seed) => grid.lrs.map((lr) => ({ encoding, seed, lr }))));
  const ms = { train: 0, read: 0, measure: 0 };
  const encoders = new Map<string, Encoder | undefined>();
  const runs: GroupRun[] = [];
  for (const encoding of encodings) {
    const offset = runs.reduce((t, r) => t + r.params.length, 0);
    // Paced: on a page the encoding of 24 000 rows would otherwise hold its thread for a third of a second.
    const encoded = await drainPaced(encodeDataSteps(data, encoding), options.beforeEpoch);
    encoders.set(encoding, encoded.encoder);
    const group = cells.filter((c) => c.encoding === encoding);
    runs.push(await trainGroup(runtime, encoded.data, group, config, options, ms, offset));
  }
  const outcomes = runs.flatMap((r) => r.outcomes);
  const params = runs.flatMap((r) => r.params);
  const baselineValue = mean(unscaleY(runs[0].Ys.train.data, data.scaler));
  const report = (out: Matrix, Y: Matrix): MetricsReport => compareWithBaseline(unscaleY(out.data, data.scaler), unscaleY(Y.data, data.scaler), baselineValue);
  // Every group carves the same validation rows (or folds: the same seed over the same training rows), so the
  // targets are shared.
  const { Ys, folds } = runs[0];
  const perSet = {
    validation: runs.flatMap((r) => r.perSet.validation),
    test: runs.flatMap((r) => r.perSet.test),
    train: runs.flatMap((r) => r.perSet.train),
  };
  const foldOf = runs.flatMap((r) => r.folds?.of ?? r.params.map(() => -1));
  // Each fold's columns and targets, once: a model validates on its own fold's and fits on the rest.
  const byFold = folds
    ? Array.from({ length: config.folds! }, (_, f) => {
        const own = foldColumns(folds.rowFold, (x) => x === f);
        const rest = foldColumns(folds.rowFold, (x) => x !== f);
        return { own, rest, yOwn: columns(Ys.train, own), yRest: columns(Ys.train, rest) };
      })
    : [];
  const memberMetrics = (i: number): SweepMember['metrics'] => {
    if (!folds)
      return { validation: report(perSet.validation[i], Ys.validation), test: report(perSet.test[i], Ys.test), train: report(perSet.train[i], Ys.train) };
    const { own, rest, yOwn, yRest } = byFold[foldOf[i]];
    const out = perSet.train[i];
    return { validation: report(columns(out, own), yOwn), test: report(perSet.test[i], Ys.test), train: report(columns(out, rest), yRest) };
  };
  const members: SweepMember[] = cells.map((c, i) => ({
    index: i,
    ...c,
    ...(encoders.get(c.encoding) ? { encoder: encoders.get(c.encoding) } : {}),
    ...(folds ? { fold: foldOf[i] } : {}),
    outcome: outcomes[i],
    params: params[i],
    metrics: memberMetrics(i),
  }));
  const failed = (m: SweepMember) => m.outcome.failure !== null || !Number.isFinite(m.metrics.validation.model.rmse);
  const ranking = [...members]
    .sort((a, b) => Number(failed(a)) - Number(failed(b)) || a.metrics.validation.model.rmse - b.metrics.validation.model.rmse || a.index - b.index)
    .map((m) => m.index);
  // The ensemble's members share one encoder: the top N of each encoding compete on validation rows. With folds no
  // row is held out of every member, so an ensemble has no validation score of its own: the members' mean decides.
  const none = { rows: 1, cols: 0, data: new Float64Array(0) };
  const ensembleMetrics = (chosen: number[]): SweepMember['metrics'] => {
    const avg = (outs: Matrix[]) => averageOutputs(chosen.map((i) => outs[i]));
    return {
      validation: folds ? report(none, none) : report(avg(perSet.validation), Ys.validation),
      test: report(avg(perSet.test), Ys.test),
      train: report(avg(perSet.train), Ys.train),
    };
  };
  const candidates = encodings
    .map((encoding) => ranking.filter((i) => members[i].encoding === encoding && !failed(members[i])).slice(0, top))
    .filter((chosen) => chosen.length > 0)
    .map((chosen) => {
      const metrics = ensembleMetrics(chosen);
      const score = folds ? mean(chosen.map((i) => members[i].metrics.validation.model.rmse)) : metrics.validation.model.rmse;
      return { chosen, metrics, score };
    });
  if (candidates.length === 0) throw new UserError('Every model of the sweep diverged or lost its output; lower the learning rates.');
  const best = candidates.reduce((a, b) => (b.score < a.score ? b : a));
  const ensemble = { members: best.chosen, encoding: members[best.chosen[0]].encoding, metrics: best.metrics };
  return { members, ranking, ensemble, totalMs: performance.now() - t0, phaseMs: ms, validation, folds: config.folds ?? 0 };
}

// The training columns whose fold passes `keep`.
function foldColumns(rowFold: Int32Array, keep: (fold: number) => boolean): Int32Array {
  return Int32Array.from(rowFold.keys()).filter((j) => keep(rowFold[j]));
}

/** Trains one encoding's models together on its data and measures each on every set. */
async function trainGroup(
  runtime: SweepRuntime,
  data: ScaledData,
  cells: readonly { seed: number; lr: number }[],
  config: SweepConfig,
  options: SweepOptions,
  ms: { train: number; read: number; measure: number },
  offset: number,
): Promise<GroupRun> {
  const { train, folds: k } = config;
  // With folds every training row is in the run, and model i's own fold (i mod k) is its validation set.
  const rowFold = k ? assignFolds(data.xTrain.cols, k, train.seed, train.rng) : undefined;
  const fit: TrainingData = rowFold
    ? { xTrain: data.xTrain, yTrain: data.yTrain, xTest: data.xTest, yTest: data.yTest, rowFold }
    : await drainPaced(carveSteps(data, train.validation ?? DEFAULT_VALIDATION, train.seed, train.rng), options.beforeEpoch);
  const of = cells.map((_, i) => (k ? i % k : -1));
  // The page's thread must not stall: it yields (beforeEpoch) after the carve and after each model's start.
  await options.beforeEpoch?.();
  const starts: Params[] = [];
  for (const { seed } of cells) {
    starts.push(startingParams({ ...train, seed }, fit.yTrain, data.xTrain.rows));
    if (starts.length % 4 === 0) await options.beforeEpoch?.();
  }
  const trainer = await runtime.multiTrainer(starts);
  try {
    let t = performance.now();
    const outcomes = await trainModels(trainer, fit, stepSettingsOf(train), {
      epochs: train.epochs,
      patience: train.patience,
      signal: options.signal,
      beforeEpoch: options.beforeEpoch,
      models: cells.map(({ lr }, i) => ({ lr, ...(k ? { fold: of[i] } : {}) })),
      onEpoch:
        options.onEpoch &&
        ((reports) =>
          options.onEpoch!(
            reports.map((r) => ({ ...r, model: r.model + offset })),
            reports.length,
          )),
    });
    ms.train += performance.now() - t;
    t = performance.now();
    const params = await trainer.readAllParams();
    ms.read += performance.now() - t;
    t = performance.now();
    // Every model measured at once, each member's output on each set: on the trainer's own device copies where it
    // offers them (the GPU's fused trainer), else one ensemble backend of all K.
    const all = trainer.membersEnsemble?.() ?? (await runtime.ensemble(params));
    try {
      const empty = { rows: 1, cols: 0, data: new Float64Array(0) };
      const perSet = {
        validation: fit.xVal ? await all.forwardMembers(fit.xVal) : params.map(() => empty),
        test: data.xTest.cols > 0 ? await all.forwardMembers(data.xTest) : params.map(() => empty),
        train: await all.forwardMembers(fit.xTrain),
      };
      ms.measure += performance.now() - t;
      const Ys = { validation: fit.yVal ?? empty, test: data.yTest, train: fit.yTrain };
      return { outcomes, params, perSet, Ys, ...(rowFold ? { folds: { rowFold, of } } : {}) };
    } finally {
      all.dispose();
    }
  } finally {
    trainer.dispose();
  }
}
