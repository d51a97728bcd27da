// The fast GPU trainer for networks the fused forward kernel fits: parameters, gradients and optimizer state each
// live in ONE flat buffer (paramLayout), the forward pass is one mlp_fused dispatch with the cache kept on the GPU,
// and a mini-batch step is 5 dispatches whatever the depth: gather, forward, every dZ (backward_fused), every
// dW/db (split over examples), and one reduce + update that also refreshes the copies the two fused kernels read.
import type { ForwardOptions, ForwardResult } from '../../model/backend.ts';
import type { Matrix } from '../../model/matrix.ts';
import { toFloat32 } from '../../model/matrix.ts';
import { type Params, validateDims } from '../../model/params.ts';
import { type Evaluation, type StepSettings, type TrainableBackend, type TrainingData } from '../../model/trainable.ts';
import { flatten, paramLayout, type ParamLayout, unflatten } from '../../model/flat-layout.ts';
import { adamStepScale } from '../../model/optimizer.ts';
import { batchPlan, type BatchPlan, batchRange, EpochShuffler } from '../../model/batches.ts';
import { BufferManager } from '../buffers.ts';
import { assertAlive, type GpuContext } from '../device.ts';
import { runForward } from '../forward.ts';
import { encodeFusedForward, type FusedParams, packFusedParams, uploadFusedParams } from '../fused.ts';
import {
  encodePrepared, type Prepared, prepareBackwardFused, prepareGather, prepareLossSum, prepareUpdate, prepareWeightGrad,
} from './fused-kernels.ts';
import {
  backwardTable, batchRows, blockTable, packTransposed, updateMaps,
} from './fused-layout.ts';
import { writeStepEntry } from './kernels.ts';
import { STEP_BYTES, WEIGHT_GRAD_CHUNK } from './tuning.ts';

const pad4 = (n: number): number => Math.ceil(n / 4) * 4;
const NO_UPDATE = { lrT: 0, epsT: 0, momentum: 0, beta1: 0, beta2: 0 } as const;

interface Run {
  readonly plan: BatchPlan;
  readonly shuffler: EpochShuffler;
  readonly settings: StepSettings;
  readonly sizes: { mTrain: number; mTest: number };
  readonly order: GPUBuffer;
  /** Step table: plan.count training entries, then one scratch entry (batchGradients). */
  readonly table: GPUBuffer;
  readonly step: GPUBuffer;
  readonly acc: GPUBuffer;
  readonly Xb: GPUBuffer;
  readonly out: GPUBuffer;
  readonly acts: GPUBuffer;
  /** Columns of every training-step matrix: the batch size rounded up to 4 (the last batch is zero-padded). */
  readonly stride: number;
  /** The training step's dispatches after the forward pass, its update, and the gradient-only update (batchGradients). */
  readonly gather: Prepared;
  readonly backward: Prepared[];
  readonly update: Prepared;
  readonly gradOnly: Prepared;
  /** Per non-empty set (train, test): its X, its size and its loss dispatch. */
  readonly evals: { X: GPUBuffer; m: number; loss: Prepared }[];
  readonly scratch: number;
  readonly owned: GPUBuffer[];
  /** Optimizer steps taken so far (Adam's t). */
  t: number;
}

/** The MLP on a GPU, trainable in place, for widths the fused forward kernel supports (see fusedSupports). */
export class FusedGpuTrainer implements TrainableBackend {
  readonly kind = 'gpu' as const;
  readonly description: string;
  readonly dims: readonly number[];
  private readonly layout: ParamLayout;
  private readonly buffers: BufferManager;
  private readonly theta: GPUBuffer;
  private readonly grad: GPUBuffer;
  /** backward_fused's transposed copy of every W (see transposedOffsets). */
  private readonly WT: GPUBuffer;
  private readonly best: { theta: GPUBuffer; P: GPUBuffer; WT: GPUBuffer };
  private readonly fused: FusedParams;
  private run?: Run;

  constructor(readonly ctx: GpuContext, params: Params) {
    validateDims(params.dims);
    this.dims = [...params.dims];
    this.layout = paramLayout(this.dims);
    this.description = `WebGPU trainer (fused) on ${ctx.description}`;
    this.buffers = new BufferManager(ctx.device, 'fused trainer');
    const b = this.buffers;
    const flat = Float32Array.from(flatten(this.layout, params.W, params.b));
    this.theta = b.upload('theta', flat);
    this.WT = b.upload('W transposed', packTransposed(this.layout, flat));
    this.grad = b.storage('grad', this.layout.size * 4);
    this.fused = uploadFusedParams(b, params);
    this.best = { theta: b.storage('best theta', this.theta.size), P: b.storage('best P', this.fused.P.size), WT: b.storage('best WT', this.WT.size) };
  }

  async setParams(params: Params): Promise<void> {
    assertAlive(this.ctx);
    if (params.dims.join() !== this.dims.join()) throw new RangeError(`setParams needs dims [${this.dims.join(', ')}].`);
    const flat = Float32Array.from(flatten(this.layout, params.W, params.b));
    this.ctx.device.queue.writeBuffer(this.theta, 0, flat);
    this.ctx.device.queue.writeBuffer(this.WT, 0, packTransposed(this.layout, flat));
    this.ctx.device.queue.writeBuffer(this.fused.P, 0, packFusedParams(params).P as Float32Array<ArrayBuffer>);
  }

  async forward(X: Matrix, options: ForwardOptions = {}): Promise<ForwardResult> {
    return runForward(this.ctx, this.buffers, this.dims, [], X, { cache: options.cache, fused: this.fused });
  }

  async startTraining(data: TrainingData, settings: StepSettings): Promise<void> {
    assertAlive(this.ctx);
    this.releaseRun();
    const { dims, ctx } = this;
    const L = dims.length - 1;
    const [n0, nL] = [dims[0], dims[L]];
    for (const [name, x, rows] of [['xTrain', data.xTrain, n0], ['yTrain', data.yTrain, nL], ['xTest', data.xTest, n0], ['yTest', data.yTest, nL]] as const) {
      if (x.rows !== rows) throw new RangeError(`${name} has ${x.rows} rows; the model needs ${rows}.`);
    }
    const [mTrain, mTest] = [data.xTrain.cols, data.xTest.cols];
    if (mTrain < 1) throw new RangeError('Training needs at least one training example.');
    const b = this.buffers;
    const owned: GPUBuffer[] = [];
    const keep = (buffer: GPUBuffer): GPUBuffer => (owned.push(buffer), buffer);
    const upload = (label: string, m: Matrix) => keep(b.upload(label, m.cols > 0 ? toFloat32(m).data : new Float32Array(1)));
    // BufferManager uploads Float32Arrays; a view of the same bytes carries u32 tables unchanged.
    const uploadU32 = (label: string, data: Uint32Array) => keep(b.upload(label, new Float32Array(data.buffer)));
    const plan = batchPlan(mTrain, settings);
    const stride = pad4(plan.batchSize);
    const rows = batchRows(dims);
    const chunk4 = WEIGHT_GRAD_CHUNK / 4;
    const chunks = Math.ceil(stride / 4 / chunk4);
    const blocks = blockTable(dims, stride);
    const set = {
      train: { X: upload('X train', data.xTrain), Y: upload('Y train', data.yTrain), m: mTrain },
      test: { X: upload('X test', data.xTest), Y: upload('Y test', data.yTest), m: mTest },
    };
    const order = keep(b.create('epoch order', mTrain * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST));
    const step = keep(b.create('step', STEP_BYTES, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST));
    const acc = keep(b.storage('loss sums', 16));
    const Xb = keep(b.storage('X batch', n0 * stride * 4));
    const Yb = keep(b.storage('Y batch', nL * stride * 4));
    const out = keep(b.storage('A_L', nL * Math.max(stride, mTrain, mTest) * 4));
    const acts = keep(b.storage('activations', rows.acts * stride * 4));
    const dZ = keep(b.storage('dZ', rows.dzRows * stride * 4));
    const partial = keep(b.storage('partial gradients', blocks.blocks * chunks * 16 * 4));
    const table = uploadU32('block table', blocks.table);
    const maps = uploadU32('update maps', updateMaps(this.layout, chunks));
    const m1 = keep(b.storage('optimizer state 1', this.theta.size));
    const m2 = keep(b.storage('optimizer state 2', this.theta.size));

    const gather = prepareGather(ctx, b, { step, ...set.train, order, Xb, Yb, acts, n0, nL, srcCols: mTrain, stride, xCopy: rows.x * stride });
    const bwTable = uploadU32('backward table', backwardTable(dims, stride));
    const backward: Prepared[] = [prepareBackwardFused(ctx, b, { step, table: bwTable, WT: this.WT, acts, Yb, dZ, layers: L, stride })];
    backward.push(prepareWeightGrad(ctx, b, { table, acts, dZ, partial, stride, chunks, chunk4, layers: L, blocks: blocks.blocks }));
    const common = { step, maps, partial, theta: this.theta, grad: this.grad, m1, m2, P: this.fused.P, WT: this.WT, count: this.layout.size, chunks };
    // The loss runs the fused forward straight on each uploaded set: no gather, no step entry, one chunk per set.
    const evals = ([[0, set.train], [1, set.test]] as const).filter(([, s]) => s.m > 0).map(([slot, s]) => ({
      X: s.X, m: s.m, loss: prepareLossSum(ctx, b, { A: out, Y: s.Y, acc, rows: nL, cols: s.m, stride: s.m, slot }),
    }));
    const entry = plan.count;
    const tableData = new ArrayBuffer((plan.count + 1) * STEP_BYTES);
    const stepTable = keep(b.create('step table', tableData.byteLength, GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST));
    ctx.device.queue.writeBuffer(stepTable, 0, tableData);
    this.run = {
      plan, settings, sizes: { mTrain, mTest }, shuffler: new EpochShuffler(mTrain, settings), order, table: stepTable, step, acc,
      Xb, out, acts, stride, gather, backward, evals, scratch: entry, owned, t: 0,
      update: prepareUpdate(ctx, b, { ...common, kind: settings.optimizer.kind }),
      gradOnly: prepareUpdate(ctx, b, { ...common, kind: 'none' }),
    };
    await this.saveBest();
  }

  async trainEpoch(): Promise<void> {
    const run = this.requireRun();
    const { plan, settings } = run;
    this.ctx.device.queue.writeBuffer(run.order, 0, Uint32Array.from(run.shuffler.next()));
    // This epoch's rows of the step table: where each mini-batch starts, its size, and its step size (Adam's depends on t).
    const entries = new ArrayBuffer(plan.count * STEP_BYTES);
    const o = settings.optimizer;
    for (let s = 0; s < plan.count; s++) {
      const { lrT, epsT } = o.kind === 'adam' ? adamStepScale(o, run.t + s + 1) : { lrT: o.lr, epsT: 0 };
      const { start, count } = batchRange(plan, s);
      writeStepEntry(entries, s, { start, count, usePerm: true, lrT, epsT, momentum: o.momentum, beta1: o.beta1, beta2: o.beta2 });
    }
    this.ctx.device.queue.writeBuffer(run.table, 0, entries);
    const encoder = this.ctx.device.createCommandEncoder({ label: `epoch (${plan.count} steps)` });
    for (let s = 0; s < plan.count; s++) this.encodeStep(encoder, s, run.update);
    this.ctx.device.queue.submit([encoder.finish()]);
    run.t += plan.count;
    await this.ctx.device.queue.onSubmittedWorkDone();
  }

  async evaluate(): Promise<Evaluation> {
    const run = this.requireRun();
    const encoder = this.ctx.device.createCommandEncoder({ label: 'evaluate' });
    encoder.clearBuffer(run.acc);
    for (const e of run.evals) {
      encodeFusedForward(this.ctx, this.buffers, encoder, { params: this.fused, X: e.X, m: e.m, out: run.out });
      this.encodePass(encoder, 'loss', [e.loss]);
    }
    const staging = this.buffers.acquireStaging(16);
    encoder.copyBufferToBuffer(run.acc, 0, staging, 0, 16);
    this.ctx.device.queue.submit([encoder.finish()]);
    const acc = await this.buffers.readStaging(staging, 4);
    const { mTrain, mTest } = run.sizes;
    return { trainLoss: acc[0] / mTrain, testLoss: mTest > 0 ? acc[2] / mTest : Number.NaN, liveOutputs: acc[1] };
  }

  async saveBest(): Promise<void> {
    this.copy([this.theta, this.fused.P, this.WT], [this.best.theta, this.best.P, this.best.WT], 'save best');
  }

  async restoreBest(): Promise<void> {
    this.copy([this.best.theta, this.best.P, this.best.WT], [this.theta, this.fused.P, this.WT], 'restore best');
  }

  async batchGradients(batch: number): Promise<Float64Array> {
    const run = this.requireRun();
    const { start, count } = batchRange(run.plan, batch);
    const entry = new ArrayBuffer(STEP_BYTES);
    writeStepEntry(entry, 0, { ...NO_UPDATE, start, count, usePerm: false });
    this.ctx.device.queue.writeBuffer(run.table, run.scratch * STEP_BYTES, entry);
    const encoder = this.ctx.device.createCommandEncoder({ label: `gradients of batch ${batch}` });
    this.encodeStep(encoder, run.scratch, run.gradOnly);
    return Float64Array.from(await this.read(encoder, this.grad));
  }

  async readParams(): Promise<Params> {
    assertAlive(this.ctx);
    return unflatten(this.layout, await this.read(this.ctx.device.createCommandEncoder({ label: 'read params' }), this.theta));
  }

  dispose(): void {
    this.releaseRun();
    this.buffers.dispose();
  }

  // One mini-batch: step entry → uniform, gather, fused forward with the cache, backward, then `update`.
  private encodeStep(encoder: GPUCommandEncoder, entry: number, update: Prepared): void {
    const run = this.requireRun();
    encoder.copyBufferToBuffer(run.table, entry * STEP_BYTES, run.step, 0, STEP_BYTES);
    this.encodePass(encoder, 'gather', [run.gather]);
    encodeFusedForward(this.ctx, this.buffers, encoder, { params: this.fused, X: run.Xb, m: run.stride, out: run.out, cache: run.acts });
    this.encodePass(encoder, 'backward + update', [...run.backward, update]);
  }

  private encodePass(encoder: GPUCommandEncoder, label: string, list: readonly Prepared[]): void {
    const pass = encoder.beginComputePass({ label });
    encodePrepared(pass, list);
    pass.end();
  }

  private copy(from: GPUBuffer[], to: GPUBuffer[], label: string): void {
    this.requireRun();
    const encoder = this.ctx.device.createCommandEncoder({ label });
    from.forEach((src, i) => encoder.copyBufferToBuffer(src, 0, to[i], 0, src.size));
    this.ctx.device.queue.submit([encoder.finish()]);
  }

  private async read(encoder: GPUCommandEncoder, src: GPUBuffer): Promise<Float32Array> {
    const staging = this.buffers.acquireStaging(src.size);
    encoder.copyBufferToBuffer(src, 0, staging, 0, src.size);
    this.ctx.device.queue.submit([encoder.finish()]);
    return Float32Array.from(await this.buffers.readStaging(staging, this.layout.size));
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
