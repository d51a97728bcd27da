// The sweep's checks, one sentence each, before anything trains: the grid and N, and what depends on the data.
import { NOTEBOOK_ENCODING, parseEncoding } from '../data/encoding-spec.ts';
import { UserError } from '../errors.ts';
import { checkPleBins } from '../model/encoding.ts';
import type { SweepGrid } from './sweep.ts';
import type { ScaledData, TrainConfig } from './train-model.ts';
import { checkFolds } from './validation.ts';

/** The most models one sweep trains (the GPU trainer's uniform array holds this many). */
export const MAX_SWEEP_MODELS = 1024;

/** Checks the grid and N in one sentence each; returns K. */
export function checkGrid(grid: SweepGrid, top: number): number {
  const { seeds, lrs } = grid;
  const E = grid.encodings?.length ?? 1;
  if (E === 0) throw new UserError('The sweep has no encoding; give at least one, e.g. --encoding notebook.');
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
  const perEncoding = seeds.length * lrs.length;
  const K = E * perEncoding;
  if (K > MAX_SWEEP_MODELS)
    throw new UserError(
      `The grid has ${K} models (${E > 1 ? `${E} encodings × ` : ''}${seeds.length} seeds × ${lrs.length} learning rates); ` +
        `a sweep trains at most ${MAX_SWEEP_MODELS}, so shrink the grid.`,
    );
  if (!Number.isInteger(top) || top < 1 || top > perEncoding)
    throw new UserError(`The ensemble size --top must be between 1 and the ${perEncoding} models of one encoding, got ${top}.`);
  return K;
}

/**
 * Checks what depends on the data before anything trains, one sentence each: the folds fit the training rows, and
 * every ple part has no more bins than there are training rows.
 */
export function checkSweepData(data: ScaledData, grid: SweepGrid, train: TrainConfig, folds = 0): void {
  const m = data.xTrain.cols;
  if (folds) checkFolds(m, folds);
  for (const encoding of grid.encodings ?? [train.encoding ?? NOTEBOOK_ENCODING]) {
    for (const part of parseEncoding(encoding).parts) if (part.kind === 'ple') checkPleBins(part, m);
  }
}
