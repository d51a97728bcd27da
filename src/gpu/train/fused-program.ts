// The fast step program, for networks the fused forward kernel fits: a mini-batch step is 5 dispatches whatever
// the depth: gather, the fused forward with the cache, every dZ (backward_fused), every dW/db split over chunks of
// examples (weight_grad4), and one reduce + update that also refreshes the two packed copies (train_update).
import type { ForwardOptions, ForwardResult } from '../../model/backend.ts';
import { type ParamLayout, unflatten } from '../../model/flat-layout.ts';
import type { Matrix } from '../../model/matrix.ts';
import type { Params } from '../../model/params.ts';
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { encodePass } from '../dispatch.ts';
import { runForward } from '../forward.ts';
import { encodeFusedForward, type FusedParams, uploadFusedParams } from '../fused.ts';
import {
  batchRows, gradBlocks, packFusedParams, packTransposed, transposedOffsets, updateMaps,
} from '../layout.ts';
import { BackwardLayer, GradLayer } from '../structs.ts';
import {
  prepareBackwardFused, prepareFusedUpdate, prepareGather, prepareLossSum, prepareWeightGrad4,
} from './kernels.ts';
import type { ProgramRun, RunBuffers, StepProgram } from './program.ts';
import { WEIGHT_GRAD_CHUNK } from './tuning.ts';

/** The fused program on one trainer's parameters: holds the packed copy P (forward) and the transposed WT (backward). */
export class FusedProgram implements StepProgram {
  readonly name = 'fused' as const;
  readonly copies: readonly GPUBuffer[];
  private readonly fused: FusedParams;
  private readonly WT: GPUBuffer;

  constructor(private readonly ctx: GpuContext, private readonly buffers: BufferManager, private readonly layout: ParamLayout, params: Params, flat: Float32Array) {
    this.fused = uploadFusedParams(buffers, params);
    this.WT = buffers.upload('W transposed', packTransposed(layout, flat));
    this.copies = [this.fused.P, this.WT];
  }

  writeCopies(flat: Float32Array<ArrayBuffer>): void {
    const { queue } = this.ctx.device;
    queue.writeBuffer(this.WT, 0, packTransposed(this.layout, flat));
    queue.writeBuffer(this.fused.P, 0, packFusedParams(unflatten(this.layout, flat)).P);
  }

  forward(X: Matrix, options: ForwardOptions): Promise<ForwardResult> {
    return runForward(this.ctx, this.buffers, this.layout.dims, [], X, { cache: options.cache, fused: this.fused });
  }

  startRun(run: RunBuffers): ProgramRun {
    const { ctx, buffers: b, layout } = this;
    const { stride, n0, nL } = run;
    const dims = layout.dims;
    const L = dims.length - 1;
    const s4 = stride / 4;
    const rows = batchRows(dims);
    const chunk4 = WEIGHT_GRAD_CHUNK / 4;
    const chunks = Math.ceil(s4 / chunk4);
    const blocks = gradBlocks(dims);
    const { offsets: wt } = transposedOffsets(dims);
    const Xb = run.storage('X batch', n0 * stride * 4);
    const Yb = run.storage('Y batch', nL * stride * 4);
    const out = run.storage('A_L', nL * Math.max(stride, run.mTrain, run.mTest) * 4);
    const acts = run.storage('activations', rows.acts * stride * 4);
    const dZ = run.storage('dZ', rows.dzRows * stride * 4);
    const partial = run.storage('partial gradients', blocks.blocks * chunks * 16 * 4);
    const layers = dims.slice(1).map((n, i) => ({ n, k: dims[i] }));
    const gradTable = run.upload('weight_grad4 table', GradLayer.table(layers.map(({ n, k }, i) => ({
      firstBlock: blocks.first[i], perRow: blocks.perRow[i], n, k,
      aOffset: (i === 0 ? rows.x : rows.z[i - 1] + k) * s4, dzOffset: rows.dz[i] * s4,
    }))));
    const backTable = run.upload('backward_fused table', BackwardLayer.table(layers.map(({ n, k }, i) => ({
      n, k, wOffset: wt[i], dzOffset: rows.dz[i] * s4, zOffset: rows.z[i] * s4, aOffset: (rows.z[i] + n) * s4,
    }))));
    const maps = run.upload('update maps', updateMaps(layout, chunks).buffer as ArrayBuffer);
    const gather = prepareGather(ctx, b, {
      step: run.step, X: run.xTrain, Y: run.yTrain, order: run.order, Xb, Yb, acts, n0, nL, srcCols: run.mTrain, stride, xCopy: rows.x * stride,
    });
    const backward = [
      prepareBackwardFused(ctx, b, { step: run.step, table: backTable, WT: this.WT, acts, Yb, dZ, layers: L, stride }),
      prepareWeightGrad4(ctx, b, { table: gradTable, acts, dZ, partial, stride, chunks, chunk4, layers: L, blocks: blocks.blocks }),
    ];
    const common = { step: run.step, maps, partial, theta: run.theta, grad: run.grad, m1: run.m1, m2: run.m2, P: this.fused.P, WT: this.WT, count: layout.size, chunks };
    const update = { update: prepareFusedUpdate(ctx, b, { ...common, kind: run.settings.optimizer.kind }), gradient: prepareFusedUpdate(ctx, b, { ...common, kind: 'none' }) };
    // The loss runs the fused forward straight on each uploaded set: no gather, no step entry, one chunk per set.
    const evals = ([[0, run.xTrain, run.yTrain, run.mTrain], [1, run.xTest, run.yTest, run.mTest]] as const)
      .filter(([, , , m]) => m > 0)
      .map(([slot, X, Y, m]) => ({ X, m, loss: prepareLossSum(ctx, b, { A: out, Y, acc: run.acc, rows: nL, cols: m, stride: m, slot }) }));
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
