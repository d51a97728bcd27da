// An ensemble on the GPU: K members of the same dims packed back to back and run in ONE fused dispatch per chunk
// of examples (the model index is the dispatch's y), their outputs read back together and averaged on the host.
import { averageOutputs, type EnsembleBackend, type ForwardOptions, type ForwardResult } from '../model/backend.ts';
import { type Matrix, sliceCols, toFloat32 } from '../model/matrix.ts';
import type { Params } from '../model/params.ts';
import { checkInputShape } from '../model/validate.ts';
import { BufferManager } from './buffers.ts';
import { assertAlive, type GpuContext, lostErrorAfterFailure, withErrorScopes } from './device.ts';
import { maxChunkColumns } from './forward.ts';
import { encodeFusedForward, type FusedParams, fusedSupports, uploadFusedParams } from './kernels/mlp-fused.ts';

/** Whether K members of these dims run in one dispatch (the fused kernels hold them). */
export function ensembleFitsOneDispatch(dims: readonly number[]): boolean {
  return fusedSupports(dims);
}

/** The ensemble's members on one device. */
export class GpuEnsemble implements EnsembleBackend {
  readonly kind = 'gpu' as const;
  readonly description: string;
  readonly dims: readonly number[];
  readonly members: number;
  private readonly buffers: BufferManager;
  private fused: FusedParams;
  /** False while the packed parameters are another owner's (a trainer's), which this never frees. */
  private ownsParams: boolean;

  /** Uploads `members`, or runs on parameters already packed on the device (a trainer's, borrowed, never freed here). */
  constructor(
    readonly ctx: GpuContext,
    members: readonly Params[] | FusedParams,
  ) {
    const packed = !Array.isArray(members);
    const dims = packed ? (members as FusedParams).dims : (members as readonly Params[])[0]?.dims;
    const count = packed ? (members as FusedParams).models : (members as readonly Params[]).length;
    if (count < 1 || !dims) throw new RangeError('An ensemble needs at least one member.');
    if (!ensembleFitsOneDispatch(dims))
      throw new RangeError(`An ensemble on the GPU needs widths the fused kernel holds; dims [${dims.join(', ')}] do not fit.`);
    this.dims = [...dims];
    this.members = count;
    this.description = `WebGPU ensemble of ${count} on ${ctx.description}`;
    this.buffers = new BufferManager(ctx.device, 'ensemble');
    this.fused = packed ? (members as FusedParams) : uploadFusedParams(this.buffers, members as readonly Params[]);
    this.ownsParams = !packed;
  }

  async setParams(params: Params): Promise<void> {
    this.replace([params]);
  }

  /** Replaces every member. */
  replace(members: readonly Params[]): void {
    assertAlive(this.ctx);
    if (this.ownsParams) for (const b of [this.fused.P, this.fused.shape]) this.buffers.destroy(b);
    this.fused = uploadFusedParams(this.buffers, members);
    this.ownsParams = true;
    (this as { members: number }).members = members.length;
  }

  async forward(X: Matrix, options: ForwardOptions = {}): Promise<ForwardResult> {
    if (options.cache) throw new RangeError('An ensemble has no single cache; run a member on its own for one.');
    return { out: averageOutputs(await this.forwardMembers(X)) };
  }

  async forwardMembers(X: Matrix): Promise<Matrix[]> {
    assertAlive(this.ctx);
    checkInputShape(X, this.dims);
    return withErrorScopes(this.ctx, `the ensemble's forward pass of ${X.cols} examples`, () => this.membersOf(X));
  }

  private async membersOf(X: Matrix): Promise<Matrix[]> {
    const K = this.members;
    const m = X.cols;
    const nL = this.dims[this.dims.length - 1];
    const perBuffer = Math.min(this.ctx.limits.maxStorageBufferBindingSize, this.ctx.limits.maxBufferSize);
    // The output of all K members for one chunk must fit one binding.
    const chunk = Math.max(1, Math.min(maxChunkColumns(this.ctx, this.dims), Math.floor(perBuffer / (4 * nL * K))));
    const outs = Array.from({ length: K }, () => new Float32Array(nL * m));
    const width = Math.min(chunk, Math.max(1, m));
    const Xb = this.buffers.storage('ensemble X', this.dims[0] * width * 4);
    const out = this.buffers.storage('ensemble A_L', K * nL * width * 4);
    try {
      for (let c0 = 0; c0 < m; c0 += chunk) {
        const c1 = Math.min(m, c0 + chunk);
        const mc = c1 - c0;
        const part = c0 === 0 && c1 === m ? toFloat32(X) : toFloat32(sliceCols(X, c0, c1));
        this.ctx.device.queue.writeBuffer(Xb, 0, part.data as Float32Array<ArrayBuffer>);
        const encoder = this.ctx.device.createCommandEncoder({ label: `ensemble chunk [${c0}, ${c1})` });
        encodeFusedForward(this.ctx, this.buffers, encoder, { params: this.fused, X: Xb, m: mc, out });
        const staging = this.buffers.acquireStaging(K * nL * mc * 4);
        encoder.copyBufferToBuffer(out, 0, staging, 0, K * nL * mc * 4);
        this.ctx.device.queue.submit([encoder.finish()]);
        const data = await this.buffers.readStaging(staging, K * nL * mc);
        for (let k = 0; k < K; k++) {
          for (let r = 0; r < nL; r++) outs[k].set(data.subarray((k * nL + r) * mc, (k * nL + r + 1) * mc), r * m + c0);
        }
      }
    } catch (e) {
      throw (await lostErrorAfterFailure(this.ctx)) ?? e;
    } finally {
      this.buffers.destroy(Xb);
      this.buffers.destroy(out);
    }
    return outs.map((data) => ({ rows: nL, cols: m, data }));
  }

  dispose(): void {
    this.buffers.dispose();
  }
}
