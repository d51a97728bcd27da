// K models on the CPU reference, one CpuTrainer each on the same mini-batches: the reference the GPU's
// K-models-at-once trainer is checked against, and the sweep's path where there is no GPU.
import type { Params } from '../model/params.ts';
import type { Evaluation, ModelSettings, MultiTrainer, StepSettings, TrainingData } from '../model/trainable.ts';
import { CpuTrainer } from './trainer.ts';

/** K independent CPU reference trainers behind the MultiTrainer interface. */
export class CpuMultiTrainer implements MultiTrainer {
  readonly kind = 'cpu' as const;
  readonly description = 'CPU reference (float64, JavaScript)';
  readonly dims: readonly number[];
  readonly models: number;
  private readonly trainers: CpuTrainer[];

  constructor(params: readonly Params[]) {
    if (params.length < 1) throw new RangeError('A trainer needs at least one model.');
    this.trainers = params.map((p) => new CpuTrainer(p));
    this.dims = params[0].dims;
    this.models = params.length;
  }

  async startTraining(data: TrainingData, settings: StepSettings, models?: readonly ModelSettings[]): Promise<void> {
    if (models && models.length !== this.models)
      throw new RangeError(`startTraining got settings for ${models.length} models; the trainer holds ${this.models}.`);
    await Promise.all(
      this.trainers.map((t, i) =>
        t.startTraining(data, {
          ...settings,
          optimizer: { ...settings.optimizer, lr: models?.[i]?.lr ?? settings.optimizer.lr, momentum: models?.[i]?.momentum ?? settings.optimizer.momentum },
        }),
      ),
    );
  }

  async trainEpoch(active?: readonly boolean[]): Promise<void> {
    // Every trainer draws its epoch's order, so a frozen model stays on the same shuffle as the others.
    for (const [i, t] of this.trainers.entries()) await (active && !active[i] ? t.skipEpoch() : t.trainEpoch());
  }

  async evaluate(): Promise<Evaluation[]> {
    return Promise.all(this.trainers.map((t) => t.evaluate()));
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

  readAllParams(): Promise<Params[]> {
    return Promise.all(this.trainers.map((t) => t.readParams()));
  }

  dispose(): void {}
}
