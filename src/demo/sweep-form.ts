// The sweep form's values, read into a grid: the seeds box (a count or a list), the learning rates, the epochs and
// the ensemble's size, each mistake one sentence before anything trains.
import { UserError } from '../errors.ts';
import { NOTEBOOK_ENCODING, parseEncodingList } from '../data/encoding-spec.ts';
import { checkGrid, MAX_SWEEP_MODELS, SWEEP_DEFAULTS as RECIPE, type SweepGrid } from '../train/sweep.ts';
import { TRAIN_DEFAULTS, type TrainConfig } from '../train/train-model.ts';
import { MAX_FOLDS } from '../train/validation.ts';

/**
 * The panel's defaults: 3 seeds × 3 learning rates, the average of the best 3, with the command line's encodings
 * and folds.
 */
export const SWEEP_DEFAULTS = {
  seeds: '3',
  lrs: '0.001,0.002,0.004',
  epochs: 30,
  top: 3,
  encodings: RECIPE.encodings.join(','),
  folds: RECIPE.folds,
} as const;

/**
 * The seeds box: a count n (the init seeds first, first + 1, …) or a comma list such as 1,2,3. One sentence per
 * mistake; duplicates are left to {@link checkGrid}. A count too large for any sweep is refused here, before a list
 * of that length is built.
 */
export function parseSeeds(text: string, first: number, lrCount: number): number[] {
  const t = text.trim();
  if (t === '') return [];
  if (!t.includes(',')) {
    const n = Number(t);
    if (!Number.isInteger(n) || n < 0) throw new UserError(`The seeds box takes a count such as 3 or a list such as 1,2,3, not '${t}'.`);
    if (n * Math.max(1, lrCount) > MAX_SWEEP_MODELS) {
      throw new UserError(
        `The grid has ${n * Math.max(1, lrCount)} models (${n} seeds × ${lrCount} ` +
          `learning rates); a sweep trains at most ${MAX_SWEEP_MODELS}, so shrink the grid.`,
      );
    }
    return Array.from({ length: n }, (_, i) => first + i);
  }
  return t.split(',').map((s) => {
    const item = s.trim();
    const n = Number(item);
    if (item === '' || !Number.isInteger(n) || n < 0 || n >= 2 ** 32) {
      throw new UserError(`The seed '${item}' in the list '${t}' is not a whole number from 0 to 2^32 − 1.`);
    }
    return n;
  });
}

/** The learning-rate box: a comma list of positive numbers such as 0.001,0.002,0.004 (empty: no rates). */
export function parseLrs(text: string): number[] {
  const t = text.trim();
  if (t === '') return [];
  return t.split(',').map((s) => {
    const item = s.trim();
    const x = Number(item);
    if (item === '' || !Number.isFinite(x))
      throw new UserError(`The learning rate '${item}' in the list '${t}' is not a number; write them like 0.001,0.002,0.004.`);
    if (x <= 0) throw new UserError(`The learning rate ${item} is not above 0; every model needs a positive step size.`);
    return x;
  });
}

/** What one Start asks for, checked. */
export interface SweepRequest {
  readonly grid: SweepGrid;
  readonly epochs: number;
  readonly top: number;
  /** Cross-validated members: k folds, or 0 for one shared validation share. */
  readonly folds: number;
  readonly train: TrainConfig;
}

/** Reads and checks the form; every mistake is one sentence (a UserError). */
export function readSweepForm(values: {
  seeds: string;
  lrs: string;
  epochs: string;
  top: string;
  encodings: string;
  folds: string;
  initSeed: string;
  numpy: boolean;
}): SweepRequest {
  const rawSeed = Number(values.initSeed);
  const first = Number.isInteger(rawSeed) && rawSeed >= 0 ? rawSeed : TRAIN_DEFAULTS.seed;
  const lrs = parseLrs(values.lrs);
  const seeds = parseSeeds(values.seeds, first, lrs.length);
  const encodings = values.encodings.trim() === '' ? [NOTEBOOK_ENCODING] : parseEncodingList(values.encodings).map((e) => e.name);
  const grid = { seeds, lrs, encodings };
  const K = checkGrid(grid, 1) / encodings.length;
  const epochs = Number(values.epochs);
  if (!Number.isInteger(epochs) || epochs < 1) throw new UserError(`Epochs must be a whole number of at least 1, not '${values.epochs.trim()}'.`);
  const top = Number(values.top);
  if (!Number.isInteger(top) || top < 1 || top > K) {
    throw new UserError(`The ensemble size must be a whole number from 1 to the ${K} models of one encoding, not '${values.top.trim()}'.`);
  }
  const folds = values.folds.trim() === '' ? 0 : Number(values.folds);
  if (!Number.isInteger(folds) || folds === 1 || folds < 0 || folds > MAX_FOLDS) {
    throw new UserError(`Folds must be 0 (one shared validation share) or a whole number from 2 to ${MAX_FOLDS}, not '${values.folds.trim()}'.`);
  }
  const train: TrainConfig = { ...TRAIN_DEFAULTS, epochs, seed: first, rng: values.numpy ? 'numpy' : 'seedrandom' };
  return { grid, epochs, top, folds, train };
}
