// How an epoch walks the training set: the mini-batch sizes and the seeded per-epoch shuffle, the same on CPU and GPU.
import type { StepSettings } from './trainable.ts';
import { createRng, type Rng } from '../rng/index.ts';

/** The mini-batches of one epoch over m examples. */
export interface BatchPlan {
  /** Examples per full batch. */
  readonly batchSize: number;
  /** Number of batches; the last holds m − (count−1)·batchSize examples. */
  readonly count: number;
  readonly m: number;
}

/** Splits m examples into batches of `settings.batchSize` (the whole set for `gd`). */
export function batchPlan(m: number, settings: StepSettings): BatchPlan {
  const size = settings.optimizer.kind === 'gd' ? m : Math.max(1, Math.min(m, Math.floor(settings.batchSize)));
  return { batchSize: size, count: Math.ceil(m / size), m };
}

/** Start and length of batch `b`. */
export function batchRange(plan: BatchPlan, b: number): { start: number; count: number } {
  const start = b * plan.batchSize;
  return { start, count: Math.min(plan.batchSize, plan.m - start) };
}

/**
 * The per-epoch order of the examples. One generator per run, seeded once, so a run is reproducible and every
 * epoch sees a different order. Full-batch gd keeps the identity: the sum over all examples ignores the order.
 */
export class EpochShuffler {
  private readonly rng: Rng;
  constructor(
    private readonly m: number,
    private readonly settings: StepSettings,
  ) {
    this.rng = createRng(settings.rng, settings.seed);
  }

  /** The order of the next epoch: a permutation of 0..m-1. */
  next(): Int32Array {
    if (this.settings.optimizer.kind === 'gd') return Int32Array.from({ length: this.m }, (_, i) => i);
    return this.rng.permutation(this.m);
  }
}
