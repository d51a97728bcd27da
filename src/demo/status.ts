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
  /** The validation loss per epoch (NaN where the validation split is empty): what chooses the kept epoch. */
  valLoss: number[];
  testLoss: number[];
  epochMs: number[];
  finished: number;
  /** Final metrics in popularity points; null until a run ends. */
  metrics: Record<string, number> | null;
  stoppedBy: string | null;
  /** Points on the loss chart, both curves together. */
  chartPoints: number;
}

/** Sweep progress and results (src/demo/sweep-panel.ts). */
export interface SweepStatus {
  running: boolean;
  ranOn: 'gpu' | 'cpu' | null;
  /** K, the models of the grid. */
  models: number;
  /** The last epoch reported (0 before training), and the most the run may take. */
  epochs: number;
  maxEpochs: number;
  /** Models still training after the last epoch. */
  active: number;
  /** How many runs have ended (finished, stopped or failed); tests wait for it to change. */
  finished: number;
  stoppedBy: 'done' | 'user' | 'error' | null;
  /** The chart: datasets (one per model), points per dataset, the highlighted model and each line's width. */
  chart: { datasets: number; points: number[]; best: number; widths: number[] };
  /** Model indices, best validation RMSE first; null until a run ends. */
  ranking: number[] | null;
  /** Each model's validation RMSE in popularity points, in grid order. */
  valRmse: number[] | null;
  ensemble: { members: number[]; valRmse: number; testRmse: number } | null;
  /** Which result the user last made the current model. */
  used: 'best' | 'ensemble' | null;
}

/** A fresh sweep status, before any run. */
export function initialSweepStatus(): SweepStatus {
  return {
    running: false,
    ranOn: null,
    models: 0,
    epochs: 0,
    maxEpochs: 0,
    active: 0,
    finished: 0,
    stoppedBy: null,
    chart: { datasets: 0, points: [], best: -1, widths: [] },
    ranking: null,
    valRmse: null,
    ensemble: null,
    used: null,
  };
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
  sweep: SweepStatus;
  model: { source: string; loads: number } | null;
  /** The data panel's encoder chart: the feature shown, how many edges it drew, and whose encoder it is. */
  encoder: { feature: string; edges: number; width: number; source: 'model' | 'default'; draws: number } | null;
  /** The explain panel: runs finished, the feature ranked first, the curve's feature and points, the rows used. */
  explain: { runs: number; top: string; importances: Record<string, number>; pdpFeature: string; pdpPoints: number; rows: number; ms: number } | null;
  /** Bytes of the last model.onnx the page built, and how many it built. */
  onnx: { bytes: number; exports: number } | null;
  /** `members`: for an ensemble, how many models' outputs were averaged (absent for a single model). */
  prediction: { rows: number; scored: number; unscored: number; members?: number } | null;
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
    explain: null,
    onnx: null,
    training: {
      running: false,
      ranOn: null,
      epochs: 0,
      trainLoss: [],
      valLoss: [],
      testLoss: [],
      epochMs: [],
      finished: 0,
      metrics: null,
      stoppedBy: null,
      chartPoints: 0,
    },
    sweep: initialSweepStatus(),
    model: null,
    encoder: null,
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
