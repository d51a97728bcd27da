// The messages between the page and fast-worker.ts: open a backend or trainer, call one of its methods, dispose it.

/** Which object to open in the worker. */
export type WorkerObjectKind = 'backend' | 'trainer';

/** A request from the page; `id` pairs it with its reply. */
export type FastWorkerRequest =
  | { readonly id: number; readonly op: 'describe' }
  | { readonly id: number; readonly op: 'open'; readonly kind: WorkerObjectKind; readonly params: unknown }
  | { readonly id: number; readonly op: 'call'; readonly handle: number; readonly method: string; readonly args: readonly unknown[] }
  | { readonly id: number; readonly op: 'dispose'; readonly handle: number }
  /** A whole trainModel run in the worker (splitting, init, epochs, metrics); epoch reports come as progress. */
  | { readonly id: number; readonly op: 'train'; readonly data: unknown; readonly config: unknown; readonly initial?: unknown }
  /** Stops the run `target` before its next epoch. */
  | { readonly id: number; readonly op: 'abort'; readonly target: number };

/** The worker's answer: the value (for `open`, the handle), or the error's name and message. */
export type FastWorkerReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly progress: unknown }
  | { readonly id: number; readonly ok: false; readonly name: string; readonly message: string; readonly userError: boolean };

/** Trainer methods the page may call (every TrainableBackend method but dispose). */
export const WORKER_METHODS = [
  'setParams',
  'forward',
  'startTraining',
  'trainEpoch',
  'evaluate',
  'saveBest',
  'restoreBest',
  'batchGradients',
  'readParams',
] as const;
