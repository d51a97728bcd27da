// The one GPU trainer, for K ≥ 1 models of the same dims trained on the same mini-batches in the same dispatches:
// parameters, gradients and optimizer state are K flat vectors back to back (model/flat-layout.ts), the data is
// uploaded once per run, an epoch is one submit (a step-table entry copied into the Step uniform, then the
// program's dispatches, per mini-batch), and only the loss sums come back between epochs. What a step dispatches
// is the program's: FusedProgram (fastest, widths the fused kernels hold, any K) or LayeredProgram (any widths, K = 1).
import type { ForwardOptions, ForwardResult } from '../../model/backend.ts';
import { batchPlan, batchRange, EpochShuffler } from '../../model/batches.ts';
import { foldWeightRows } from '../../model/folds.ts';
import { checkTrainingData, epochStepTable, fixedStepTable } from './step-table.ts';
import { flatten, type ParamLayout, paramLayout, unflatten } from '../../model/flat-layout.ts';
import type { Matrix } from '../../model/matrix.ts';
import { toFloat32 } from '../../model/matrix.ts';
import { type Params } from '../../model/params.ts';
import { checkDims } from '../../model/validate.ts';
import type { Evaluation, ModelSettings, MultiTrainer, StepSettings, TrainingData } from '../../model/trainable.ts';
import { BufferManager } from '../buffers.ts';
import { assertAlive, type GpuContext, withErrorScopes } from '../device.ts';
import { GpuEnsemble } from '../ensemble.ts';
import { pad4 } from '../packing.ts';
import { MAX_MODELS, ModelHyper, Step } from '../structs.ts';
import { FusedProgram } from './fused-program.ts';
import { LayeredProgram } from './layered-program.ts';
import type { DataSet, ProgramRun, RunBuffers, StepProgram, TrainerKernel } from './program.ts';

const NO_UPDATE = { lrT: 0, epsT: 0, momentum: 0, beta1: 0, beta2: 0 } as const;

interface Run {
  readonly buffers: RunBuffers;
  readonly program: ProgramRun;
  readonly shuffler: EpochShuffler;
  /** Step table: plan.count training entries, the program's fixed entries, then one scratch entry. */
  readonly table: GPUBuffer;
  readonly fixedBase: number;
  readonly scratch: number;
  readonly owned: GPUBuffer[];
  /** Each model's lr and μ; a stopped model's lr is written as 0. */
  readonly hyper: ModelSettings[];
  /** With folds, each model's count of own-fold columns (its validation rows); null without. */
  readonly held: number[] | null;
  /** Which models took steps in the last epoch (the hyper uniform as it stands). */
  active: boolean[];
  /** Optimizer steps taken so far (Adam's t). */
  t: number;
}

/** K MLPs on a GPU, trainable in place. */
export class GpuTrainer implements MultiTrainer {
  readonly kind = 'gpu' as const;
  readonly description: string;
  readonly dims: readonly number[];
  readonly models: number;
  private readonly layout: ParamLayout;
  private readonly buffers: BufferManager;
  private readonly theta: GPUBuffer;
  private readonly grad: GPUBuffer;
  private readonly program: StepProgram;
  /** θ and the program's copies of it, as saveBest left them, with the bytes per model of each. */
  private readonly best: { from: GPUBuffer; to: GPUBuffer; perModel: number }[];
  private run?: Run;

  constructor(
    readonly ctx: GpuContext,
    params: readonly Params[],
    kernel: Exclude<TrainerKernel, 'auto'>,
  ) {
    if (params.length < 1 || params.length > MAX_MODELS) throw new RangeError(`A GPU trainer holds 1 to ${MAX_MODELS} models, not ${params.length}.`);
    checkDims(params[0].dims);
    if (params.some((p) => p.dims.join() !== params[0].dims.join())) throw new RangeError('Models trained together need the same dims.');
    this.dims = [...params[0].dims];
    this.models = params.length;
    this.layout = paramLayout(this.dims);
    this.description = `WebGPU trainer (${kernel}${this.models > 1 ? `, ${this.models} models` : ''}) on ${ctx.description}`;
    this.buffers = new BufferManager(ctx.device, `${kernel} trainer`);
    const flat = this.flatOf(params);
    this.theta = this.buffers.upload('theta', flat);
    this.grad = this.buffers.storage('grad', flat.byteLength);
    this.program =
      kernel === 'fused' ? new FusedProgram(ctx, this.buffers, this.layout, params, flat) : new LayeredProgram(ctx, this.buffers, this.layout, this.theta);
    const parts = [{ buffer: this.theta, perModel: this.layout.size * 4 }, ...this.program.copies];
    this.best = parts.map(({ buffer, perModel }, i) => ({ from: buffer, to: this.buffers.storage(`best ${i}`, buffer.size), perModel }));
  }

  /** For one model (K = 1): replaces its parameters. */
  async setParams(params: Params): Promise<void> {
    assertAlive(this.ctx);
    if (this.models !== 1) throw new Error('setParams works on a trainer of one model.');
    if (params.dims.join() !== this.dims.join()) throw new RangeError(`setParams needs dims [${this.dims.join(', ')}].`);
    const flat = this.flatOf([params]);
    this.ctx.device.queue.writeBuffer(this.theta, 0, flat);
    this.program.writeCopies(flat);
  }

  /** For one model (K = 1): a forward pass with the current parameters. */
  async forward(X: Matrix, options: ForwardOptions = {}): Promise<ForwardResult> {
    return this.program.forward(X, options);
  }

  async startTraining(data: TrainingData, settings: StepSettings, models?: readonly ModelSettings[]): Promise<void> {
    assertAlive(this.ctx);
    this.releaseRun();
    const [n0, nL] = [this.dims[0], this.dims[this.dims.length - 1]];
    checkTrainingData(this.dims, data);
    if (models && models.length !== this.models)
      throw new RangeError(`startTraining got settings for ${models.length} models; the trainer holds ${this.models}.`);
    const mTrain = data.xTrain.cols;
    const b = this.buffers;
    const owned: GPUBuffer[] = [];
    const keep = (buffer: GPUBuffer): GPUBuffer => (owned.push(buffer), buffer);
    const upload = (label: string, m: Matrix | undefined) => keep(b.upload(label, m && m.cols > 0 ? toFloat32(m).data : new Float32Array(1)));
    const set = (name: string, X: Matrix | undefined, Y: Matrix | undefined, slot: number): DataSet => ({
      X: upload(`X ${name}`, X),
      Y: upload(`Y ${name}`, Y),
      m: X?.cols ?? 0,
      slot,
    });
    const train = set('train', data.xTrain, data.yTrain, 0);
    const sets = [train, set('test', data.xTest, data.yTest, 1), set('validation', data.xVal, data.yVal, 2)];
    const plan = batchPlan(mTrain, settings);
    const hyper = Array.from({ length: this.models }, (_, i) => ({
      lr: models?.[i]?.lr ?? settings.optimizer.lr,
      momentum: models?.[i]?.momentum ?? settings.optimizer.momentum,
    }));
    // Cross-validated members: one row of column weights per model, 0 on its own fold (model/folds.ts).
    const folds = foldWeightRows(data, models?.map((m) => m.fold) ?? []);
    const buffers: RunBuffers = {
      layout: this.layout,
      settings,
      plan,
      stride: pad4(plan.batchSize),
      n0,
      nL,
      models: this.models,
      sets,
      train,
      order: keep(b.create('epoch order', mTrain * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST)),
      weights: keep(b.upload('row weights', folds?.weights ?? new Float32Array(1))),
      weightStride: folds ? mTrain : 0,
      step: keep(b.create('step', Step.bytes, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST)),
      hyper: keep(b.create('model settings', MAX_MODELS * ModelHyper.bytes, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST)),
      acc: keep(b.storage('loss sums', this.models * 8 * 4)),
      theta: this.theta,
      grad: this.grad,
      m1: keep(b.storage('optimizer state 1', this.theta.size)),
      m2: keep(b.storage('optimizer state 2', this.theta.size)),
      storage: (label, bytes) => keep(b.storage(label, bytes)),
      // BufferManager uploads Float32Arrays; a view of the same bytes carries u32 tables unchanged.
      upload: (label, bytes) => keep(b.upload(label, new Float32Array(bytes))),
    };
    const program = this.program.startRun(buffers);
    const { fixedBase, scratch, tableData } = fixedStepTable(plan, program.fixedEntries);
    const table = keep(b.create('step table', tableData.byteLength, GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST));
    this.ctx.device.queue.writeBuffer(table, 0, tableData);
    const [shuffler, held] = [new EpochShuffler(mTrain, settings), folds?.held ?? null];
    this.run = { buffers, program, shuffler, table, fixedBase, scratch, owned, hyper, held, active: [], t: 0 };
    this.writeHyper(hyper.map(() => true));
    await this.saveBest(hyper.map((_, i) => i));
  }

  async trainEpoch(active?: readonly boolean[]): Promise<void> {
    return withErrorScopes(this.ctx, 'training an epoch', async () => {
      const run = this.requireRun();
      if (active) this.writeHyper(active);
      else if (run.active.some((a) => !a)) this.writeHyper(run.hyper.map(() => true));
      const { plan, settings } = run.buffers;
      this.ctx.device.queue.writeBuffer(run.buffers.order, 0, Uint32Array.from(run.shuffler.next()));
      // This epoch's rows of the step table: where each mini-batch starts, its size, and the step-size factor (Adam's
      // depends on t; each model multiplies it by its own lr).
      this.ctx.device.queue.writeBuffer(run.table, 0, epochStepTable(plan, settings, run.t));
      const encoder = this.ctx.device.createCommandEncoder({ label: `epoch (${plan.count} steps, ${this.models} models)` });
      for (let s = 0; s < plan.count; s++) {
        this.selectEntry(encoder, s);
        run.program.encodeStep(encoder, 'update');
      }
      this.ctx.device.queue.submit([encoder.finish()]);
      run.t += plan.count;
      await this.ctx.device.queue.onSubmittedWorkDone();
    });
  }

  async evaluate(): Promise<Evaluation[]> {
    return withErrorScopes(this.ctx, 'evaluating the losses', async () => {
      const run = this.requireRun();
      const encoder = this.ctx.device.createCommandEncoder({ label: 'evaluate' });
      encoder.clearBuffer(run.buffers.acc);
      run.program.encodeEvaluate(encoder, (e, fixed) => this.selectEntry(e, run.fixedBase + fixed));
      const acc = await this.read(encoder, run.buffers.acc, this.models * 8);
      const [train, test, val] = run.buffers.sets;
      const loss = (sum: number, m: number) => (m > 0 ? sum / m : Number.NaN);
      const held = (i: number) => run.held?.[i] ?? 0; // with folds, its own fold is its validation set
      return Array.from({ length: this.models }, (_, i) => ({
        trainLoss: acc[8 * i] / (train.m - held(i)),
        testLoss: loss(acc[8 * i + 2], test.m),
        valLoss: run.held ? loss(acc[8 * i + 4], held(i)) : loss(acc[8 * i + 4], val.m),
        liveOutputs: acc[8 * i + 1],
      }));
    });
  }

  async saveBest(models: readonly number[]): Promise<void> {
    this.requireRun();
    this.copyModels(models, 'save best', (p) => [p.from, p.to]);
  }

  async restoreBest(): Promise<void> {
    this.requireRun();
    this.copyModels([...Array(this.models).keys()], 'restore best', (p) => [p.to, p.from]);
  }

  async batchGradients(batch: number, model: number): Promise<Float64Array> {
    return withErrorScopes(this.ctx, 'computing gradients', async () => {
      const run = this.requireRun();
      const { start, count } = batchRange(run.buffers.plan, batch);
      this.ctx.device.queue.writeBuffer(run.table, run.scratch * Step.bytes, Step.write({ ...NO_UPDATE, start, count, usePerm: 0 }));
      const encoder = this.ctx.device.createCommandEncoder({ label: `gradients of batch ${batch}` });
      this.selectEntry(encoder, run.scratch);
      run.program.encodeStep(encoder, 'gradient');
      const all = await this.read(encoder, this.grad, this.models * this.layout.size);
      return Float64Array.from(all.subarray(model * this.layout.size, (model + 1) * this.layout.size));
    });
  }

  async readParams(model: number): Promise<Params> {
    assertAlive(this.ctx);
    if (!(model >= 0 && model < this.models)) throw new RangeError(`Model ${model} is not one of this trainer's ${this.models}.`);
    const size = this.layout.size;
    const one = await this.read(this.ctx.device.createCommandEncoder({ label: `read params of model ${model}` }), this.theta, size, model * size);
    return unflatten(this.layout, one);
  }

  async readAllParams(): Promise<Params[]> {
    assertAlive(this.ctx);
    const size = this.layout.size;
    const all = await this.read(this.ctx.device.createCommandEncoder({ label: "read every model's params" }), this.theta, this.models * size);
    return Array.from({ length: this.models }, (_, i) => unflatten(this.layout, all.subarray(i * size, (i + 1) * size)));
  }

  /**
   * Every model as an ensemble on the packed copies this trainer already holds on the device (the fused program's,
   * which saveBest/restoreBest keep with θ): nothing is read back or uploaded again. Valid until dispose(); null
   * for the layered program, which keeps no packed copy.
   */
  membersEnsemble(): GpuEnsemble | null {
    const fused = this.program.packedParams;
    return fused ? new GpuEnsemble(this.ctx, fused) : null;
  }

  dispose(): void {
    this.releaseRun();
    this.buffers.dispose();
  }

  private flatOf(params: readonly Params[]): Float32Array<ArrayBuffer> {
    const flat = new Float32Array(params.length * this.layout.size);
    params.forEach((p, i) => flat.set(flatten(this.layout, p.W, p.b), i * this.layout.size));
    return flat;
  }

  // Writes each model's lr (0 when it is not active, so it does not move) and μ into the hyper uniform.
  private writeHyper(active: readonly boolean[]): void {
    const run = this.requireRun();
    if (active.length !== this.models) throw new RangeError(`trainEpoch got ${active.length} activity flags for ${this.models} models.`);
    const rows = run.hyper.map((h, i) => ({ lr: active[i] ? h.lr : 0, momentum: h.momentum ?? 0 }));
    this.ctx.device.queue.writeBuffer(run.buffers.hyper, 0, ModelHyper.table(rows));
    run.active = [...active];
  }

  // Copies step-table entry `entry` into the Step uniform every training kernel reads.
  private selectEntry(encoder: GPUCommandEncoder, entry: number): void {
    const run = this.requireRun();
    encoder.copyBufferToBuffer(run.table, entry * Step.bytes, run.buffers.step, 0, Step.bytes);
  }

  private copyModels(models: readonly number[], label: string, pick: (p: GpuTrainer['best'][number]) => [GPUBuffer, GPUBuffer]): void {
    const encoder = this.ctx.device.createCommandEncoder({ label });
    for (const part of this.best) {
      const [from, to] = pick(part);
      for (const i of models) encoder.copyBufferToBuffer(from, i * part.perModel, to, i * part.perModel, part.perModel);
    }
    this.ctx.device.queue.submit([encoder.finish()]);
  }

  // `count` floats of `src` from float `offset` on, in one copy and one map.
  private async read(encoder: GPUCommandEncoder, src: GPUBuffer, count: number, offset = 0): Promise<Float32Array> {
    const staging = this.buffers.acquireStaging(count * 4);
    encoder.copyBufferToBuffer(src, offset * 4, staging, 0, count * 4);
    this.ctx.device.queue.submit([encoder.finish()]);
    return Float32Array.from(await this.buffers.readStaging(staging, count));
  }

  private releaseRun(): void {
    for (const buffer of this.run?.owned ?? []) this.buffers.destroy(buffer);
    this.run = undefined;
  }

  private requireRun(): Run {
    if (!this.run) throw new Error('startTraining must be called before training.');
    return this.run;
  }
}
