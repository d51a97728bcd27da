// K models of the same dims on the fast backend: in a pool of workers, one per core, when the platform gives one
// and there is more than one model; otherwise one fast trainer after another in this thread. Either way each
// model's batches, order and results are those of the same model trained alone by the fast backend.
import type { Params } from '../model/params.ts';
import type { MultiTrainer } from '../model/trainable.ts';
import { TrainerGroup } from '../model/trainer-group.ts';
import { checkParams } from '../model/validate.ts';
import { fastDescription, modelsOn } from './backend.ts';
import type { KernelBuild } from './kernels.ts';
import { type FastPool, PooledMultiTrainer } from './pool.ts';
import { createFastTrainer } from './trainer.ts';

/** Options of {@link createFastMultiTrainer}. */
export interface FastMultiOptions {
  readonly build?: KernelBuild;
  /** Workers to train in; without one (or with one thread) the models train in this thread. */
  readonly pool?: FastPool;
}

/** A fast multi-trainer of `params` (each checked first). */
export async function createFastMultiTrainer(params: readonly Params[], options: FastMultiOptions = {}): Promise<MultiTrainer> {
  if (params.length < 1) throw new RangeError('A trainer needs at least one model.');
  params.forEach((p) => checkParams(p));
  const { pool, build } = options;
  if (pool && pool.threads > 1 && params.length > 1) return PooledMultiTrainer.open(pool, params, build);
  const trainers = [];
  for (const p of params) trainers.push(await createFastTrainer(p, { build }));
  return new TrainerGroup(trainers, fastDescription(trainers[0].build, modelsOn(params.length, 1)));
}
