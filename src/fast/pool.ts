// K fast models on every core: the models are dealt round-robin to a few workers (model i to worker i mod n), each
// worker trains its share with the same fast trainers a single run uses, on the same shuffle, so every model's
// result is the one it would get alone. The platform starts the workers (worker_threads in Node, Web Workers in the
// page) and hands over each one's GroupHost through comlink; this file only deals models and gathers results.
import { UserError } from '../errors.ts';
import { averageOutputs, type EnsembleBackend } from '../model/backend.ts';
import { type Matrix, matrix } from '../model/matrix.ts';
import type { Params } from '../model/params.ts';
import type { Evaluation, ModelSettings, MultiTrainer, StepSettings, TrainingData } from '../model/trainable.ts';
import { fastDescription, modelsOn } from './backend.ts';
import type { GroupHost } from './group-host.ts';
import type { KernelBuild } from './kernels.ts';

/** One worker: its host's methods (each a promise), a promise that rejects if the worker dies, and its end. */
export interface PoolWorker {
  readonly host: { [M in keyof GroupHost]: (...args: Parameters<GroupHost[M]>) => Promise<Awaited<ReturnType<GroupHost[M]>>> };
  readonly died: Promise<never>;
  terminate(): void;
}

/** Starts workers; the platform's (src/platform/node-fast-pool.ts, the page's demo/fast-pool.ts). */
export interface FastPool {
  /** Workers a trainer may start: the cores there are. */
  readonly threads: number;
  spawn(): Promise<PoolWorker>;
}

/** A sentence for a worker's failure; the pool's own errors are already one sentence. */
function workerError(err: unknown): Error {
  const e = err as { name?: string; message?: string };
  if (e?.name === 'UserError') return new UserError(e.message ?? String(err));
  return new UserError(`A CPU training worker failed: ${e?.message ?? String(err)}`);
}

/** K fast trainers split over `n` workers. */
export class PooledMultiTrainer implements MultiTrainer {
  readonly kind = 'cpu' as const;
  readonly models: number;

  private constructor(
    private readonly workers: readonly PoolWorker[],
    readonly dims: readonly number[],
    models: number,
    readonly description: string,
  ) {
    this.models = models;
  }

  /** Starts min(threads, K) workers and opens each one's share of `params`; any failure ends every worker. */
  static async open(pool: FastPool, params: readonly Params[], build?: KernelBuild): Promise<PooledMultiTrainer> {
    const n = Math.max(1, Math.min(pool.threads, params.length));
    const started = await Promise.allSettled(Array.from({ length: n }, () => pool.spawn()));
    const workers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      workers.forEach((w) => w.terminate());
      throw workerError(failed.reason);
    }
    try {
      const builds = await Promise.all(workers.map((w, g) => call(w, w.host.open(share(params, g, n), build))));
      return new PooledMultiTrainer(workers, params[0].dims, params.length, fastDescription(builds[0], modelsOn(params.length, n)));
    } catch (err) {
      workers.forEach((w) => w.terminate());
      throw err;
    }
  }

  async startTraining(data: TrainingData, settings: StepSettings, models?: readonly ModelSettings[]): Promise<void> {
    if (models && models.length !== this.models) {
      throw new RangeError(`startTraining got settings for ${models.length} models; the trainer holds ${this.models}.`);
    }
    // Only the matrices go over: a caller's data may carry more (a page's row indices, the scaler).
    const { xTrain, yTrain, xTest, yTest, xVal, yVal, rowFold } = data;
    const shared: TrainingData = {
      xTrain: await shareablePaced(xTrain),
      yTrain: await shareablePaced(yTrain),
      xTest: await shareablePaced(xTest),
      yTest: await shareablePaced(yTest),
      ...(xVal && yVal ? { xVal: await shareablePaced(xVal), yVal: await shareablePaced(yVal) } : {}),
      ...(rowFold ? { rowFold } : {}),
    };
    await this.each((w, g) => w.host.startTraining(shared, settings, models && share(models, g, this.workers.length)));
  }

  async trainEpoch(active?: readonly boolean[]): Promise<void> {
    await this.each((w, g) => w.host.trainEpoch(active && share(active, g, this.workers.length)));
  }

  async evaluate(): Promise<Evaluation[]> {
    return this.gather(await this.each((w) => w.host.evaluate()));
  }

  async saveBest(models: readonly number[]): Promise<void> {
    const n = this.workers.length;
    await this.each((w, g) => w.host.saveBest(models.filter((i) => i % n === g).map((i) => Math.floor(i / n))));
  }

  async restoreBest(): Promise<void> {
    await this.each((w) => w.host.restoreBest());
  }

  batchGradients(batch: number, model: number): Promise<Float64Array> {
    const w = this.workers[model % this.workers.length];
    return call(w, w.host.batchGradients(batch, Math.floor(model / this.workers.length)));
  }

  readParams(model: number): Promise<Params> {
    const w = this.workers[model % this.workers.length];
    return call(w, w.host.readParams(Math.floor(model / this.workers.length)));
  }

  async readAllParams(): Promise<Params[]> {
    return this.gather(await this.each((w) => w.host.readAllParams()));
  }

  /** Every model as an ensemble where it lives: each worker runs its own models' forward passes. */
  membersEnsemble(): EnsembleBackend {
    const forwardMembers = async (X: Matrix): Promise<Matrix[]> => {
      const shared = await shareablePaced(X);
      return this.gather(await this.each((w) => w.host.forwardMembers(shared)));
    };
    return {
      kind: 'cpu',
      description: this.description,
      dims: this.dims,
      members: this.models,
      forwardMembers,
      forward: async (X, options = {}) => {
        if (options.cache) throw new RangeError('An ensemble has no single cache; run a member on its own for one.');
        return { out: averageOutputs(await forwardMembers(X)) };
      },
      setParams: () => Promise.reject(new Error("A sweep's ensemble holds the trained models; it takes no other parameters.")),
      dispose: () => {},
    };
  }

  /** Ends every worker at once (a model being trained is dropped with it). */
  dispose(): void {
    for (const w of this.workers) w.terminate();
  }

  private each<T>(f: (w: PoolWorker, g: number) => Promise<T>): Promise<T[]> {
    return Promise.all(this.workers.map((w, g) => call(w, f(w, g))));
  }

  /** Model i's item from worker i mod n's list, at place floor(i / n). */
  private gather<T>(lists: readonly (readonly T[])[]): T[] {
    const n = this.workers.length;
    return Array.from({ length: this.models }, (_, i) => lists[i % n][Math.floor(i / n)]);
  }
}

/**
 * A float32 copy of `m` every worker reads without a copy of its own: in a SharedArrayBuffer where there is one (Node,
 * and a cross-origin-isolated page), else a plain array that each message copies. The fast trainers compute in
 * float32, so this is the data they would convert to anyway.
 */
export function shareable(m: Matrix): Matrix<Float32Array> {
  const data = sharedFloats(m.data.length);
  data.set(m.data);
  return matrix(m.rows, m.cols, data);
}

// A Float32Array in a SharedArrayBuffer where there is one and the page is isolated, else in a plain ArrayBuffer.
function sharedFloats(length: number): Float32Array {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated ?? true;
  return new Float32Array(typeof SharedArrayBuffer !== 'undefined' && isolated ? new SharedArrayBuffer(length * 4) : new ArrayBuffer(length * 4));
}

/** Values copied between two turns of the event loop by {@link shareablePaced}: a few ms of work on a page. */
const PACED_COPY = 1 << 18;

/**
 * {@link shareable}, copying a slice at a time with a turn of the event loop between slices, so a page's thread
 * is never held for the whole copy (15 MB for a sweep of 24 000 rows of 173 encoded values).
 */
export async function shareablePaced(m: Matrix): Promise<Matrix<Float32Array>> {
  if (m.data.length <= PACED_COPY) return shareable(m);
  const data = sharedFloats(m.data.length);
  for (let i = 0; i < m.data.length; i += PACED_COPY) {
    data.set(m.data.subarray(i, i + PACED_COPY), i);
    await new Promise((r) => setTimeout(r, 0));
  }
  return matrix(m.rows, m.cols, data);
}

/** Worker g's share of a per-model list: items g, g + n, g + 2n, … */
function share<T>(items: readonly T[], g: number, n: number): T[] {
  return items.filter((_, i) => i % n === g);
}

/** A call to a worker, failing in one sentence if the worker throws or dies. */
async function call<T>(w: PoolWorker, p: Promise<T>): Promise<T> {
  try {
    return await Promise.race([p, w.died]);
  } catch (err) {
    throw workerError(err);
  }
}
