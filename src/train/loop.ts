// The training loop, once for K ≥ 1 models trained together (a sweep) and for one (train): epochs, per-model early
// stopping on the VALIDATION loss with patience (the test loss is only reported), progress callbacks,
// cancellation, and the checks that stop a model that can no longer learn (dead output, divergence).
import { UserError } from '../errors.ts';
import type { Evaluation, ModelSettings, MultiTrainer, StepSettings, TrainableBackend, TrainingData } from '../model/trainable.ts';
import { TrainerGroup } from '../model/trainer-group.ts';

/** What the loop reports after each epoch (epoch 0 is the untrained network). */
export interface EpochReport {
  readonly epoch: number;
  readonly epochs: number;
  /** MSE on the scaled target over the whole training set, after this epoch. */
  readonly trainLoss: number;
  /** The same over the test set (NaN when there is none); reported, never used to choose. */
  readonly testLoss: number;
  /** The same over the validation rows (NaN when there are none); early stopping uses it. */
  readonly valLoss: number;
  /** Wall-clock milliseconds of this epoch's training and evaluation. */
  readonly ms: number;
  /** The epoch whose parameters are the best so far. */
  readonly bestEpoch: number;
}

/** Options of {@link trainLoop}. */
export interface LoopOptions {
  readonly epochs: number;
  /** Stop after this many epochs without a better validation loss, then restore the best (0 turns it off). */
  readonly patience: number;
  /** Called after every epoch, and once for epoch 0 before training. */
  readonly onEpoch?: (report: EpochReport) => void;
  /** Stops the run between epochs; the best parameters so far are kept. */
  readonly signal?: AbortSignal;
  /** Awaited before each epoch, e.g. to let a page repaint while the CPU trains on its main thread. */
  readonly beforeEpoch?: () => Promise<void>;
  /** What the dead-output error advises (default {@link DEAD_OUTPUT_REMEDY}); see {@link deadOutputRemedy}. */
  readonly deadOutputRemedy?: string;
}

/** How a run ended and what it went through. */
export interface LoopOutcome {
  /** One report per epoch, epoch 0 first. */
  readonly history: EpochReport[];
  /** The epoch whose parameters the backend holds at the end. */
  readonly bestEpoch: number;
  readonly epochsRun: number;
  readonly stoppedEarly: boolean;
  readonly aborted: boolean;
  readonly totalMs: number;
}

/**
 * The remedies the dead-output message offers (documented in the README). `--output-init mean` is offered only to a
 * run that used `he`: a run that died with `mean`, the default, already had it.
 */
export function deadOutputRemedy(outputInit?: 'mean' | 'he'): string {
  const init = outputInit === 'he' ? '--output-init mean, ' : '';
  return `train again with ${init}a lower learning rate (e.g. --lr 0.0005), a small positive --output-bias (e.g. 0.1), or another --seed`;
}

/** The remedy for a run whose output init is not known (the default, `mean`). */
export const DEAD_OUTPUT_REMEDY = deadOutputRemedy();

/** The network's output ReLU is 0 for every training example, so no gradient flows and training cannot recover. */
export class DeadOutputError extends UserError {
  override name = 'DeadOutputError';
  constructor(epoch: number, remedy: string = DEAD_OUTPUT_REMEDY) {
    super(
      `The network's output is 0 for every training example ` +
        `${epoch === 0 ? 'at initialization' : `after epoch ${epoch}`} (a dead ReLU output with zero gradient); ${remedy}.`,
    );
  }
}

/** Why a model of a batch stopped before the last epoch, if it did. */
export type StopReason = 'patience' | 'diverged' | 'dead-output';

/** One model's run within {@link trainModels}. */
export interface ModelOutcome extends LoopOutcome {
  /** Why it stopped early, or null. */
  readonly stoppedBy: StopReason | null;
  /** The sentence a single run would have thrown, for a model that diverged or whose output died. */
  readonly failure: string | null;
}

/** Options of {@link trainModels}: the loop's, plus each model's own settings and a per-epoch report of all. */
export interface ModelsLoopOptions extends Omit<LoopOptions, 'onEpoch'> {
  readonly models?: readonly ModelSettings[];
  /** Called after every epoch (and for epoch 0) with the report of every model still training. */
  readonly onEpoch?: (reports: readonly (EpochReport & { readonly model: number })[]) => void;
}

/** The score that chooses: the validation loss, or the training loss where there are no validation rows. */
export function selectionScore(e: Pick<Evaluation, 'trainLoss' | 'valLoss'>): number {
  return Number.isNaN(e.valLoss) ? e.trainLoss : e.valLoss;
}

/**
 * Trains the K models of `trainer` on `data` together: per epoch one shuffled pass for every model still active and
 * one evaluation (scalars only). Each model keeps the parameters with its lowest validation loss and stops once its
 * patience runs out (or it diverges, or its output dies); the run ends when every model has stopped or the epochs
 * run out, and every model ends holding its best parameters.
 */
export async function trainModels(trainer: MultiTrainer, data: TrainingData, settings: StepSettings, options: ModelsLoopOptions): Promise<ModelOutcome[]> {
  const t0 = performance.now();
  const K = trainer.models;
  await trainer.startTraining(data, settings, options.models);
  const state = Array.from({ length: K }, () => ({
    history: [] as EpochReport[],
    bestEpoch: 0,
    bestScore: Infinity,
    epochsRun: 0,
    active: true,
    stoppedBy: null as StopReason | null,
    failure: null as string | null,
  }));
  let aborted = false;

  const record = async (epoch: number, started: number): Promise<void> => {
    const evals = await trainer.evaluate();
    const ms = performance.now() - started;
    const improved: number[] = [];
    const reports: (EpochReport & { model: number })[] = [];
    evals.forEach((e, i) => {
      const s = state[i];
      if (!s.active) return;
      s.epochsRun = epoch;
      if (!Number.isFinite(e.trainLoss)) {
        [s.active, s.stoppedBy, s.failure] = [
          false,
          'diverged',
          `Training diverged: the loss became ${e.trainLoss} at epoch ${epoch}; lower the learning rate with --lr.`,
        ];
        return;
      }
      if (e.liveOutputs === 0) {
        [s.active, s.stoppedBy, s.failure] = [false, 'dead-output', new DeadOutputError(epoch, options.deadOutputRemedy).message];
        return;
      }
      const score = selectionScore(e);
      if (score < s.bestScore) {
        s.bestScore = score;
        s.bestEpoch = epoch;
        improved.push(i);
      }
      const report = { epoch, epochs: options.epochs, trainLoss: e.trainLoss, testLoss: e.testLoss, valLoss: e.valLoss, ms, bestEpoch: s.bestEpoch };
      s.history.push(report);
      reports.push({ ...report, model: i });
      if (options.patience > 0 && epoch - s.bestEpoch >= options.patience && epoch < options.epochs) {
        [s.active, s.stoppedBy] = [false, 'patience'];
      }
    });
    if (improved.length > 0) await trainer.saveBest(improved);
    options.onEpoch?.(reports);
  };

  await record(0, performance.now());
  let epoch = 0;
  while (epoch < options.epochs && state.some((s) => s.active)) {
    // After beforeEpoch, which may yield to the event loop: an abort that arrived during the last epoch stops here.
    await options.beforeEpoch?.();
    if (options.signal?.aborted) {
      aborted = true;
      break;
    }
    const started = performance.now();
    epoch++;
    await trainer.trainEpoch(state.map((s) => s.active));
    await record(epoch, started);
  }
  if (state.some((s) => s.bestEpoch !== s.epochsRun)) await trainer.restoreBest();
  const totalMs = performance.now() - t0;
  return state.map((s) => ({
    history: s.history,
    bestEpoch: s.bestEpoch,
    epochsRun: s.epochsRun,
    stoppedEarly: s.stoppedBy !== null,
    aborted,
    totalMs,
    stoppedBy: s.stoppedBy,
    failure: s.failure,
  }));
}

/**
 * Trains one model: {@link trainModels} with K = 1. A diverged run or a dead output is a one-sentence UserError,
 * as a single run has nothing else to fall back on.
 */
export async function trainLoop(backend: TrainableBackend, data: TrainingData, settings: StepSettings, options: LoopOptions): Promise<LoopOutcome> {
  const [outcome] = await trainModels(new TrainerGroup([backend]), data, settings, {
    ...options,
    onEpoch: options.onEpoch && ((reports) => reports.forEach(({ model: _model, ...r }) => options.onEpoch!(r))),
  });
  if (outcome.stoppedBy === 'dead-output') throw new DeadOutputError(outcome.epochsRun, options.deadOutputRemedy);
  if (outcome.failure) throw new UserError(outcome.failure);
  const { history, bestEpoch, epochsRun, stoppedEarly, aborted, totalMs } = outcome;
  return { history, bestEpoch, epochsRun, stoppedEarly, aborted, totalMs };
}
