// The page's CPU runtime: the fast backend and trainer live in fast-worker.ts, and every call is a message, so a
// CPU epoch or forward pass never blocks the page. Same Runtime interface as the GPU's, plus trainModel, which runs
// a whole training run (split, init, epochs, metrics) in the worker; Stop acts between epochs.
import { UserError } from '../errors.ts';
import type { ForwardOptions, ForwardResult, MlpBackend } from '../model/backend.ts';
import { type Matrix, matrix } from '../model/matrix.ts';
import { MembersEnsemble } from '../model/members-ensemble.ts';
import type { Params } from '../model/params.ts';
import type { Evaluation, MultiTrainer, StepSettings, TrainableBackend, TrainingData } from '../model/trainable.ts';
import { createFastMultiTrainer } from '../fast/multi-trainer.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { EpochReport } from '../train/loop.ts';
import { type ScaledData, type TrainConfig, type TrainedModel, trainModel, type TrainModelOptions } from '../train/train-model.ts';
import { browserFastPool } from './fast-pool.ts';
import type { FastWorkerReply, FastWorkerRequest, WorkerObjectKind } from './fast-worker-protocol.ts';

/** A float32 copy of `m` that owns its buffer, so the buffer can be transferred to the worker. */
function toFloat32Copy(m: Matrix): Matrix<Float32Array> {
  return matrix(m.rows, m.cols, new Float32Array(m.data));
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void; progress?: (v: unknown) => void };
type Body = FastWorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** One worker and the calls waiting on it. */
class WorkerChannel {
  private readonly worker = new Worker(new URL('./fast-worker.ts', import.meta.url), { type: 'module', name: 'fast-cpu' });
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | null = null;

  constructor() {
    this.worker.onmessage = (event: MessageEvent<FastWorkerReply>) => {
      const reply = event.data;
      const p = this.pending.get(reply.id);
      if (!p) return;
      if ('progress' in reply) {
        p.progress?.(reply.progress);
        return;
      }
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(Object.assign(reply.userError ? new UserError(reply.message) : new Error(reply.message), { name: reply.name }));
    };
    this.worker.onerror = (event: ErrorEvent) => this.fail(new Error(`The CPU worker failed: ${event.message}`));
  }

  call<T>(body: Body, transfer: Transferable[] = [], progress?: (v: unknown) => void, started?: (id: number) => void): Promise<T> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, progress });
      this.worker.postMessage({ ...body, id }, transfer);
      started?.(id);
    });
  }

  fail(err: Error): void {
    this.failure = err;
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  terminate(): void {
    this.fail(new Error('This runtime is closed; open a new one.'));
    this.worker.terminate();
  }
}

/** A backend in the worker, seen from the page. */
class WorkerBackend implements MlpBackend {
  readonly kind = 'cpu' as const;
  private disposed = false;

  constructor(
    protected readonly channel: WorkerChannel,
    private readonly handle: number,
    readonly description: string,
    readonly dims: readonly number[],
  ) {}

  protected call<T>(method: string, ...args: unknown[]): Promise<T> {
    if (this.disposed) return Promise.reject(new Error('This backend was disposed; open a new one.'));
    return this.channel.call<T>({ op: 'call', handle: this.handle, method, args });
  }

  protected callTransferring<T>(method: string, transfer: Transferable[], ...args: unknown[]): Promise<T> {
    if (this.disposed) return Promise.reject(new Error('This backend was disposed; open a new one.'));
    return this.channel.call<T>({ op: 'call', handle: this.handle, method, args }, transfer);
  }

  setParams(params: Params): Promise<void> {
    return this.call('setParams', params);
  }

  forward(X: Matrix, options?: ForwardOptions): Promise<ForwardResult> {
    return this.call('forward', X, options ?? {});
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.channel.call({ op: 'dispose', handle: this.handle }).catch(() => {});
  }
}

/** A trainer in the worker: each epoch is one message, so the page's thread only waits. */
class WorkerTrainer extends WorkerBackend implements TrainableBackend {
  startTraining(data: TrainingData, settings: StepSettings): Promise<void> {
    // Only the matrices go over: a page's Dataset carries more (row indices, names) that the trainer never reads.
    // They go as float32 copies whose buffers are transferred: the trainer computes in float32 anyway, and a
    // structured clone of the float64 originals took tens of milliseconds of the page's thread.
    const { xTrain, yTrain, xTest, yTest, xVal, yVal } = data as TrainingData & { xVal?: Matrix; yVal?: Matrix };
    const sent = {
      xTrain: toFloat32Copy(xTrain),
      yTrain: toFloat32Copy(yTrain),
      xTest: toFloat32Copy(xTest),
      yTest: toFloat32Copy(yTest),
      ...(xVal && yVal ? { xVal: toFloat32Copy(xVal), yVal: toFloat32Copy(yVal) } : {}),
    };
    return this.callTransferring(
      'startTraining',
      Object.values(sent).map((m) => m.data.buffer),
      sent,
      settings,
    );
  }
  trainEpoch(): Promise<void> {
    return this.call('trainEpoch');
  }
  evaluate(): Promise<Evaluation> {
    return this.call('evaluate');
  }
  saveBest(): Promise<void> {
    return this.call('saveBest');
  }
  restoreBest(): Promise<void> {
    return this.call('restoreBest');
  }
  batchGradients(batch: number): Promise<Float64Array> {
    return this.call('batchGradients', batch);
  }
  readParams(): Promise<Params> {
    return this.call('readParams');
  }
}

/** A runtime whose backends live in the worker, and which can run a whole {@link trainModel} there. */
export interface WorkerRuntime extends Runtime {
  /** trainModel in the worker on the fast trainer: data split, init, epochs and metrics all off the page's thread. */
  trainModel(data: ScaledData, config: TrainConfig, options?: TrainModelOptions): Promise<TrainedModel>;
}

/** Copies of the matrices of `data` that own their buffers (float64 kept: the metrics are the GPU path's). */
function ownedCopy(data: ScaledData): { data: ScaledData; buffers: ArrayBuffer[] } {
  const out: Record<string, unknown> = { scaler: data.scaler };
  const buffers: ArrayBuffer[] = [];
  for (const key of ['xTrain', 'yTrain', 'xTest', 'yTest', 'xVal', 'yVal'] as const) {
    const m = (data as unknown as Record<string, Matrix | undefined>)[key];
    if (!m) continue;
    const copy = matrix(m.rows, m.cols, m.data.slice());
    buffers.push(copy.data.buffer);
    out[key] = copy;
  }
  return { data: out as unknown as ScaledData, buffers };
}

/**
 * Trains on `runtime`: in its worker when it is a {@link WorkerRuntime} (the page without WebGPU), else with
 * {@link trainModel} on the runtime's trainer. Stop (the signal) acts between epochs either way.
 */
export function trainModelOn(runtime: Runtime, data: ScaledData, config: TrainConfig, options: TrainModelOptions = {}): Promise<TrainedModel> {
  const worker = runtime as Partial<WorkerRuntime>;
  return worker.trainModel ? worker.trainModel(data, config, options) : trainModel((p) => runtime.trainer(p), data, config, options);
}

/** A CPU runtime whose backends and trainers run in a worker on the fast CPU backend. */
export async function openWorkerRuntime(): Promise<WorkerRuntime> {
  const channel = new WorkerChannel();
  const description = `${await channel.call<string>({ op: 'describe' })}, in a worker`;
  const handedOut = new Set<MlpBackend>();
  const trainers = new Set<MultiTrainer>();
  const pool = browserFastPool();
  let closed = false;
  const open = async <T extends WorkerBackend>(kind: WorkerObjectKind, params: Params, make: (h: number) => T): Promise<T> => {
    if (closed) throw new Error('This runtime is closed; open a new one.');
    const obj = make(await channel.call<number>({ op: 'open', kind, params }));
    handedOut.add(obj);
    return obj;
  };
  return {
    kind: 'cpu',
    description,
    gpu: null,
    backend: (params) => open('backend', params, (h) => new WorkerBackend(channel, h, description, params.dims)),
    trainer: (params) => open('trainer', params, (h) => new WorkerTrainer(channel, h, description, params.dims)),
    async trainModel(data, config, options = {}) {
      if (closed) throw new Error('This runtime is closed; open a new one.');
      const sent = ownedCopy(data);
      let runId = 0;
      const abort = (): void => void channel.call({ op: 'abort', target: runId }).catch(() => {});
      try {
        return await channel.call<TrainedModel>(
          { op: 'train', data: sent.data, config, ...(options.initial ? { initial: options.initial } : {}) },
          sent.buffers,
          (report) => options.onEpoch?.(report as EpochReport),
          (id) => {
            runId = id;
            if (options.signal?.aborted) abort();
            options.signal?.addEventListener('abort', abort, { once: true });
          },
        );
      } finally {
        options.signal?.removeEventListener('abort', abort);
      }
    },
    // A sweep without WebGPU: the fast trainers in a pool of workers, one per core; the page's thread only waits.
    multiTrainer: async (params) => {
      if (closed) throw new Error('This runtime is closed; open a new one.');
      const trainer = await createFastMultiTrainer(params, { pool });
      trainers.add(trainer);
      return trainer;
    },
    // Each member is a fast backend in the worker; only the averaging of their outputs runs here.
    ensemble: async (members) => {
      const backend = (p: Params) => open('backend', p, (h) => new WorkerBackend(channel, h, description, p.dims));
      const backends: MlpBackend[] = [];
      for (const p of members) backends.push(await backend(p));
      return new MembersEnsemble(backends, `${description}, ensemble of ${members.length}`, backend);
    },
    close() {
      if (closed) return;
      closed = true;
      for (const t of trainers) t.dispose();
      for (const b of handedOut) b.dispose();
      handedOut.clear();
      channel.terminate();
    },
  };
}
