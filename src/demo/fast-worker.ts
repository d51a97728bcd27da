// A Web Worker that hosts the fast CPU backend and trainer (src/fast/), so CPU training and the CPU forward pass
// never run on the page's thread; worker-runtime.ts is the page's side.
import { UserError } from '../errors.ts';
import type { MlpBackend } from '../model/backend.ts';
import type { Params } from '../model/params.ts';
import { isTrainable } from '../model/trainable.ts';
import { type ScaledData, type TrainConfig, trainModel } from '../train/train-model.ts';
import { createFastBackend, fastDescription } from '../fast/backend.ts';
import { createFastTrainer } from '../fast/trainer.ts';
import { defaultBuild } from '../fast/kernels.ts';
import { type FastWorkerReply, type FastWorkerRequest, WORKER_METHODS } from './fast-worker-protocol.ts';

const scope = self as unknown as DedicatedWorkerGlobalScope;
const objects = new Map<number, MlpBackend>();
/** The runs in progress, by request id, so an `abort` can reach them. */
const runs = new Map<number, AbortController>();

/** A macrotask between epochs, so an `abort` message is handled before the next epoch starts. */
const yieldToMessages = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));
let nextHandle = 1;

/** The typed arrays inside a reply, so they move to the page instead of being copied. */
function transferables(value: unknown, out: Transferable[] = []): Transferable[] {
  if (ArrayBuffer.isView(value)) {
    if (value.buffer instanceof ArrayBuffer && !out.includes(value.buffer)) out.push(value.buffer);
  } else if (Array.isArray(value)) {
    for (const v of value) transferables(v, out);
  } else if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) transferables(v, out);
  }
  return out;
}

async function handle(req: FastWorkerRequest): Promise<unknown> {
  switch (req.op) {
    case 'describe':
      return fastDescription(defaultBuild());
    case 'open': {
      const params = req.params as Params;
      // The fast backend directly, not through a runtime: the worker then loads none of the GPU code.
      const obj = req.kind === 'trainer' ? await createFastTrainer(params) : await createFastBackend(params);
      const h = nextHandle++;
      objects.set(h, obj);
      return h;
    }
    case 'call': {
      const obj = objects.get(req.handle);
      if (!obj) throw new Error('This backend was disposed; open a new one.');
      if (!(WORKER_METHODS as readonly string[]).includes(req.method) || (req.method !== 'forward' && req.method !== 'setParams' && !isTrainable(obj))) {
        throw new Error(`The worker's backend has no method ${req.method}.`);
      }
      const fn = (obj as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>)[req.method];
      return fn.apply(obj, req.args as unknown[]);
    }
    case 'train': {
      const controller = new AbortController();
      runs.set(req.id, controller);
      try {
        return await trainModel((p) => createFastTrainer(p), req.data as ScaledData, req.config as TrainConfig, {
          signal: controller.signal,
          beforeEpoch: yieldToMessages,
          onEpoch: (report) => scope.postMessage({ id: req.id, progress: report } satisfies FastWorkerReply),
          ...(req.initial ? { initial: req.initial as Params } : {}),
        });
      } finally {
        runs.delete(req.id);
      }
    }
    case 'abort':
      runs.get(req.target)?.abort();
      return null;
    case 'dispose':
      objects.get(req.handle)?.dispose();
      objects.delete(req.handle);
      return null;
  }
}

scope.onmessage = (event: MessageEvent<FastWorkerRequest>) => {
  const req = event.data;
  handle(req).then(
    (value) => {
      // Only results the worker made itself are transferred: trainEpoch and friends return nothing.
      const reply: FastWorkerReply = { id: req.id, ok: true, value };
      scope.postMessage(reply, req.op === 'call' || req.op === 'train' ? transferables(value) : []);
    },
    (err: unknown) => {
      const e = err instanceof Error ? err : new Error(String(err));
      // A UserError stays one: the page shows its sentence rather than "something went wrong".
      scope.postMessage({ id: req.id, ok: false, name: e.name, message: e.message, userError: e instanceof UserError } satisfies FastWorkerReply);
    },
  );
};
