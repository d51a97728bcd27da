// The one GPU trainer: parameters, gradients and optimizer state each live in ONE flat buffer (model/flat-layout.ts),
// the data is uploaded once per run, an epoch is one submit (a step-table entry copied into the Step uniform, then
// the program's dispatches, per mini-batch), and only the loss sums come back between epochs. What a step
// dispatches is the program's: FusedProgram (fastest, widths the fused kernels hold) or LayeredProgram (any widths).
import type { ForwardOptions, ForwardResult } from '../../model/backend.ts';
import { batchPlan, batchRange, EpochShuffler } from '../../model/batches.ts';
import { flatten, type ParamLayout, paramLayout, unflatten } from '../../model/flat-layout.ts';
import type { Matrix } from '../../model/matrix.ts';
import { toFloat32 } from '../../model/matrix.ts';
import { adamStepScale } from '../../model/optimizer.ts';
import { type Params, validateDims } from '../../model/params.ts';
import type { Evaluation, StepSettings, TrainableBackend, TrainingData } from '../../model/trainable.ts';
import { BufferManager } from '../buffers.ts';
import { assertAlive, type GpuContext } from '../device.ts';
import { fusedSupports } from '../fused.ts';
import { pad4 } from '../layout.ts';
import { Step } from '../structs.ts';
import { FusedProgram } from './fused-program.ts';
import { LayeredProgram } from './layered-program.ts';
import type { ProgramRun, RunBuffers, StepProgram } from './program.ts';

/** Which step program: `fused` where the widths fit it (fastest), `layered` (any widths), `auto` picks. */
export type TrainerKernel = 'auto' | 'fused' | 'layered';

/** The values `--kernel` accepts. */
export const TRAINER_KERNELS: readonly TrainerKernel[] = ['auto', 'fused', 'layered'];

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
  /** Optimizer steps taken so far (Adam's t). */
  t: number;
}

/** The MLP on a GPU, trainable in place. */
export class GpuTrainer implements TrainableBackend {
  readonly kind = 'gpu' as const;
  readonly description: string;
  readonly dims: readonly number[];
  private readonly layout: ParamLayout;
  private readonly buffers: BufferManager;
  private readonly theta: GPUBuffer;
  private readonly grad: GPUBuffer;
  private readonly program: StepProgram;
  /** θ and the program's copies of it, as saved by saveBest. */
  private readonly best: GPUBuffer[];
  private run?: Run;

  constructor(readonly ctx: GpuContext, params: Params, kernel: Exclude<TrainerKernel, 'auto'>) {
    validateDims(params.dims);
    this.dims = [...params.dims];
    this.layout = paramLayout(this.dims);
    this.description = `WebGPU trainer (${kernel}) on ${ctx.description}`;
    this.buffers = new BufferManager(ctx.device, `${kernel} trainer`);
    const flat = Float32Array.from(flatten(this.layout, params.W, params.b));
    this.theta = this.buffers.upload('theta', flat);
    this.grad = this.buffers.storage('grad', this.layout.size * 4);
    this.program = kernel === 'fused'
      ? new FusedProgram(ctx, this.buffers, this.layout, params, flat)
      : new LayeredProgram(ctx, this.buffers, this.layout, this.theta);
    this.best = [this.theta, ...this.program.copies].map((src, i) => this.buffers.storage(`best ${i}`, src.size));
  }

  async setParams(params: Params): Promise<void> {
    assertAlive(this.ctx);
    if (params.dims.join() !== this.dims.join()) throw new RangeError(`setParams needs dims [${this.dims.join(', ')}].`);
    const flat = Float32Array.from(flatten(this.layout, params.W, params.b));
    this.ctx.device.queue.writeBuffer(this.theta, 0, flat);
    this.program.writeCopies(flat);
  }

  async forward(X: Matrix, options: ForwardOptions = {}): Promise<ForwardResult> {
    return this.program.forward(X, options);
  }

  async startTraining(data: TrainingData, settings: StepSettings): Promise<void> {
    assertAlive(this.ctx);
    this.releaseRun();
    const [n0, nL] = [this.dims[0], this.dims[this.dims.length - 1]];
    for (const [name, x, rows] of [['xTrain', data.xTrain, n0], ['yTrain', data.yTrain, nL], ['xTest', data.xTest, n0], ['yTest', data.yTest, nL]] as const) {
      if (x.rows !== rows) throw new RangeError(`${name} has ${x.rows} rows; the model needs ${rows}.`);
    }
    const [mTrain, mTest] = [data.xTrain.cols, data.xTest.cols];
    if (mTrain < 1) throw new RangeError('Training needs at least one training example.');
    const b = this.buffers;
    const owned: GPUBuffer[] = [];
    const keep = (buffer: GPUBuffer): GPUBuffer => (owned.push(buffer), buffer);
    const upload = (label: string, m: Matrix) => keep(b.upload(label, m.cols > 0 ? toFloat32(m).data : new Float32Array(1)));
    const plan = batchPlan(mTrain, settings);
    const buffers: RunBuffers = {
      layout: this.layout, settings, plan, mTrain, mTest, stride: pad4(plan.batchSize), n0, nL,
      xTrain: upload('X train', data.xTrain), yTrain: upload('Y train', data.yTrain),
      xTest: upload('X test', data.xTest), yTest: upload('Y test', data.yTest),
      order: keep(b.create('epoch order', mTrain * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST)),
      step: keep(b.create('step', Step.bytes, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST)),
      acc: keep(b.storage('loss sums', 16)),
      theta: this.theta, grad: this.grad,
      m1: keep(b.storage('optimizer state 1', this.theta.size)),
      m2: keep(b.storage('optimizer state 2', this.theta.size)),
      storage: (label, bytes) => keep(b.storage(label, bytes)),
      // BufferManager uploads Float32Arrays; a view of the same bytes carries u32 tables unchanged.
      upload: (label, bytes) => keep(b.upload(label, new Float32Array(bytes))),
    };
    const program = this.program.startRun(buffers);
    const fixedBase = plan.count;
    const scratch = fixedBase + program.fixedEntries.length;
    const tableData = new ArrayBuffer((scratch + 1) * Step.bytes);
    program.fixedEntries.forEach((entry, i) => Step.write(entry, tableData, fixedBase + i));
    const table = keep(b.create('step table', tableData.byteLength, GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST));
    this.ctx.device.queue.writeBuffer(table, 0, tableData);
    this.run = { buffers, program, shuffler: new EpochShuffler(mTrain, settings), table, fixedBase, scratch, owned, t: 0 };
    await this.saveBest();
  }

  async trainEpoch(): Promise<void> {
    const run = this.requireRun();
    const { plan, settings } = run.buffers;
    this.ctx.device.queue.writeBuffer(run.buffers.order, 0, Uint32Array.from(run.shuffler.next()));
    // This epoch's rows of the step table: where each mini-batch starts, its size, and its step size (Adam's depends on t).
    const entries = new ArrayBuffer(plan.count * Step.bytes);
    const o = settings.optimizer;
    for (let s = 0; s < plan.count; s++) {
      const { lrT, epsT } = o.kind === 'adam' ? adamStepScale(o, run.t + s + 1) : { lrT: o.lr, epsT: 0 };
      const { start, count } = batchRange(plan, s);
      Step.write({ start, count, usePerm: 1, lrT, epsT, momentum: o.momentum, beta1: o.beta1, beta2: o.beta2 }, entries, s);
    }
    this.ctx.device.queue.writeBuffer(run.table, 0, entries);
    const encoder = this.ctx.device.createCommandEncoder({ label: `epoch (${plan.count} steps)` });
    for (let s = 0; s < plan.count; s++) {
      this.selectEntry(encoder, s);
      run.program.encodeStep(encoder, 'update');
    }
    this.ctx.device.queue.submit([encoder.finish()]);
    run.t += plan.count;
    await this.ctx.device.queue.onSubmittedWorkDone();
  }

  async evaluate(): Promise<Evaluation> {
    const run = this.requireRun();
    const encoder = this.ctx.device.createCommandEncoder({ label: 'evaluate' });
    encoder.clearBuffer(run.buffers.acc);
    run.program.encodeEvaluate(encoder, (e, fixed) => this.selectEntry(e, run.fixedBase + fixed));
    const acc = await this.read(encoder, run.buffers.acc, 4);
    const { mTrain, mTest } = run.buffers;
    return { trainLoss: acc[0] / mTrain, testLoss: mTest > 0 ? acc[2] / mTest : Number.NaN, liveOutputs: acc[1] };
  }

  async saveBest(): Promise<void> {
    this.requireRun();
    this.copy([this.theta, ...this.program.copies], this.best, 'save best');
  }

  async restoreBest(): Promise<void> {
    this.requireRun();
    this.copy(this.best, [this.theta, ...this.program.copies], 'restore best');
  }

  async batchGradients(batch: number): Promise<Float64Array> {
    const run = this.requireRun();
    const { start, count } = batchRange(run.buffers.plan, batch);
    this.ctx.device.queue.writeBuffer(run.table, run.scratch * Step.bytes, Step.write({ ...NO_UPDATE, start, count, usePerm: 0 }));
    const encoder = this.ctx.device.createCommandEncoder({ label: `gradients of batch ${batch}` });
    this.selectEntry(encoder, run.scratch);
    run.program.encodeStep(encoder, 'gradient');
    return Float64Array.from(await this.read(encoder, this.grad, this.layout.size));
  }

  async readParams(): Promise<Params> {
    assertAlive(this.ctx);
    const flat = await this.read(this.ctx.device.createCommandEncoder({ label: 'read params' }), this.theta, this.layout.size);
    return unflatten(this.layout, flat);
  }

  dispose(): void {
    this.releaseRun();
    this.buffers.dispose();
  }

  // Copies step-table entry `entry` into the Step uniform every training kernel reads.
  private selectEntry(encoder: GPUCommandEncoder, entry: number): void {
    encoder.copyBufferToBuffer(this.requireRun().table, entry * Step.bytes, this.requireRun().buffers.step, 0, Step.bytes);
  }

  private copy(from: readonly GPUBuffer[], to: readonly GPUBuffer[], label: string): void {
    const encoder = this.ctx.device.createCommandEncoder({ label });
    from.forEach((src, i) => encoder.copyBufferToBuffer(src, 0, to[i], 0, src.size));
    this.ctx.device.queue.submit([encoder.finish()]);
  }

  private async read(encoder: GPUCommandEncoder, src: GPUBuffer, count: number): Promise<Float32Array> {
    const staging = this.buffers.acquireStaging(src.size);
    encoder.copyBufferToBuffer(src, 0, staging, 0, src.size);
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

/**
 * A GPU trainer on `ctx` starting from `params`. `auto` takes the fused program wherever the fused forward kernel
 * fits the widths (bench/TRAINING.md has the figures), and the layered one otherwise.
 */
export function createGpuTrainer(ctx: GpuContext, params: Params, kernel: TrainerKernel = 'auto'): TrainableBackend {
  const fits = fusedSupports(params.dims);
  if (kernel === 'fused' && !fits) throw new RangeError(`The fused trainer does not fit dims [${params.dims.join(', ')}]; use the layered kernels.`);
  return new GpuTrainer(ctx, params, kernel === 'layered' || !fits ? 'layered' : 'fused');
}
