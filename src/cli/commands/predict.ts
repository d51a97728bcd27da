// `spotify-mlp predict`: scores a CSV with a trained model file; one output row per input row, in order, with
// an empty prediction and a reason for every row that cannot be scored, so no row is dropped silently.
import type { Command } from 'commander';
import { describeDrops, gatherFeatures, scaleX } from '../../data/index.ts';
import { UserError } from '../../errors.ts';
import { type BackendChoice, modelBackend } from '../../runtime/runtime.ts';
import { parseModel } from '../../model/model-file.ts';
import { loadCsvFile } from '../../platform/node-csv.ts';
import { BACKEND_HELP, BACKEND_KINDS, withRuntime } from '../backend.ts';
import { readTextFile } from '../io.ts';
import { withOutputs } from '../outputs.ts';
import { choiceArg } from '../options.ts';
import { assertFinitePredictions, checkModelFeatures, PREDICTION_COLUMN, predictionsCsv, predictPoints, rangeReport } from '../../train/predictions.ts';

/** The options of `spotify-mlp predict` after parsing. */
export interface PredictCommandOptions {
  readonly model: string;
  readonly csv: string;
  readonly out: string;
  readonly backend: BackendChoice;
  readonly force: boolean;
}

/** Adds `predict` to the program. */
export function register(program: Command): void {
  program
    .command('predict')
    .description('predict popularity for every row of a CSV with a model file written by train')
    .requiredOption('--model <file>', 'the model JSON written by spotify-mlp train (it must hold a "scaler")')
    .requiredOption('--csv <file>', 'the tracks to score (tracks.csv layout; popularity is not needed)')
    .requiredOption('--out <file>', `where to write the CSV: id (when the input has one), ${PREDICTION_COLUMN}, reason`)
    .option('--backend <kind>', `${BACKEND_HELP}; the float64 reference by default here`, choiceArg('--backend', BACKEND_KINDS), 'reference' as BackendChoice)
    .option('--force', 'overwrite --out if it exists', false)
    .action((options: PredictCommandOptions) => runPredict(options));
}

/** Reads the model and the CSV, predicts, and writes one output row per input row. */
export async function runPredict(options: PredictCommandOptions): Promise<void> {
  const label = `the model file '${options.model}'`;
  const spec = { path: options.out, what: 'the predictions file', example: 'preds.csv' };
  const inputs = [
    { path: options.model, what: 'the model file' },
    { path: options.csv, what: 'the CSV file' },
  ];
  const { result: table } = await withOutputs([spec], { force: options.force, inputs }, async (outputs) => {
    const model = parseModel(readTextFile(options.model, 'the model file'), label);
    const scaler = checkModelFeatures(model, label);
    const table = await loadCsvFile(options.csv, { requireTarget: false, keepIds: true, listRejected: true });
    if (table.counts.read === 0) {
      throw new UserError(`The CSV file '${options.csv}' has a header but no data rows; give it at least one track to score.`);
    }
    if (table.rows === 0) {
      // A file of nothing but reasons is not a result: say why every row failed instead of exiting 0.
      throw new UserError(
        `None of the ${table.counts.read} rows of '${options.csv}' can be scored (${describeDrops(table.counts)}); fix those values, nothing was written.`,
      );
    }
    const identity = Int32Array.from({ length: table.rows }, (_, i) => i);
    const X = scaleX(gatherFeatures(table, identity), scaler);
    const outside = rangeReport(X, scaler.features);
    // An ensemble predicts the average of its members, all run in one dispatch on the GPU.
    const predictions = await withRuntime(options.backend, async (runtime) => predictPoints(await modelBackend(runtime, model), scaler, model.encoder, X));
    assertFinitePredictions(predictions, table, options.csv);
    // Printed only once the file is sure to be written, so a failed run says one thing: why it failed.
    if (outside) process.stderr.write(`predict: warning: ${outside}\n`);
    outputs.write(options.out, predictionsCsv(table, predictions));
    return table;
  });
  const skipped = table.rejected?.length ?? 0;
  process.stderr.write(
    `predict: ${table.counts.read} rows read from ${options.csv}: ${table.rows} predicted, ` +
      `${skipped} without a prediction (see the reason column); wrote ${options.out}\n`,
  );
}
