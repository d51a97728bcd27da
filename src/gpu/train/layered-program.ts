// The step program built from the design's own kernels, for any widths: per layer a tiled matmul_bias (Z) and a
// relu (A); one relu_mask over every Z; dZ_L (mse_grad); per layer dW/db (weight_grad) and dZ_{l-1}
// (backprop_dz); one update of the flat vector (update_flat). Parameters and gradients are read and written in
// place in the flat buffers, through 256-byte-aligned bindings, so no copy of them exists.
import type { ForwardOptions, ForwardResult } from '../../model/backend.ts';
import type { ParamLayout } from '../../model/flat-layout.ts';
import type { Matrix } from '../../model/matrix.ts';
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { encodePass, type Prepared } from '../dispatch.ts';
import { type LayerBuffers, runForward } from '../forward.ts';
import { prepareBackpropDz } from '../kernels/backprop-dz.ts';
import { prepareLossSum } from '../kernels/loss-sum.ts';
import { prepareMatmulBias } from '../kernels/matmul-bias.ts';
import { prepareOutputGrad } from '../kernels/mse-grad.ts';
import { prepareElementwise } from '../kernels/relu.ts';
import { prepareGather } from '../kernels/train-gather.ts';
import { prepareFlatUpdate } from '../kernels/update-flat.ts';
import { prepareLayerGrad } from '../kernels/weight-grad.ts';
import { layeredRows } from '../packing.ts';
import type { ProgramRun, RunBuffers, StepProgram, StepValues } from './program.ts';

/** W_l and b_l of the flat vector in `flat`, as bindings of their ranges. */
export function flatLayers(flat: GPUBuffer, layout: ParamLayout): LayerBuffers[] {
  const { dims } = layout;
  return dims.slice(1).map((n, l) => ({
    W: { buffer: flat, offset: layout.wOffset[l] * 4, size: n * dims[l] * 4 },
    b: { buffer: flat, offset: layout.bOffset[l] * 4, size: n * 4 },
  }));
}

/** The layered program on one trainer's flat parameters. */
export class LayeredProgram implements StepProgram {
  readonly name = 'layered' as const;
  readonly packedParams = null;
  readonly copies: readonly { readonly buffer: GPUBuffer; readonly perModel: number }[] = [];
  private readonly layers: LayerBuffers[];

  constructor(
    private readonly ctx: GpuContext,
    private readonly buffers: BufferManager,
    private readonly layout: ParamLayout,
    theta: GPUBuffer,
  ) {
    this.layers = flatLayers(theta, layout);
  }

  writeCopies(): void {}

  forward(X: Matrix, options: ForwardOptions): Promise<ForwardResult> {
    return runForward(this.ctx, this.buffers, this.layout.dims, this.layers, X, { cache: options.cache, kernel: 'layered' });
  }

  startRun(run: RunBuffers): ProgramRun {
    const { ctx, buffers: b, layout } = this;
    const { stride, n0, nL } = run;
    if (run.models !== 1) throw new RangeError('The layered kernels train one model at a time; a sweep needs widths the fused kernels hold.');
    if (run.weightStride > 0) throw new RangeError('The layered kernels do not train cross-validated members; their widths must fit the fused kernels.');
    const dims = layout.dims;
    const L = dims.length - 1;
    const rows = layeredRows(dims, stride);
    const Xb = run.storage('X batch', n0 * stride * 4);
    const Yb = run.storage('Y batch', nL * stride * 4);
    // Z, A and the mask of every layer, each in one buffer at 256-byte-aligned offsets; dZ one buffer per layer, as
    // backprop_dz reads dZ_l while it writes dZ_{l-1}.
    const [Z, A, mask] = ['Z', 'A', 'mask'].map((name) => run.storage(`${name} (all layers)`, rows.size * 4));
    const dZ = dims.slice(1).map((n, l) => run.storage(`dZ${l + 1}`, n * stride * 4));
    const at = (buffer: GPUBuffer, l: number) => ({ buffer, offset: rows.offsets[l] * 4, size: dims[l + 1] * stride * 4 });
    const grads = flatLayers(run.grad, layout);
    const input = (l: number) => (l === 0 ? Xb : at(A, l - 1));

    const forward: Prepared[] = dims
      .slice(1)
      .flatMap((n, l) => [
        prepareMatmulBias(ctx, b, { ...this.layers[l], Aprev: input(l), Z: at(Z, l), n, k: dims[l], m: stride, epilogue: 'z', label: `layer ${l + 1}` }),
        prepareElementwise(ctx, b, 'relu', at(Z, l), at(A, l), n * stride),
      ]);
    const backward: Prepared[] = [
      prepareElementwise(ctx, b, 'relu_mask', Z, mask, rows.size),
      prepareOutputGrad(ctx, b, { step: run.step, mask: at(mask, L - 1), A: at(A, L - 1), Y: Yb, dZ: dZ[L - 1], rows: nL, stride }),
    ];
    for (let l = L - 1; l >= 0; l--) {
      const [n, k] = [dims[l + 1], dims[l]];
      backward.push(
        prepareLayerGrad(ctx, b, {
          step: run.step,
          dZ: dZ[l],
          Aprev: input(l),
          dW: grads[l].W,
          db: grads[l].b,
          n,
          k,
          m: stride,
          label: `dW${l + 1}, db${l + 1}`,
        }),
      );
      if (l > 0)
        backward.push(
          prepareBackpropDz(ctx, b, { W: this.layers[l].W, dZ: dZ[l], mask: at(mask, l - 1), dZprev: dZ[l - 1], n, k, m: stride, label: `dZ${l}` }),
        );
    }
    const update = prepareFlatUpdate(ctx, b, {
      kind: run.settings.optimizer.kind,
      step: run.step,
      hyper: run.hyper,
      theta: run.theta,
      grad: run.grad,
      m1: run.m1,
      m2: run.m2,
      count: layout.size,
    });
    const gatherOf = (X: GPUBuffer, Y: GPUBuffer, srcCols: number) =>
      prepareGather(ctx, b, { step: run.step, X, Y, order: run.order, Xb, Yb, n0, nL, srcCols, stride });
    const gather = gatherOf(run.train.X, run.train.Y, run.train.m);

    // The loss goes over chunks of one batch each, through the same buffers: a fixed step entry per chunk.
    const size = run.plan.batchSize;
    const fixedEntries: StepValues[] = [];
    const chunks: { gather: Prepared; loss: Prepared }[] = [];
    const losses = new Map<string, Prepared>();
    for (const { slot, X, Y, m } of run.sets) {
      if (m === 0) continue;
      const g = slot === 0 ? gather : gatherOf(X, Y, m);
      for (let start = 0; start < m; start += size) {
        const cols = Math.min(size, m - start);
        const key = `${slot},${cols}`;
        if (!losses.has(key))
          losses.set(key, prepareLossSum(ctx, b, { A: at(A, L - 1), Y: Yb, acc: run.acc, rows: nL, cols, stride, slot, weights: run.weights }));
        fixedEntries.push({ start, usePerm: 0, count: cols, lrT: 0, epsT: 0, momentum: 0, beta1: 0, beta2: 0 });
        chunks.push({ gather: g, loss: losses.get(key)! });
      }
    }
    return {
      fixedEntries,
      encodeStep: (encoder, mode) => {
        encodePass(encoder, 'gather + forward', [gather, ...forward]);
        encodePass(encoder, mode === 'update' ? 'backward + update' : 'backward', mode === 'update' ? [...backward, update] : backward);
      },
      encodeEvaluate: (encoder, select) => {
        chunks.forEach((chunk, i) => {
          select(encoder, i);
          encodePass(encoder, 'loss chunk', [chunk.gather, ...forward, chunk.loss]);
        });
      },
    };
  }
}
