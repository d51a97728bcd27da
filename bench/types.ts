// The vocabulary shared by the benchmark's page, its Node runs and its report: implementations, operations, records.
import type { Matrix } from '../src/model/matrix.ts';
import type { Params } from '../src/model/params.ts';

/** The implementations compared. */
export type Impl = 'spotify-mlp' | 'spotify-cpu' | 'tfjs-webgpu' | 'tfjs-cpu' | 'ort-webgpu' | 'ort-wasm' | 'cpu-reference';

/** Every implementation, in the order the report lists them. */
export const IMPLS: readonly Impl[] = ['spotify-mlp', 'spotify-cpu', 'tfjs-webgpu', 'tfjs-cpu', 'ort-webgpu', 'ort-wasm', 'cpu-reference'];

/** Where an implementation ran. */
export type Runtime = 'chromium' | 'node';

/**
 * What is timed. `forward`: X uploaded, the output read back. `forward+cache`: every Z and A read back.
 * `train-step`: one full-batch forward, backward and SGD step on the MSE, the loss read back (data resident).
 * `epoch`: one pass of mini-batch Adam over the training set, the last loss read back (data resident).
 */
export type Op = 'forward' | 'forward+cache' | 'train-step' | 'epoch';

/** Every operation, in report order. */
export const OPS: readonly Op[] = ['forward', 'forward+cache', 'train-step', 'epoch'];

/** One measured case, as bench/results/latest.json lists it. */
export interface BenchRecord {
  impl: Impl;
  runtime: Runtime;
  adapter: string;
  op: Op;
  m: number;
  median_ms: number;
  min_ms: number;
  runs: number;
  gflops: number;
  /** How the time was taken: wall-clock around the whole operation, upload and read-back included. */
  timing: 'wall-clock';
  /** The peer's own setting that was measured, e.g. the tensor layout or the thread count. */
  variant?: string;
}

/** A case that was not measured, and why (printed and kept in the JSON, never silently dropped). */
export interface SkipRecord {
  impl: Impl;
  runtime: Runtime;
  op: Op;
  m: number;
  skipped: string;
}

/** The identical inputs every implementation gets for one m. */
export interface BenchData {
  readonly params: Params;
  /** X in the notebook's (13, m) layout, float32 as every GPU and wasm peer takes it. */
  readonly X: Matrix<Float32Array>;
  /** The same X transposed to (m, 13), for peers whose kernels favour rows; made outside any timing. */
  readonly Xrows: Float32Array;
  /** Targets (1, m) for the training operations. */
  readonly Y: Matrix<Float32Array>;
  readonly m: number;
}

/** Training settings shared by every implementation's train-step and epoch. */
export interface TrainSettings {
  /** Learning rate of the train-step's plain gradient-descent update. */
  readonly sgdLearningRate: number;
  /** Learning rate of the epoch's Adam updates. */
  readonly adamLearningRate: number;
  /** Examples per mini-batch in the epoch. */
  readonly batchSize: number;
}

/** What one run of an operation read back; the harness checks it against the CPU reference. */
export interface OpOutput {
  out?: ArrayLike<number>;
  cache?: ArrayLike<number>[];
  loss?: number;
}

/** One operation at one m, prepared on one implementation: its inputs are in place, `run` is what gets timed. */
export interface PeerCase {
  run(): Promise<OpOutput>;
  /** After a training run: the parameters as the implementation now holds them, for the correctness check. */
  readParams?(): Promise<Params>;
  dispose(): void | Promise<void>;
}

/** An implementation under test. */
export interface Peer {
  readonly impl: Impl;
  readonly ops: readonly Op[];
  /** The adapter or CPU it runs on, in words. */
  readonly adapter: string;
  /** The setting measured, if the peer has several (see bench/README.md for the alternatives tried). */
  readonly variant?: string;
  prepare(op: Op, data: BenchData, train: TrainSettings): Promise<PeerCase>;
  dispose(): void | Promise<void>;
}

/** A set of peers in one runtime (the page, or Node) that the driver asks to measure cases one at a time. */
export interface CaseRunner {
  readonly runtime: Runtime;
  /** Each available implementation and the operations it offers. */
  peers(): Promise<{ impl: Impl; ops: Op[] }[]>;
  /** Checks, then times, one case; `maxRunMs` bounds a single run (slower cases are skipped, with the reason). */
  runCase(impl: Impl, op: Op, m: number, maxRunMs: number): Promise<BenchRecord | SkipRecord>;
  close(): Promise<void>;
}
