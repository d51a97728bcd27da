// The model file's "training" record: the settings, the data, how the run went, the metrics and the loss history.
import type { TrainedModel } from './train-model.ts';
import type { MetricsReport } from './metrics.ts';

/** Where the run happened and on which data; filled in by the caller (CLI or demo). */
export interface RunContext {
  /** 'gpu' or 'cpu', and the device in words. */
  readonly backend: string;
  readonly device: string;
  /** The CSV file's name, or a description of the synthetic data. */
  readonly source: string;
  /** The data's row counts (read, kept, dropped by reason, train, test). */
  readonly counts: unknown;
}

/** The JSON-ready "training" record of a model file. */
export interface TrainingRecordJson {
  readonly settings: TrainedModel['settings'];
  readonly run: RunContext & {
    readonly epochsRun: number;
    readonly bestEpoch: number;
    readonly stoppedEarly: boolean;
    /** Stopped by the user (Ctrl-C in the CLI, an AbortSignal in the library) before its epochs or patience ran out. */
    readonly interrupted: boolean;
    readonly totalSeconds: number;
    readonly msPerEpoch: number;
  };
  /** In popularity points, each against the mean baseline. */
  readonly metrics: { readonly test: MetricsReport; readonly validation: MetricsReport | null; readonly train: MetricsReport };
  /** MSE on the scaled target after each epoch; index 0 is the untrained network. The validation loss chose the epoch. */
  readonly history: { readonly trainLoss: number[]; readonly valLoss: (number | null)[]; readonly testLoss: (number | null)[] };
  readonly lossNote: string;
}

const round = (v: number, digits = 6): number => Number(v.toPrecision(digits));

/** Builds the record; NaN (no test set) becomes null, since JSON has no NaN. */
export function trainingRecord(model: TrainedModel, context: RunContext): TrainingRecordJson {
  const { outcome } = model;
  const trainedEpochs = outcome.history.slice(1);
  const msPerEpoch = trainedEpochs.length > 0 ? trainedEpochs.reduce((a, r) => a + r.ms, 0) / trainedEpochs.length : 0;
  return {
    settings: model.settings,
    run: {
      ...context,
      epochsRun: outcome.epochsRun,
      bestEpoch: outcome.bestEpoch,
      stoppedEarly: outcome.stoppedEarly,
      interrupted: outcome.aborted,
      totalSeconds: round(outcome.totalMs / 1000, 4),
      msPerEpoch: round(msPerEpoch, 4),
    },
    metrics: JSON.parse(
      JSON.stringify(model.metrics, (_, v: unknown) => (typeof v === 'number' ? (Number.isFinite(v) ? round(v) : null) : v)),
    ) as typeof model.metrics,
    history: {
      trainLoss: outcome.history.map((r) => round(r.trainLoss)),
      valLoss: outcome.history.map((r) => (Number.isNaN(r.valLoss) ? null : round(r.valLoss))),
      testLoss: outcome.history.map((r) => (Number.isNaN(r.testLoss) ? null : round(r.testLoss))),
    },
    lossNote: 'MSE = (1/m)·Σ(ŷ − y)² on the min-max scaled popularity; metrics are in popularity points',
  };
}
