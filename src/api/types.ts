// The types the public API names, re-exported once so src/index.ts and src/browser.ts expose the same ones.
export type { CleanTable, Dataset, PrepareOptions, RowCounts, ScalerParams } from '../data/index.ts';
export type { ForwardResult, MlpBackend } from '../model/backend.ts';
export type { FloatArray, Matrix } from '../model/matrix.ts';
export type { ModelExtras, ModelFile } from '../model/model-file.ts';
export type { Params } from '../model/params.ts';
export type { TrainableBackend } from '../model/trainable.ts';
export type { OptimizerKind } from './common.ts';
export type { RngKind } from '../rng/index.ts';
export type { BackendChoice, Runtime } from '../runtime/runtime.ts';
export type { EpochReport, LoopOutcome } from '../train/loop.ts';
export type { MetricsReport, RegressionMetrics } from '../train/metrics.ts';
export type { OutputInit, TrainedModel } from '../train/train-model.ts';
