// The fast CPU backend: float32, WebAssembly SIMD (or blocked JavaScript), one thread, behind MlpBackend.
import type { ForwardOptions, ForwardResult, MlpBackend } from '../model/backend.ts';
import { type Matrix, matrix } from '../model/matrix.ts';
import type { Params } from '../model/params.ts';
import { checkInputShape, checkParams } from '../model/validate.ts';
import { createKernels, type KernelBuild, type Kernels } from './kernels.ts';
import { FastNetwork } from './network.ts';

/** Options of the fast backend. */
export interface FastBackendOptions {
  /** `wasm-simd` (the default, JavaScript where the engine lacks wasm SIMD) or `js` (blocked JavaScript). */
  readonly build?: KernelBuild;
}

/** The one-line description of the fast backend on `build`, running `where` (one model on one thread by default). */
export function fastDescription(build: KernelBuild, where = 'one thread'): string {
  const name = { 'wasm-simd': 'WebAssembly SIMD', 'wasm-relaxed-simd': 'WebAssembly relaxed SIMD', js: 'JavaScript' }[build];
  return `CPU fast (float32, ${name}, ${where})`;
}

/** Where K models of the fast backend run: `one thread` for one, else `K models on n threads`. */
export function modelsOn(models: number, threads: number): string {
  return models === 1 ? 'one thread' : `${models} models on ${threads} thread${threads > 1 ? 's' : ''}`;
}

/** An MLP on the CPU in float32; results agree with the float64 reference within float32 rounding. */
export class FastBackend implements MlpBackend {
  readonly kind = 'cpu' as const;
  readonly description: string;
  protected readonly net: FastNetwork;
  protected disposed = false;

  constructor(kernels: Kernels, params: Params) {
    this.net = new FastNetwork(kernels, params.dims);
    this.net.setParams(params);
    this.description = fastDescription(kernels.build);
  }

  get dims(): readonly number[] {
    return this.net.dims;
  }

  /** Which kernels run. */
  get build(): KernelBuild {
    return this.net.kernels.build;
  }

  async setParams(params: Params): Promise<void> {
    this.live();
    checkParams(params);
    if (params.dims.join() !== this.net.dims.join()) {
      throw new RangeError(`This backend holds dims [${this.net.dims.join(', ')}]; open a new one for [${params.dims.join(', ')}].`);
    }
    this.net.setParams(params);
  }

  async forward(X: Matrix, options: ForwardOptions = {}): Promise<ForwardResult> {
    this.live();
    checkInputShape(X, this.net.dims);
    return forwardAll(this.net, X, options.cache === true);
  }

  dispose(): void {
    this.disposed = true;
  }

  protected live(): void {
    if (this.disposed) throw new Error('This backend was disposed; open a new one.');
  }
}

/**
 * Runs X (features, m) chunk by chunk through every layer, so a chunk's activations stay in cache; copies A_L
 * (and, with `cache`, every Z_l and A_l) out into float32 matrices.
 */
export function forwardAll(net: FastNetwork, X: Matrix, cache: boolean): ForwardResult {
  const m = X.cols;
  const dims = net.dims;
  const L = net.L;
  const out: Matrix<Float32Array>[] = [];
  for (let l = 1; l <= L; l++) {
    if (cache) out.push(matrix(dims[l], m, new Float32Array(dims[l] * m)));
    out.push(matrix(dims[l], m, new Float32Array(dims[l] * m)));
  }
  const yOut = out[out.length - 1];
  for (let j0 = 0; j0 < m; j0 += net.chunk) {
    const count = Math.min(net.chunk, m - j0);
    net.load(X, null, j0, count);
    net.forward(count, cache);
    for (let l = cache ? 1 : L; l <= L; l++) {
      for (let r = 0; r < dims[l]; r++) {
        if (cache) out[2 * l - 2].data.set(net.row('z', l, r, count), r * m + j0);
        (cache ? out[2 * l - 1] : yOut).data.set(net.row('a', l, r, count), r * m + j0);
      }
    }
  }
  return cache ? { out: yOut, cache: out } : { out: yOut };
}

/** A fast CPU backend holding `params` (checked first). */
export async function createFastBackend(params: Params, options: FastBackendOptions = {}): Promise<FastBackend> {
  checkParams(params);
  return new FastBackend(await createKernels(FastNetwork.floatsFor(params.dims), options.build), params);
}
