// Trains the MLP on the GPU: data uploaded once, one submit per epoch (forward with cache, backward, update per
// mini-batch), and only scalars (the losses) read back between epochs. Implements TrainableBackend.
import type { ForwardOptions, ForwardResult } from '../../model/backend.ts';
import type { Matrix } from '../../model/matrix.ts';
import { toFloat32 } from '../../model/matrix.ts';
import { type Params, validateDims } from '../../model/params.ts';
import { type Evaluation, type StepSettings, type TrainableBackend, type TrainingData } from '../../model/trainable.ts';
import { flatten, paramLayout } from '../../model/flat-layout.ts';
import { adamStepScale } from '../../model/optimizer.ts';
import { batchPlan, type BatchPlan, batchRange, EpochShuffler } from '../../model/batches.ts';
import { BufferManager } from '../buffers.ts';
import { assertAlive, type GpuContext } from '../device.ts';
import { encodeForward, type LayerBuffers, runForward, uploadParams } from '../forward.ts';
import {
  encodeBackpropDz, encodeGather, encodeMseGrad, encodeMseSum, encodeUpdate, encodeWeightGrad, writeStepEntry,
} from './kernels.ts';
import { EVAL_CHUNK_COLUMNS, STEP_BYTES } from './tuning.ts';
import { fusedSupports } from '../fused.ts';
import { FusedGpuTrainer } from './fused-trainer.ts';

interface Workspace {
  readonly Xb: GPUBuffer;
  readonly Yb: GPUBuffer;
  readonly Z: GPUBuffer[];
  readonly A: GPUBuffer[];
  readonly dZ: GPUBuffer[];
}

interface Run {
  readonly settings: StepSettings;
  readonly plan: BatchPlan;
  readonly shuffler: EpochShuffler;
  readonly mTrain: number;
  readonly mTest: number;
  readonly data: { xTrain: GPUBuffer; yTrain: GPUBuffer; xTest: GPUBuffer; yTest: GPUBuffer };
  readonly order: GPUBuffer;
  /** Step table: plan.count training entries, then evaluation chunks, then one scratch entry. */
  readonly table: GPUBuffer;
  readonly evalChunk: number;
  readonly evalBase: number;
  readonly scratch: number;
  /** The uniform every kernel reads as `stepInfo`; each step copies its table entry into it. */
  readonly step: GPUBuffer;
  readonly acc: GPUBuffer;
  readonly ws: Workspace;
  /** Optimizer state per layer: [W state…] and [b state…] (velocity, or the two Adam moments). */
  readonly state: { W: GPUBuffer[]; b: GPUBuffer[] }[];
  readonly best: LayerBuffers[];
  /** Optimizer steps taken so far (Adam's t). */
  t: number;
}

/** The MLP on a GPU, trainable in place. Parameters live in float32 buffers, one per W_l and b_l. */
export class GpuTrainer implements TrainableBackend {
  readonly kind = 'gpu' as const;
  readonly description: string;
  readonly dims: readonly number[];
  private readonly buffers: BufferManager;
  private readonly layers: LayerBuffers[];
  private readonly grads: LayerBuffers[];
  private run?: Run;

  constructor(readonly ctx: GpuContext, params: Params) {
    validateDims(params.dims);
    this.dims = [...params.dims];
    this.description = `WebGPU trainer on ${ctx.description}`;
    this.buffers = new BufferManager(ctx.device, 'trainer');
    this.layers = uploadParams(this.buffers, params);
    this.grads = params.W.map((W, l) => ({
      W: this.buffers.storage(`dW${l + 1}`, W.data.length * 4),
      b: this.buffers.storage(`db${l + 1}`, params.b[l].length * 4),
    }));
  }

  async setParams(params: Params): Promise<void> {
    assertAlive(this.ctx);
    if (params.dims.join() !== this.dims.join()) throw new RangeError(`setParams needs dims [${this.dims.join(', ')}].`);
    params.W.forEach((W, l) => {
      this.ctx.device.queue.writeBuffer(this.layers[l].W, 0, Float32Array.from(W.data));
      this.ctx.device.queue.writeBuffer(this.layers[l].b, 0, Float32Array.from(params.b[l]));
    });
  }

  async forward(X: Matrix, options: ForwardOptions = {}): Promise<ForwardResult> {
    return runForward(this.ctx, this.buffers, this.dims, this.layers, X, { cache: options.cache });
  }

  async startTraining(data: TrainingData, settings: StepSettings): Promise<void> {
    assertAlive(this.ctx);
    this.releaseRun();
    const L = this.dims.length - 1;
    const [n0, nL] = [this.dims[0], this.dims[L]];
    for (const [name, x, rows] of [['xTrain', data.xTrain, n0], ['yTrain', data.yTrain, nL], ['xTest', data.xTest, n0], ['yTest', data.yTest, nL]] as const) {
      if (x.rows !== rows) throw new RangeError(`${name} has ${x.rows} rows; the model needs ${rows}.`);
    }
    const mTrain = data.xTrain.cols;
    const mTest = data.xTest.cols;
    if (mTrain < 1) throw new RangeError('Training needs at least one training example.');
    const plan = batchPlan(mTrain, settings);
    const evalChunk = Math.min(EVAL_CHUNK_COLUMNS, Math.max(mTrain, mTest));
    const cap = Math.max(plan.batchSize, evalChunk);
    const evalEntries = Math.ceil(mTrain / evalChunk) + Math.ceil(mTest / evalChunk);
    const b = this.buffers;
    const upload = (label: string, m: Matrix) => b.upload(label, m.cols > 0 ? toFloat32(m).data : new Float32Array(1));
    const table = b.create('step table', (plan.count + evalEntries + 1) * STEP_BYTES, GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST);
    const tableData = new ArrayBuffer(table.size);
    const scratch = plan.count + evalEntries;
    // Evaluation chunks never change: written once here, as the data is.
    let e = plan.count;
    for (const m of [mTrain, mTest]) {
      for (let start = 0; start < m; start += evalChunk) writeStepEntry(tableData, e++, { ...NO_UPDATE, start, usePerm: false });
    }
    this.ctx.device.queue.writeBuffer(table, 0, tableData);
    const perLayer = (prefix: string, rows: (l: number) => number) =>
      this.dims.slice(1).map((_, l) => b.storage(`${prefix}${l + 1} (batch)`, rows(l) * cap * 4));
    const stateCount = settings.optimizer.kind === 'adam' ? 2 : settings.optimizer.kind === 'momentum' ? 1 : 0;
    this.run = {
      settings, plan, mTrain, mTest, evalChunk, scratch, table,
      shuffler: new EpochShuffler(mTrain, settings),
      data: { xTrain: upload('X train', data.xTrain), yTrain: upload('Y train', data.yTrain), xTest: upload('X test', data.xTest), yTest: upload('Y test', data.yTest) },
      order: b.create('epoch order', mTrain * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST),
      evalBase: plan.count,
      step: b.create('step', STEP_BYTES, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST),
      acc: b.storage('loss sums', 16),
      ws: {
        Xb: b.storage('X batch', n0 * cap * 4),
        Yb: b.storage('Y batch', nL * cap * 4),
        Z: perLayer('Z', (l) => this.dims[l + 1]),
        A: perLayer('A', (l) => this.dims[l + 1]),
        dZ: perLayer('dZ', (l) => this.dims[l + 1]),
      },
      state: this.layers.map((layer, l) => ({
        W: Array.from({ length: stateCount }, (_, s) => b.storage(`state${s} W${l + 1}`, layer.W.size)),
        b: Array.from({ length: stateCount }, (_, s) => b.storage(`state${s} b${l + 1}`, layer.b.size)),
      })),
      best: this.layers.map((layer, l) => ({ W: b.storage(`best W${l + 1}`, layer.W.size), b: b.storage(`best b${l + 1}`, layer.b.size) })),
      t: 0,
    };
    await this.saveBest();
  }

  async trainEpoch(): Promise<void> {
    const run = this.requireRun();
    const { plan, settings } = run;
    const order = run.shuffler.next();
    this.ctx.device.queue.writeBuffer(run.order, 0, Uint32Array.from(order));
    // This epoch's rows of the step table: where each mini-batch starts and its step size (Adam's depends on t).
    const entries = new ArrayBuffer(plan.count * STEP_BYTES);
    const o = settings.optimizer;
    for (let s = 0; s < plan.count; s++) {
      const { lrT, epsT } = o.kind === 'adam' ? adamStepScale(o, run.t + s + 1) : { lrT: o.lr, epsT: 0 };
      writeStepEntry(entries, s, { start: batchRange(plan, s).start, usePerm: true, lrT, epsT, momentum: o.momentum, beta1: o.beta1, beta2: o.beta2 });
    }
    this.ctx.device.queue.writeBuffer(run.table, 0, entries);
    const encoder = this.ctx.device.createCommandEncoder({ label: `epoch (${plan.count} steps)` });
    for (let s = 0; s < plan.count; s++) this.encodeBatch(encoder, s, batchRange(plan, s).count, true);
    this.ctx.device.queue.submit([encoder.finish()]);
    run.t += plan.count;
    await this.ctx.device.queue.onSubmittedWorkDone();
  }

  async evaluate(): Promise<Evaluation> {
    const run = this.requireRun();
    const encoder = this.ctx.device.createCommandEncoder({ label: 'evaluate' });
    encoder.clearBuffer(run.acc);
    let e = run.evalBase;
    for (const [slot, m] of [[0, run.mTrain], [1, run.mTest]] as const) {
      for (let start = 0; start < m; start += run.evalChunk) {
        this.encodeLoss(encoder, e++, slot, Math.min(run.evalChunk, m - start));
      }
    }
    const staging = this.buffers.acquireStaging(16);
    encoder.copyBufferToBuffer(run.acc, 0, staging, 0, 16);
    this.ctx.device.queue.submit([encoder.finish()]);
    const acc = await this.buffers.readStaging(staging, 4);
    return {
      trainLoss: acc[0] / run.mTrain,
      testLoss: run.mTest > 0 ? acc[2] / run.mTest : Number.NaN,
      liveOutputs: acc[1],
    };
  }

  async saveBest(): Promise<void> {
    const run = this.requireRun();
    this.copyParams(this.layers, run.best, 'save best');
  }

  async restoreBest(): Promise<void> {
    const run = this.requireRun();
    this.copyParams(run.best, this.layers, 'restore best');
  }

  async batchGradients(batch: number): Promise<Float64Array> {
    const run = this.requireRun();
    const { start, count } = batchRange(run.plan, batch);
    const entry = new ArrayBuffer(STEP_BYTES);
    writeStepEntry(entry, 0, { ...NO_UPDATE, start, usePerm: false });
    this.ctx.device.queue.writeBuffer(run.table, run.scratch * STEP_BYTES, entry);
    const encoder = this.ctx.device.createCommandEncoder({ label: `gradients of batch ${batch}` });
    this.encodeBatch(encoder, run.scratch, count, false);
    const values = await this.readLayers(encoder, this.grads);
    return flatten(paramLayout(this.dims), values.W, values.b);
  }

  async readParams(): Promise<Params> {
    assertAlive(this.ctx);
    const encoder = this.ctx.device.createCommandEncoder({ label: 'read params' });
    const { W, b } = await this.readLayers(encoder, this.layers);
    return { dims: [...this.dims], W, b };
  }

  dispose(): void {
    this.releaseRun();
    this.buffers.dispose();
  }

  // Forward with cache, dZ_L, then per layer dW/db and dZ_{l-1}; with `update`, one optimizer step per tensor.
  private encodeBatch(encoder: GPUCommandEncoder, entry: number, m: number, update: boolean): void {
    const run = this.requireRun();
    const { ws } = run;
    const dims = this.dims;
    const L = dims.length - 1;
    this.encodeGatherPass(encoder, entry, 'train', m);
    encodeForward(this.ctx, this.buffers, encoder, { dims, layers: this.layers, X: ws.Xb, m, A: ws.A, Z: ws.Z });
    const pass = encoder.beginComputePass({ label: update ? 'backward + update' : 'backward' });
    encodeMseGrad(this.ctx, this.buffers, pass, { Z: ws.Z[L - 1], A: ws.A[L - 1], Y: ws.Yb, dZ: ws.dZ[L - 1], count: dims[L] * m });
    for (let l = L; l >= 1; l--) {
      const [n, k] = [dims[l], dims[l - 1]];
      encodeWeightGrad(this.ctx, this.buffers, pass, {
        dZ: ws.dZ[l - 1], Aprev: l === 1 ? ws.Xb : ws.A[l - 2], dW: this.grads[l - 1].W, db: this.grads[l - 1].b, n, k, m, label: `dW${l}, db${l}`,
      });
      if (l > 1) {
        encodeBackpropDz(this.ctx, this.buffers, pass, {
          W: this.layers[l - 1].W, dZ: ws.dZ[l - 1], Zprev: ws.Z[l - 2], dZprev: ws.dZ[l - 2], n, k, m, label: `dZ${l - 1}`,
        });
      }
    }
    if (update) {
      const kind = run.settings.optimizer.kind;
      this.layers.forEach((layer, l) => {
        for (const part of ['W', 'b'] as const) {
          encodeUpdate(this.ctx, this.buffers, pass, {
            kind, step: run.step, theta: layer[part], grad: this.grads[l][part], state: run.state[l][part],
            count: layer[part].size / 4, label: `${kind} ${part}${l + 1}`,
          });
        }
      });
    }
    pass.end();
  }

  private encodeLoss(encoder: GPUCommandEncoder, entry: number, slot: 0 | 1, m: number): void {
    const { ws } = this.requireRun();
    const L = this.dims.length - 1;
    this.encodeGatherPass(encoder, entry, slot === 0 ? 'train' : 'test', m);
    encodeForward(this.ctx, this.buffers, encoder, { dims: this.dims, layers: this.layers, X: ws.Xb, m, A: ws.A });
    const pass = encoder.beginComputePass({ label: 'loss' });
    encodeMseSum(this.ctx, this.buffers, pass, { A: ws.A[L - 1], Y: ws.Yb, acc: this.requireRun().acc, count: this.dims[L] * m, slot });
    pass.end();
  }

  // Copies step table entry `entry` into the step uniform, then gathers that step's columns of X and Y.
  private encodeGatherPass(encoder: GPUCommandEncoder, entry: number, set: 'train' | 'test', m: number): void {
    const run = this.requireRun();
    encoder.copyBufferToBuffer(run.table, entry * STEP_BYTES, run.step, 0, STEP_BYTES);
    const [X, Y, srcCols] = set === 'train' ? [run.data.xTrain, run.data.yTrain, run.mTrain] : [run.data.xTest, run.data.yTest, run.mTest];
    const pass = encoder.beginComputePass({ label: `gather ${set} batch` });
    const common = { step: run.step, order: run.order, srcCols, count: m };
    encodeGather(this.ctx, this.buffers, pass, { ...common, src: X, dst: run.ws.Xb, rows: this.dims[0], label: 'gather X' });
    encodeGather(this.ctx, this.buffers, pass, { ...common, src: Y, dst: run.ws.Yb, rows: this.dims[this.dims.length - 1], label: 'gather Y' });
    pass.end();
  }

  private copyParams(from: LayerBuffers[], to: LayerBuffers[], label: string): void {
    const encoder = this.ctx.device.createCommandEncoder({ label });
    from.forEach((layer, l) => {
      encoder.copyBufferToBuffer(layer.W, 0, to[l].W, 0, layer.W.size);
      encoder.copyBufferToBuffer(layer.b, 0, to[l].b, 0, layer.b.size);
    });
    this.ctx.device.queue.submit([encoder.finish()]);
  }

  // Appends copies of every W and b of `from` into one staging buffer to `encoder`, submits it and reads them back.
  private async readLayers(encoder: GPUCommandEncoder, from: LayerBuffers[]): Promise<{ W: Params['W']; b: Params['b'] }> {
    const sizes = this.dims.slice(1).flatMap((n, l) => [n * this.dims[l], n]);
    const total = sizes.reduce((a, s) => a + s, 0);
    const staging = this.buffers.acquireStaging(total * 4);
    let at = 0;
    from.forEach((layer, l) => {
      encoder.copyBufferToBuffer(layer.W, 0, staging, at * 4, sizes[2 * l] * 4);
      at += sizes[2 * l];
      encoder.copyBufferToBuffer(layer.b, 0, staging, at * 4, sizes[2 * l + 1] * 4);
      at += sizes[2 * l + 1];
    });
    this.ctx.device.queue.submit([encoder.finish()]);
    const data = await this.buffers.readStaging(staging, total);
    const W: Params['W'] = [];
    const b: Params['b'] = [];
    at = 0;
    for (let l = 1; l < this.dims.length; l++) {
      const [n, k] = [this.dims[l], this.dims[l - 1]];
      W.push({ rows: n, cols: k, data: Float64Array.from(data.subarray(at, at + n * k)) });
      at += n * k;
      b.push(Float64Array.from(data.subarray(at, at + n)));
      at += n;
    }
    return { W, b };
  }

  private releaseRun(): void {
    const run = this.run;
    if (!run) return;
    const owned = [
      ...Object.values(run.data), run.order, run.table, run.step, run.acc, run.ws.Xb, run.ws.Yb, ...run.ws.Z, ...run.ws.A, ...run.ws.dZ,
      ...run.state.flatMap((s) => [...s.W, ...s.b]), ...run.best.flatMap((p) => [p.W, p.b]),
    ];
    for (const buffer of owned) this.buffers.destroy(buffer);
    this.run = undefined;
  }

  private requireRun(): Run {
    if (!this.run) throw new Error('startTraining must be called before training.');
    return this.run;
  }
}

const NO_UPDATE = { lrT: 0, epsT: 0, momentum: 0, beta1: 0, beta2: 0 } as const;

/** Which trainer: 'fused' (flat buffers, fused forward; fast) where the widths fit it, 'layered' (per-layer kernels). */
export type TrainerVariant = 'auto' | 'fused' | 'layered';

/** The step program a trainer runs; see {@link TrainerVariant}. */
export type TrainerKernel = TrainerVariant;

/**
 * A GPU trainer on `ctx` starting from `params`; the caller disposes it (and then the context). 'auto' takes the
 * fused trainer wherever the fused forward kernel fits the widths (bench/TRAINING.md has the figures).
 */
export function createGpuTrainer(ctx: GpuContext, params: Params, variant: TrainerVariant = 'auto'): TrainableBackend {
  const fused = variant === 'fused' || (variant === 'auto' && fusedSupports(params.dims));
  if (fused && !fusedSupports(params.dims)) throw new RangeError(`The fused trainer does not fit dims [${params.dims.join(', ')}].`);
  return fused ? new FusedGpuTrainer(ctx, params) : new GpuTrainer(ctx, params);
}
