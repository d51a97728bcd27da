// What one worker of the fast pool runs: a group of fast trainers (some of a sweep's K models) behind plain
// methods that a messaging library (comlink) exposes to the main thread. Nothing here knows about threads.
import type { Matrix } from '../model/matrix.ts';
import type { Params } from '../model/params.ts';
import type { Evaluation, ModelSettings, StepSettings, TrainingData } from '../model/trainable.ts';
import { TrainerGroup } from '../model/trainer-group.ts';
import type { KernelBuild } from './kernels.ts';
import { createFastTrainer, type FastTrainer } from './trainer.ts';

/** The methods a pool worker offers; each mirrors MultiTrainer over the worker's own models. */
export interface GroupHost {
  /** Builds fast trainers for these models (replacing any earlier ones); resolves to the kernel build they run. */
  open(params: readonly Params[], build?: KernelBuild): Promise<KernelBuild>;
  startTraining(data: TrainingData, settings: StepSettings, models?: readonly ModelSettings[]): Promise<void>;
  trainEpoch(active?: readonly boolean[]): Promise<void>;
  evaluate(): Promise<Evaluation[]>;
  saveBest(models: readonly number[]): Promise<void>;
  restoreBest(): Promise<void>;
  batchGradients(batch: number, model: number): Promise<Float64Array>;
  readParams(model: number): Promise<Params>;
  readAllParams(): Promise<Params[]>;
  /** Each of the worker's models' A_L for X, with their current parameters. */
  forwardMembers(X: Matrix): Promise<Matrix[]>;
  /** Throws `message` as an Error: how tests make a worker fail. */
  fail(message: string): Promise<never>;
  close(): void;
}

/** A group host with no models yet. */
export function createGroupHost(): GroupHost {
  let group: TrainerGroup | null = null;
  let trainers: FastTrainer[] = [];
  const need = (): TrainerGroup => {
    if (!group) throw new Error('The worker holds no models; open() comes first.');
    return group;
  };
  return {
    async open(params, build) {
      group?.dispose();
      group = null;
      trainers = [];
      for (const p of params) trainers.push(await createFastTrainer(p, { build }));
      group = new TrainerGroup(trainers);
      return trainers[0].build;
    },
    startTraining: (data, settings, models) => need().startTraining(data, settings, models),
    trainEpoch: (active) => need().trainEpoch(active),
    evaluate: () => need().evaluate(),
    saveBest: (models) => need().saveBest(models),
    restoreBest: () => need().restoreBest(),
    batchGradients: (batch, model) => need().batchGradients(batch, model),
    readParams: (model) => need().readParams(model),
    readAllParams: () => need().readAllParams(),
    async forwardMembers(X) {
      need();
      const out: Matrix[] = [];
      for (const t of trainers) out.push((await t.forward(X)).out);
      return out;
    },
    fail: (message) => Promise.reject(new Error(message)),
    close() {
      group?.dispose();
      group = null;
      trainers = [];
    },
  };
}
