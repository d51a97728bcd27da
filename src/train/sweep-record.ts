// What a sweep writes about itself: sweep.json (the grid, every model's settings, metrics and loss history, the
// ranking and the ensemble) and the "training" record of each model file it writes.
import type { RunContext } from './record.ts';
import type { SweepMember, SweepResult } from './sweep.ts';
import type { TrainConfig } from './train-model.ts';

const round = (v: number, digits = 6): number | null => (Number.isFinite(v) ? Number(v.toPrecision(digits)) : null);

/** Metrics with NaN as null (JSON has no NaN), rounded to 6 significant digits. */
function metricsJson(m: SweepMember['metrics']): Record<string, unknown> {
  return JSON.parse(JSON.stringify(m, (_, v: unknown) => (typeof v === 'number' ? round(v) : v))) as Record<string, unknown>;
}

/** One model's part of the record: its settings, how its run went, its metrics and its loss history. */
export function memberJson(m: SweepMember, rank: number): Record<string, unknown> {
  const h = m.outcome.history;
  return {
    index: m.index,
    rank,
    encoding: m.encoding,
    ...(m.fold === undefined ? {} : { fold: m.fold }),
    seed: m.seed,
    lr: m.lr,
    run: {
      epochsRun: m.outcome.epochsRun,
      bestEpoch: m.outcome.bestEpoch,
      stoppedBy: m.outcome.stoppedBy,
      failure: m.outcome.failure,
      interrupted: m.outcome.aborted,
    },
    metrics: metricsJson(m.metrics),
    history: { trainLoss: h.map((r) => round(r.trainLoss)), valLoss: h.map((r) => round(r.valLoss)), testLoss: h.map((r) => round(r.testLoss)) },
  };
}

/** sweep.json: everything about the run; the test metrics are reported, the validation ones chose. */
export function sweepJson(result: SweepResult, config: { train: TrainConfig; top: number }, context: RunContext): Record<string, unknown> {
  const rank = new Map(result.ranking.map((i, r) => [i, r + 1]));
  return {
    format: 'spotify-mlp-sweep',
    version: 1,
    grid: {
      encodings: [...new Set(result.members.map((m) => m.encoding))],
      seeds: [...new Set(result.members.map((m) => m.seed))],
      lrs: [...new Set(result.members.map((m) => m.lr))],
      models: result.members.length,
    },
    settings: { ...config.train, validation: result.folds ? null : result.validation, folds: result.folds, top: config.top },
    run: {
      ...context,
      totalSeconds: round(result.totalMs / 1000, 4),
      phaseSeconds: {
        train: round(result.phaseMs.train / 1000, 4),
        readBack: round(result.phaseMs.read / 1000, 4),
        measure: round(result.phaseMs.measure / 1000, 4),
      },
    },
    ranking: result.ranking,
    rankedBy: result.folds
      ? `each model's RMSE on its own fold of the ${result.folds} folds of the training rows, in popularity points ` +
        '(it trained on the others; the test rows never choose)'
      : 'validation RMSE in popularity points (the validation rows are carved from the training rows; the test rows never choose)',
    ensemble: { members: result.ensemble.members, encoding: result.ensemble.encoding, metrics: metricsJson(result.ensemble.metrics) },
    models: result.members.map((m) => memberJson(m, rank.get(m.index)!)),
    lossNote: 'MSE = (1/m)·Σ(ŷ − y)² on the min-max scaled popularity; metrics are in popularity points',
  };
}

/** The record inside model-<i>.json and best.json. */
export function memberTrainingRecord(result: SweepResult, member: SweepMember, context: RunContext): Record<string, unknown> {
  const rank = result.ranking.indexOf(member.index) + 1;
  return { sweep: { models: result.members.length, rank }, run: context, ...memberJson(member, rank) };
}

/** The record inside ensemble.json. */
export function ensembleTrainingRecord(result: SweepResult, context: RunContext): Record<string, unknown> {
  const pick = (i: number) => ({ index: i, encoding: result.members[i].encoding, seed: result.members[i].seed, lr: result.members[i].lr });
  return {
    sweep: { models: result.members.length, folds: result.folds },
    run: context,
    members: result.ensemble.members.map(pick),
    chosenBy: result.folds
      ? "the top N of one encoding by each model's own-fold RMSE; the encoding whose top N has the lowest mean own-fold RMSE"
      : 'the top N of one encoding by validation RMSE; the encoding whose top-N average has the lowest validation RMSE',
    metrics: metricsJson(result.ensemble.metrics),
  };
}
