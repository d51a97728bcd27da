// The fast step program, for networks the fused forward kernel fits, for K models at once: a mini-batch step is 5
// dispatches whatever the depth and however many models: gather (shared), the fused forward with the cache,
// every dZ (backward_fused), every dW/db split over chunks of examples (weight_grad4), and one reduce + update that
// also refreshes the two packed copies (train_update). Each dispatch carries the model index in a grid dimension.
import type { ForwardOptions, ForwardResult } from '../../model/backend.ts';
import { type ParamLayout, unflatten } from '../../model/flat-layout.ts';
import type { Matrix } from '../../model/matrix.ts';
import type { Params } from '../../model/params.ts';
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { encodePass } from '../dispatch.ts';
import { runForward } from '../forward.ts';
import { encodeFusedForward, type FusedParams, uploadFusedParams } from '../kernels/mlp-fused.ts';
import { batchRows, gradBlocks, packedBlocks, packFusedParams, packTransposed, transposedOffsets, updateMaps } from '../packing.ts';
import { BackwardLayer, GradLayer } from '../structs.ts';
import { prepareBackwardFused } from '../kernels/backward-fused.ts';
import { prepareLossSum } from '../kernels/loss-sum.ts';
import { prepareGather } from '../kernels/train-gather.ts';
import { prepareFusedUpdate } from '../kernels/train-update.ts';
import { prepareWeightGrad4, WEIGHT_GRAD_CHUNK } from '../kernels/weight-grad4.ts';
import type { ProgramRun, RunBuffers, StepProgram } from './program.ts';
import { checkModelsFit, fusedBuffers } from './memory.ts';

/** K models' transposed copies back to back, each `wtFloats` long. */
function packAllTransposed(layout: ParamLayout, flat: ArrayLike<number>, models: number): Float32Array<ArrayBuffer> {
  const per = Math.max(4, transposedOffsets(layout.dims).size * 4);
  const out = new Float32Array(per * models);
  for (let i = 0; i < models; i++) {
    const slice = Array.prototype.slice.call(flat, i * layout.size, (i + 1) * layout.size) as number[];
    out.set(packTransposed(layout, slice), i * per);
  }
  return out;
}

/** The fused program on one trainer's K models: holds the packed copies P (forward) and WT (backward) of each. */
export class FusedProgram implements StepProgram {
  readonly name = 'fused' as const;
  readonly copies: readonly { readonly buffer: GPUBuffer; readonly perModel: number }[];
  private readonly fused: FusedParams;

  get packedParams(): FusedParams {
    return this.fused;
  }
  private readonly WT: GPUBuffer;
  private readonly models: number;

  constructor(
    private readonly ctx: GpuContext,
    private readonly buffers: BufferManager,
    private readonly layout: ParamLayout,
    params: readonly Params[],
    flat: Float32Array,
  ) {
    this.models = params.length;
    this.fused = uploadFusedParams(buffers, params);
    this.WT = buffers.upload('W transposed', packAllTransposed(layout, flat, this.models));
    this.copies = [
      { buffer: this.fused.P, perModel: packedBlocks(layout.dims).size * 16 },
      { buffer: this.WT, perModel: this.WT.size / this.models },
    ];
  }

  writeCopies(flat: Float32Array<ArrayBuffer>): void {
    const { queue } = this.ctx.device;
    queue.writeBuffer(this.WT, 0, packAllTransposed(this.layout, flat, this.models));
    const per = packedBlocks(this.layout.dims).size * 4;
    const P = new Float32Array(per * this.models);
    for (let i = 0; i < this.models; i++)
      P.set(packFusedParams(unflatten(this.layout, flat.subarray(i * this.layout.size, (i + 1) * this.layout.size))).P, i * per);
    queue.writeBuffer(this.fused.P, 0, P);
  }

  forward(X: Matrix, options: ForwardOptions): Promise<ForwardResult> {
    if (this.models !== 1) throw new Error('forward on a trainer of several models: read each model with readParams and run it in a backend.');
    return runForward(this.ctx, this.buffers, this.layout.dims, [], X, { cache: options.cache, fused: this.fused });
  }

  startRun(run: RunBuffers): ProgramRun {
    const { ctx, buffers: b, layout } = this;
    const { stride, n0, nL, models } = run;
    const dims = layout.dims;
    const L = dims.length - 1;
    const s4 = stride / 4;
    const rows = batchRows(dims, models);
    const chunk4 = WEIGHT_GRAD_CHUNK / 4;
    const chunks = Math.ceil(s4 / chunk4);
    const blocks = gradBlocks(dims);
    const { offsets: wt } = transposedOffsets(dims);
    const mMax = Math.max(stride, ...run.sets.map((s) => s.m));
    const limit = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
    checkModelsFit(fusedBuffers(layout, stride, mMax, chunks), models, limit);
    const Xb = run.storage('X batch', n0 * stride * 4);
    const Yb = run.storage('Y batch', nL * stride * 4);
    const out = run.storage('A_L', models * nL * mMax * 4);
    const acts = run.storage('activations', rows.acts * stride * 4);
    const dZ = run.storage('dZ', models * rows.dzRows * stride * 4);
    const partial = run.storage('partial gradients', models * blocks.blocks * chunks * 16 * 4);
    const layers = dims.slice(1).map((n, i) => ({ n, k: dims[i] }));
    const cacheStride4 = rows.cacheRows * s4;
    const gradTable = run.upload(
      'weight_grad4 table',
      GradLayer.table(
        layers.map(({ n, k }, i) => ({
          firstBlock: blocks.first[i],
          perRow: blocks.perRow[i],
          n,
          k,
          aOffset: (i === 0 ? rows.x : rows.z[i - 1] + k) * s4,
          dzOffset: rows.dz[i] * s4,
          aStride: i === 0 ? 0 : cacheStride4,
        })),
      ),
    );
    const backTable = run.upload(
      'backward_fused table',
      BackwardLayer.table(
        layers.map(({ n, k }, i) => ({
          n,
          k,
          wOffset: wt[i],
          dzOffset: rows.dz[i] * s4,
          zOffset: rows.z[i] * s4,
          aOffset: (rows.z[i] + n) * s4,
        })),
      ),
    );
    const maps = run.upload('update maps', updateMaps(layout, chunks).buffer as ArrayBuffer);
    const gather = prepareGather(ctx, b, {
      step: run.step,
      X: run.train.X,
      Y: run.train.Y,
      order: run.order,
      Xb,
      Yb,
      acts,
      n0,
      nL,
      srcCols: run.train.m,
      stride,
      xCopy: rows.x * stride,
    });
    const wtStrideF = this.copies[1].perModel / 4;
    const backward = [
      prepareBackwardFused(ctx, b, {
        step: run.step,
        table: backTable,
        WT: this.WT,
        acts,
        Yb,
        dZ,
        order: run.order,
        weights: run.weights,
        weightStride: run.weightStride,
        layers: L,
        stride,
        models,
        wtStride4: wtStrideF / 4,
        actsStride4: cacheStride4,
        dzStride4: rows.dzRows * s4,
      }),
      prepareWeightGrad4(ctx, b, {
        table: gradTable,
        acts,
        dZ,
        partial,
        stride,
        chunks,
        chunk4,
        layers: L,
        blocks: blocks.blocks,
        models,
        dzStride4: rows.dzRows * s4,
      }),
    ];
    const common = {
      step: run.step,
      hyper: run.hyper,
      maps,
      partial,
      theta: run.theta,
      grad: run.grad,
      m1: run.m1,
      m2: run.m2,
      P: this.fused.P,
      WT: this.WT,
      count: layout.size,
      chunks,
      models,
      partialStrideF: blocks.blocks * chunks * 16,
      pStrideF: this.copies[0].perModel / 4,
      wtStrideF,
    };
    const update = {
      update: prepareFusedUpdate(ctx, b, { ...common, kind: run.settings.optimizer.kind }),
      gradient: prepareFusedUpdate(ctx, b, { ...common, kind: 'none' }),
    };
    // The loss runs the fused forward straight on each uploaded set: no gather, no step entry, one chunk per set.
    const evals = run.sets
      .filter((s) => s.m > 0)
      .map((s) => ({
        X: s.X,
        m: s.m,
        loss: prepareLossSum(ctx, b, {
          A: out,
          Y: s.Y,
          acc: run.acc,
          rows: nL,
          cols: s.m,
          stride: s.m,
          slot: s.slot,
          models,
          modelStrideF: nL * s.m,
          weights: run.weights,
          // Only the training set holds the models' own folds.
          weightStride: s === run.train ? run.weightStride : 0,
        }),
      }));
    return {
      fixedEntries: [],
      encodeStep: (encoder, mode) => {
        encodePass(encoder, 'gather', [gather]);
        encodeFusedForward(ctx, b, encoder, { params: this.fused, X: Xb, m: stride, out, cache: acts });
        encodePass(encoder, mode === 'update' ? 'backward + update' : 'backward', [...backward, update[mode]]);
      },
      encodeEvaluate: (encoder) => {
        for (const e of evals) {
          encodeFusedForward(ctx, b, encoder, { params: this.fused, X: e.X, m: e.m, out });
          encodePass(encoder, 'loss', [e.loss]);
        }
      },
    };
  }
}
