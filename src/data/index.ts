// The data pipeline's public API, shared by the CLI, the demo's worker and training: parse → clean → sample → scale → split.
export {
  BOOLEAN_COLUMNS,
  DROP_REASON_TEXT,
  DROP_REASONS,
  type DropReason,
  FEATURES,
  ID_COLUMN,
  N_FEATURES,
  RELEASE_DATE,
  TARGET,
  YEAR,
} from '../model/schema.ts';
export { type CellValue, INVALID, MISSING, parseNumber, parseReleaseYear, validDate } from './values.ts';
export { type ColumnLayout, cleanRow, type RowProblem, type RowResult, resolveColumns } from './row.ts';
export { type CleanTable, type CsvChunk, type RejectedRow, TableBuilder, type TableCounts, type TableOptions } from './table.ts';
export { CSV_PARSE_CONFIG, parseCsvText } from './csv.ts';
export { fitScaler, type ScalerParams, scaleOf, scaleX, scaleY, unscaleY, validateScaler } from '../model/scaler.ts';
export {
  DEFAULT_RNG,
  DEFAULT_SAMPLE,
  DEFAULT_SEED,
  DEFAULT_TEST_SIZE,
  type Dataset,
  describeDrops,
  gatherFeatures,
  gatherTargets,
  prepareDataset,
  type PrepareOptions,
  type RowCounts,
} from './prepare.ts';
export { popularitySignal, SYNTHETIC_NAME, SYNTHETIC_NOISE_SD, SYNTHETIC_ROWS, syntheticDataset } from './synthetic.ts';
