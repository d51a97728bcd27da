// The page's machine-readable state, published as `window.__demo` so end-to-end tests poll facts, not wording.

/** Row counts of the loaded data as the page shows them. */
export interface DataStatus {
  /** 'synthetic' or the file name. */
  readonly source: string;
  readonly read: number;
  readonly kept: number;
  readonly dropped: number;
  readonly droppedByReason: Record<string, number>;
  readonly sampled: number;
  readonly train: number;
  readonly test: number;
  /** How many times a dataset has been loaded; tests wait for it to change. */
  readonly loads: number;
}

/** The GPU-vs-CPU forward check. */
export interface ForwardStatus {
  /** Which backend produced the result checked against the CPU reference. */
  readonly ranOn: 'gpu' | 'cpu';
  readonly m: number;
  /** Largest |GPU − CPU| over the whole cache; null when there is no GPU to check. */
  readonly maxAbsDiff: number | null;
  /** atol + rtol·max|CPU|, the bound the largest difference is held to; null without a GPU. */
  readonly tolerance: number | null;
  /** Every element within atol + rtol·|CPU|; null without a GPU. */
  readonly withinTolerance: boolean | null;
  readonly gpuMs: number | null;
  readonly cpuMs: number;
  readonly shapes: Record<string, string>;
  /** Where the weights came from, e.g. 'He init, seed 42 (numpy)'. */
  readonly weights: string;
  /** Fraction of units that are zero for every example in the window, per hidden/output layer. */
  readonly deadFraction: number[];
  readonly runs: number;
}

/** Training progress and results. */
export interface TrainingStatus {
  running: boolean;
  ranOn: 'gpu' | 'cpu' | null;
  epochs: number;
  trainLoss: number[];
  testLoss: number[];
  epochMs: number[];
  finished: number;
  /** Final metrics in popularity points; null until a run ends. */
  metrics: Record<string, number> | null;
  stoppedBy: string | null;
  /** Points on the loss chart, both curves together. */
  chartPoints: number;
}

/** Everything the tests can poll. */
export interface DemoStatus {
  /** True once the first dataset and forward check are done. */
  ready: boolean;
  /** Where the network runs: 'gpu' when WebGPU gave a device, otherwise 'cpu'. */
  backend: 'gpu' | 'cpu' | 'pending';
  adapter: { vendor: string; architecture: string; description: string; isFallbackAdapter: boolean } | null;
  /** Why there is no GPU, in one sentence, when there is none. */
  gpuUnavailable: string | null;
  data: DataStatus | null;
  /** Progress of a CSV being parsed, 0..1, or null. */
  parseProgress: number | null;
  forward: ForwardStatus | null;
  training: TrainingStatus;
  model: { source: string; loads: number } | null;
  prediction: { rows: number; scored: number; unscored: number } | null;
  /** Every user-facing error shown, in order; lastError is the latest. */
  errors: string[];
  lastError: string | null;
}

/** A fresh status object, before anything ran. */
export function initialStatus(): DemoStatus {
  return {
    ready: false,
    backend: 'pending',
    adapter: null,
    gpuUnavailable: null,
    data: null,
    parseProgress: null,
    forward: null,
    training: {
      running: false, ranOn: null, epochs: 0, trainLoss: [], testLoss: [], epochMs: [], finished: 0,
      metrics: null, stoppedBy: null, chartPoints: 0,
    },
    model: null,
    prediction: null,
    errors: [],
    lastError: null,
  };
}

/** The page's status object, created on first use and attached to `window.__demo`. */
export function demoStatus(): DemoStatus {
  const w = globalThis as unknown as { __demo?: DemoStatus };
  w.__demo ??= initialStatus();
  return w.__demo;
}
