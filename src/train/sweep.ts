// A sweep: a grid of seeds × learning rates trained as K models at once (one trainer, the same mini-batches), each
// stopped on its own validation loss, then ranked on the validation rows, and the top N averaged into an ensemble.
// The test rows are measured for the report only: nothing here is chosen by them.
import { UserError } from '../errors.ts';
import type { EnsembleBackend } from '../model/backend.ts';
import type { Matrix } from '../model/matrix.ts';
import { averageOutputs } from '../model/backend.ts';
import type { Params } from '../model/params.ts';
import { unscaleY } from '../model/scaler.ts';
import type { MultiTrainer } from '../model/trainable.ts';
import { type EpochReport, type ModelOutcome, trainModels } from './loop.ts';
import { compareWithBaseline, mean, type MetricsReport } from './metrics.ts';
import { type ScaledData, startingParams, stepSettingsOf, type TrainConfig } from './train-model.ts';
import { carveValidation, DEFAULT_VALIDATION } from './validation.ts';

/** The most models one sweep trains (the GPU trainer's uniform array holds this many). */
export const MAX_SWEEP_MODELS = 1024;

/** The grid: every seed (the init of one model) with every learning rate. */
export interface SweepGrid {
  readonly seeds: readonly number[];
  readonly lrs: readonly number[];
}

/** What a sweep needs: the shared training settings (`seed` seeds the shuffle and the validation carve), the grid, N. */
export interface SweepConfig {
  readonly train: TrainConfig;
  readonly grid: SweepGrid;
  /** Members of the ensemble: the best N by validation RMSE. */
  readonly top: number;
}

/** One model of the sweep, with its settings, how its run went and its metrics in popularity points. */
export interface SweepMember {
  readonly index: number;
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
  readonly ensemble: { readonly members: readonly number[]; readonly metrics: SweepMember['metrics'] };
  readonly totalMs: number;
  /** Where the time went: training, reading every model back (one read), measuring every model on each set. */
  readonly phaseMs: { readonly train: number; readonly read: number; readonly measure: number };
  readonly validation: number;
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

/** Checks the grid and N in one sentence each; returns K. */
export function checkGrid(grid: SweepGrid, top: number): number {
  const { seeds, lrs } = grid;
  if (seeds.length === 0 || lrs.length === 0)
    throw new UserError(`The sweep grid is empty (${seeds.length} seeds × ${lrs.length} learning rates); give at least one seed and one learning rate.`);
  const dup = (xs: readonly number[]) => xs.find((x, i) => xs.indexOf(x) !== i);
  const seedDup = dup(seeds);
  if (seedDup !== undefined) throw new UserError(`The seed list has ${seedDup} more than once; each seed starts one model, so list each once.`);
  const badSeed = seeds.find((s) => !Number.isInteger(s) || s < 0 || s >= 2 ** 32);
  if (badSeed !== undefined) throw new UserError(`The seed ${badSeed} is not an integer in [0, 2^32).`);
  const badLr = lrs.find((x) => !(Number.isFinite(x) && x > 0));
  if (badLr !== undefined) throw new UserError(`The learning rate ${badLr} is not a positive number.`);
  const lrDup = dup(lrs);
  if (lrDup !== undefined) throw new UserError(`The learning-rate list has ${lrDup} more than once; list each once.`);
  const K = seeds.length * lrs.length;
  if (K > MAX_SWEEP_MODELS)
    throw new UserError(
      `The grid has ${K} models (${seeds.length} seeds × ${lrs.length} learning rates); a sweep trains at most ${MAX_SWEEP_MODELS}, so shrink the grid.`,
    );
  if (!Number.isInteger(top) || top < 1 || top > K)
    throw new UserError(`The ensemble size --top must be between 1 and the ${K} models of the grid, got ${top}.`);
  return K;
}

/** Trains the grid, ranks it on the validation rows and averages the top N; every model's init is its seed. */
export async function runSweep(runtime: SweepRuntime, data: ScaledData, config: SweepConfig, options: SweepOptions = {}): Promise<SweepResult> {
  const t0 = performance.now();
  const { grid, top, train } = config;
  checkGrid(grid, top);
  const validation = train.validation ?? DEFAULT_VALIDATION;
  if (validation === 0) throw new UserError('A sweep ranks its models on validation rows, so --validation must be above 0.');
  const split = carveValidation(data, validation, train.seed, train.rng);
  // The page's thread must not stall: it yields (beforeEpoch) after the carve and after each model's start.
  await options.beforeEpoch?.();
  const cells = grid.seeds.flatMap((seed) => grid.lrs.map((lr) => ({ seed, lr })));
  const starts: Params[] = [];
  for (const { seed } of cells) {
    starts.push(startingParams({ ...train, seed }, split.yTrain));
    if (starts.length % 4 === 0) await options.beforeEpoch?.();
  }
  const trainer = await runtime.multiTrainer(starts);
  let outcomes: ModelOutcome[];
  let params: Params[];
  let perSet: { validation: Matrix[]; test: Matrix[]; train: Matrix[] };
  const ms = { train: 0, read: 0, measure: 0 };
  try {
    let t = performance.now();
    outcomes = await trainModels(trainer, split, stepSettingsOf(train), {
      epochs: train.epochs,
      patience: train.patience,
      signal: options.signal,
      beforeEpoch: options.beforeEpoch,
      models: cells.map(({ lr }) => ({ lr })),
      onEpoch: options.onEpoch && ((reports) => options.onEpoch!(reports, reports.length)),
    });
    ms.train = performance.now() - t;
    t = performance.now();
    params = await trainer.readAllParams();
    ms.read = performance.now() - t;
    t = performance.now();
    // Every model measured at once, each member's output on each set: on the trainer's own device copies where it
    // offers them (the GPU's fused trainer), else one ensemble backend of all K.
    const all = trainer.membersEnsemble?.() ?? (await runtime.ensemble(params));
    try {
      perSet = {
        validation: await all.forwardMembers(split.xVal),
        test: data.xTest.cols > 0 ? await all.forwardMembers(data.xTest) : params.map(() => ({ rows: 1, cols: 0, data: new Float64Array(0) })),
        train: await all.forwardMembers(split.xTrain),
      };
    } finally {
      all.dispose();
    }
    ms.measure = performance.now() - t;
  } finally {
    trainer.dispose();
  }
  const baselineValue = mean(unscaleY(split.yTrain.data, data.scaler));
  const Ys = { validation: split.yVal, test: data.yTest, train: split.yTrain };
  const report = (out: Matrix, Y: Matrix): MetricsReport => compareWithBaseline(unscaleY(out.data, data.scaler), unscaleY(Y.data, data.scaler), baselineValue);
  const metricsOf = (pick: (outs: Matrix[]) => Matrix) => ({
    validation: report(pick(perSet.validation), Ys.validation),
    test: report(pick(perSet.test), Ys.test),
    train: report(pick(perSet.train), Ys.train),
  });
  const members: SweepMember[] = cells.map((c, i) => ({ index: i, ...c, outcome: outcomes[i], params: params[i], metrics: metricsOf((o) => o[i]) }));
  const failed = (m: SweepMember) => m.outcome.failure !== null || !Number.isFinite(m.metrics.validation.model.rmse);
  const ranking = [...members]
    .sort((a, b) => Number(failed(a)) - Number(failed(b)) || a.metrics.validation.model.rmse - b.metrics.validation.model.rmse || a.index - b.index)
    .map((m) => m.index);
  const chosen = ranking.slice(0, top).filter((i) => !failed(members[i]));
  if (chosen.length === 0) throw new UserError('Every model of the sweep diverged or lost its output; lower the learning rates.');
  const ensembleMetrics = metricsOf((outs) => averageOutputs(chosen.map((i) => outs[i])));
  return { members, ranking, ensemble: { members: chosen, metrics: ensembleMetrics }, totalMs: performance.now() - t0, phaseMs: ms, validation };
}
