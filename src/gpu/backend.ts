// The GPU implementation of MlpBackend: parameters live in float32 GPU buffers, forward runs the scheduler.
import type { ForwardOptions, ForwardResult, MlpBackend } from '../model/backend.ts';
import type { Matrix } from '../model/matrix.ts';
import { type Params } from '../model/params.ts';
import { checkDims } from '../model/validate.ts';
import { UserError } from '../errors.ts';
import { BufferManager } from './buffers.ts';
import { assertAlive, type GpuContext } from './device.ts';
import { type KernelChoice, type OwnedLayerBuffers, runForward, uploadParams } from './forward.ts';
import { type FusedParams, fusedSupports, uploadFusedParams } from './kernels/mlp-fused.ts';

/** Backend options beyond the common interface; tests use them to force chunking and each kernel variant. */
export interface GpuBackendOptions extends KernelChoice {
  /** Most examples per chunk (defaults to what the device limits allow). */
  readonly chunkColumns?: number;
}

/** The MLP on a WebGPU device, computing in float32 in the notebook's (units, m) layout. */
export class GpuBackend implements MlpBackend {
  readonly kind = 'gpu' as const;
  readonly description: string;
  private readonly buffers: BufferManager;
  private layers: OwnedLayerBuffers[] = [];
  private fused: FusedParams | undefined;
  private currentDims: readonly number[] = [];
  private disposed = false;

  /** Use {@link createGpuBackend}; the constructor holds no parameters yet. */
  constructor(
    readonly ctx: GpuContext,
    private readonly options: GpuBackendOptions = {},
  ) {
    this.description = `WebGPU on ${ctx.description}`;
    this.buffers = new BufferManager(ctx.device, 'GpuBackend');
  }

  get dims(): readonly number[] {
    return this.currentDims;
  }

  /** Buffers and bytes the backend holds now. */
  get bufferStats() {
    return this.buffers.stats;
  }

  async setParams(params: Params): Promise<void> {
    this.assertUsable();
    checkDims(params.dims);
    for (const b of this.layers.flatMap((l) => [l.W, l.b])) this.buffers.destroy(b);
    if (this.fused) for (const b of [this.fused.P, this.fused.shape]) this.buffers.destroy(b);
    this.layers = uploadParams(this.buffers, params);
    this.fused = fusedSupports(params.dims) ? uploadFusedParams(this.buffers, params) : undefined;
    this.currentDims = [...params.dims];
  }

  async forward(X: Matrix, options: ForwardOptions & GpuBackendOptions = {}): Promise<ForwardResult> {
    this.assertUsable();
    const opts = { ...this.options, ...options };
    const { out, cache } = await runForward(this.ctx, this.buffers, this.currentDims, this.layers, X, {
      ...opts,
      fused: this.fusedFor(opts),
    });
    return cache ? { out, cache } : { out };
  }

  /** The fused parameters when this call should take the whole-MLP kernel, else undefined (layered kernels). */
  private fusedFor(opts: KernelChoice): FusedParams | undefined {
    const kernel = opts.kernel ?? 'auto';
    if (kernel === 'fused' && !this.fused) {
      throw new Error(`The fused kernel holds layers up to its compiled width; dims [${this.currentDims.join(', ')}] need the layered kernels.`);
    }
    if (kernel === 'layered' || (kernel === 'auto' && (opts.tiling || opts.separateRelu))) return undefined;
    return this.fused;
  }

  dispose(): void {
    this.disposed = true;
    this.layers = [];
    this.fused = undefined;
    this.buffers.dispose();
  }

  private assertUsable(): void {
    if (this.disposed) throw new UserError('This GPU backend was disposed; create a new one with createGpuBackend.');
    assertAlive(this.ctx);
  }
}

/** A GPU backend on `ctx` with `params` uploaded. */
export async function createGpuBackend(ctx: GpuContext, params: Params, options: GpuBackendOptions = {}): Promise<GpuBackend> {
  const backend = new GpuBackend(ctx, options);
  await backend.setParams(params);
  return backend;
}
