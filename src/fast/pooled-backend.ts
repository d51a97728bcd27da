// One network's forward pass on every core: a large X (no cache asked) is cut into one run of columns per worker of
// the pool, each worker runs the fast backend on its columns, and the outputs are put back side by side. Small
// inputs and forward passes that keep the cache run here, on the fast backend of this thread: the messages would
// cost more than they save. Workers start on the first large pass.
import type { ForwardOptions, ForwardResult, MlpBackend } from '../model/backend.ts';
import { type Matrix, matrix } from '../model/matrix.ts';
import type { Params } from '../model/params.ts';
import { checkInputShape } from '../model/validate.ts';
import { createFastBackend, type FastBackend } from './backend.ts';
import { COLUMN_ALIGN, type KernelBuild } from './kernels.ts';
import { call, type FastPool, type PoolWorker, shareable, workerError } from './pool.ts';

/** Fewer columns than this run in this thread (bench/CPU.md). */
export const MIN_POOLED_COLUMNS = 8192;

/** A fast backend whose large forward passes are split over the pool's workers. */
export class PooledBackend implements MlpBackend {
  readonly kind = 'cpu' as const;
  readonly description: string;
  private workers: Promise<PoolWorker[]> | null = null;
  private params: Params;

  private constructor(
    private readonly local: FastBackend,
    private readonly pool: FastPool,
    params: Params,
    private readonly build?: KernelBuild,
  ) {
    this.params = params;
    this.description = local.description.replace(/one thread\)$/, `large inputs on ${pool.threads} threads)`);
  }

  /** A pooled backend holding `params` (checked by the fast backend). */
  static async open(pool: FastPool, params: Params, build?: KernelBuild): Promise<PooledBackend> {
    return new PooledBackend(await createFastBackend(params, { build }), pool, params, build);
  }

  get dims(): readonly number[] {
    return this.local.dims;
  }

  async setParams(params: Params): Promise<void> {
    await this.local.setParams(params);
    this.params = params;
    if (this.workers) {
      const workers = await this.workers;
      await Promise.all(workers.map((w) => call(w, w.host.open([params], this.build))));
    }
  }

  async forward(X: Matrix, options: ForwardOptions = {}): Promise<ForwardResult> {
    if (options.cache || X.cols < MIN_POOLED_COLUMNS || this.pool.threads < 2) return this.local.forward(X, options);
    checkInputShape(X, this.local.dims);
    const workers = await this.started();
    const shared = shareable(X);
    const per = Math.ceil(X.cols / workers.length / COLUMN_ALIGN) * COLUMN_ALIGN;
    const parts = await Promise.all(
      workers.map((w, g) => {
        const start = Math.min(g * per, X.cols);
        return call(w, w.host.forwardColumns(shared, start, Math.min(per, X.cols - start)));
      }),
    );
    const rows = this.local.dims[this.local.dims.length - 1];
    const out = new Float32Array(rows * X.cols);
    parts.forEach((part, g) => {
      for (let r = 0; r < rows; r++) out.set(part.data.subarray(r * part.cols, (r + 1) * part.cols), r * X.cols + g * per);
    });
    return { out: matrix(rows, X.cols, out) };
  }

  dispose(): void {
    this.local.dispose();
    const started = this.workers;
    this.workers = null;
    void started?.then((ws) => ws.forEach((w) => w.terminate())).catch(() => {});
  }

  // The pool's workers, each holding these parameters; started once.
  private started(): Promise<PoolWorker[]> {
    this.workers ??= (async () => {
      const settled = await Promise.allSettled(Array.from({ length: this.pool.threads }, () => this.pool.spawn()));
      const workers = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
      const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
      if (failed) {
        workers.forEach((w) => w.terminate());
        throw workerError(failed.reason);
      }
      await Promise.all(workers.map((w) => call(w, w.host.open([this.params], this.build))));
      return workers;
    })();
    this.workers.catch(() => (this.workers = null)); // a failed start is tried again on the next large pass
    return this.workers;
  }
}
