// K models on the CPU reference, one float64 CpuTrainer each on the same mini-batches: the reference the GPU's and
// the fast backend's K-models-at-once trainers are checked against, and what `--backend reference` sweeps with.
import type { Params } from '../model/params.ts';
import { TrainerGroup } from '../model/trainer-group.ts';
import { CpuTrainer } from './trainer.ts';

/** K independent CPU reference trainers behind the MultiTrainer interface. */
export class CpuMultiTrainer extends TrainerGroup {
  constructor(params: readonly Params[]) {
    if (params.length < 1) throw new RangeError('A trainer needs at least one model.');
    super(
      params.map((p) => new CpuTrainer(p)),
      `CPU reference (float64, JavaScript${params.length > 1 ? `, ${params.length} models` : ''})`,
    );
  }
}
