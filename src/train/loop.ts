// The training loop: epochs on any TrainableBackend, early stopping on the test loss with patience, progress
// callbacks, cancellation, and the checks that stop a run that can no longer learn (dead output, divergence).
import { UserError } from '../errors.ts';
import type { StepSettings, TrainableBackend, TrainingData } from '../model/trainable.ts';

/** What the loop reports after each epoch (epoch 0 is the untrained network). */
export interface EpochReport {
  readonly epoch: number;
  readonly epochs: number;
  /** MSE on the scaled target over the whole training set, after this epoch. */
  readonly trainLoss: number;
  /** The same over the test set (NaN when there is none). */
  readonly testLoss: number;
  /** Wall-clock milliseconds of this epoch's training and evaluation. */
  readonly ms: number;
  /** The epoch whose parameters are the best so far. */
  readonly bestEpoch: number;
}

/** Options of {@link trainLoop}. */
export interface LoopOptions {
  readonly epochs: number;
  /** Stop after this many epochs without a better test loss, then restore the best (0 turns it off). */
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
      `The network's output is 0 for every training example ${epoch === 0 ? 'at initialization' : `after epoch ${epoch}`} (a dead ReLU output with zero gradient); ${remedy}.`,
    );
  }
}

/**
 * Trains `backend` on `data`: uploads it once, then per epoch one shuffled pass and one evaluation (scalars
 * only). Keeps the parameters with the lowest test loss (the training loss when there is no test set).
 */
export async function trainLoop(
  backend: TrainableBackend,
  data: TrainingData,
  settings: StepSettings,
  options: LoopOptions,
): Promise<LoopOutcome> {
  const t0 = performance.now();
  await backend.startTraining(data, settings);
  const history: EpochReport[] = [];
  const scoreOf = (r: { trainLoss: number; testLoss: number }) => (Number.isNaN(r.testLoss) ? r.trainLoss : r.testLoss);
  let bestEpoch = 0;
  let bestScore = Infinity;
  let stoppedEarly = false;
  let aborted = false;

  const record = async (epoch: number, started: number): Promise<void> => {
    const e = await backend.evaluate();
    if (!Number.isFinite(e.trainLoss)) {
      throw new UserError(`Training diverged: the loss became ${e.trainLoss} at epoch ${epoch}; lower the learning rate with --lr.`);
    }
    if (e.liveOutputs === 0) throw new DeadOutputError(epoch, options.deadOutputRemedy);
    const score = scoreOf(e);
    if (score < bestScore) {
      bestScore = score;
      bestEpoch = epoch;
      await backend.saveBest();
    }
    const report = { epoch, epochs: options.epochs, trainLoss: e.trainLoss, testLoss: e.testLoss, ms: performance.now() - started, bestEpoch };
    history.push(report);
    options.onEpoch?.(report);
  };

  await record(0, performance.now());
  let epoch = 0;
  while (epoch < options.epochs) {
    // After beforeEpoch, which may yield to the event loop: an abort that arrived during the last epoch stops here.
    await options.beforeEpoch?.();
    if (options.signal?.aborted) {
      aborted = true;
      break;
    }
    const started = performance.now();
    epoch++;
    await backend.trainEpoch();
    await record(epoch, started);
    if (options.patience > 0 && epoch - bestEpoch >= options.patience) {
      stoppedEarly = epoch < options.epochs;
      break;
    }
  }
  if (bestEpoch !== epoch) await backend.restoreBest();
  return { history, bestEpoch, epochsRun: epoch, stoppedEarly, aborted, totalMs: performance.now() - t0 };
}
