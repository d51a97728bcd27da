// K single-model trainers behind the MultiTrainer interface, each on the same mini-batches: the CPU reference's K
// models, the fast backend's K models in one thread (or in one worker of a pool), and one model for the training
// loop. Every trainer draws its epoch's order even when it sits an epoch out, so all stay on one shuffle.
import type { Params } from './params.ts';
import type { Evaluation, ModelSettings, MultiTrainer, StepSettings, TrainableBackend, TrainingData } from './trainable.ts';

/** A trainer a group can hold: one that can also sit an epoch out while drawing its order. */
export type GroupMember = TrainableBackend & { skipEpoch?(): Promise<void> };

/** The settings of model i: the shared ones with its own lr, μ and fold. */
export function modelStepSettings(settings: StepSettings, model?: ModelSettings): StepSettings {
  if (!model) return settings;
  return {
    ...settings,
    optimizer: { ...settings.optimizer, lr: model.lr, momentum: model.momentum ?? settings.optimizer.momentum },
    ...(model.fold === undefined ? {} : { fold: model.fold }),
  };
}

/** K independent trainers as one MultiTrainer. */
export class TrainerGroup implements MultiTrainer {
  readonly kind: MultiTrainer['kind'];
  readonly dims: readonly number[];
  readonly models: number;

  constructor(
    private readonly trainers: readonly GroupMember[],
    readonly description = trainers[0]?.description ?? '',
  ) {
    if (trainers.length < 1) throw new RangeError('A trainer needs at least one model.');
    this.kind = trainers[0].kind;
    this.dims = trainers[0].dims;
    this.models = trainers.length;
  }

  async startTraining(data: TrainingData, settings: StepSettings, models?: readonly ModelSettings[]): Promise<void> {
    if (models && models.length !== this.models) {
      throw new RangeError(`startTraining got settings for ${models.length} models; the trainer holds ${this.models}.`);
    }
    for (const [i, t] of this.trainers.entries()) await t.startTraining(data, modelStepSettings(settings, models?.[i]));
  }

  async trainEpoch(active?: readonly boolean[]): Promise<void> {
    for (const [i, t] of this.trainers.entries()) {
      if (!active || active[i]) await t.trainEpoch();
      else if (t.skipEpoch) await t.skipEpoch();
      else throw new Error(`${t.description} cannot sit an epoch out.`);
    }
  }

  async evaluate(): Promise<Evaluation[]> {
    const out: Evaluation[] = [];
    for (const t of this.trainers) out.push(await t.evaluate());
    return out;
  }

  async saveBest(models: readonly number[]): Promise<void> {
    for (const i of models) await this.trainers[i].saveBest();
  }

  async restoreBest(): Promise<void> {
    for (const t of this.trainers) await t.restoreBest();
  }

  batchGradients(batch: number, model: number): Promise<Float64Array> {
    return this.trainers[model].batchGradients(batch);
  }

  readParams(model: number): Promise<Params> {
    return this.trainers[model].readParams();
  }

  async readAllParams(): Promise<Params[]> {
    const out: Params[] = [];
    for (const t of this.trainers) out.push(await t.readParams());
    return out;
  }

  dispose(): void {
    for (const t of this.trainers) t.dispose();
  }
}
