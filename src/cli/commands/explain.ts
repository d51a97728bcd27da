// `spotify-mlp explain`: which features drive a model's predictions. Permutation importance (the RMSE growth, in
// popularity points, when one feature's column is shuffled, over R seeded shuffles) and a partial-dependence curve,
// every shuffled copy scored in one batched forward pass.
import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import { FEATURES } from '../../data/index.ts';
import { checkExplainSettings, DEFAULT_PDP_POINTS } from '../../explain/explain.ts';
import { DEFAULT_MAX_ROWS, explainTable, type TableExplanation } from '../../explain/explain-table.ts';
import { parseModel } from '../../model/model-file.ts';
import { checkModelFeatures } from '../../train/predictions.ts';
import { loadCsvFile } from '../../platform/node-csv.ts';
import type { BackendChoice } from '../../runtime/runtime.ts';
import { BACKEND_HELP, BACKEND_KINDS, TRAINING_RUNTIME, withRuntime } from '../backend.ts';
import { readTextFile } from '../io.ts';
import { choiceArg, floatArg, intArg } from '../options.ts';
import { withOutputs } from '../outputs.ts';

/** The options of `spotify-mlp explain` after parsing. */
export interface ExplainCommandOptions {
  readonly model: string;
  readonly csv: string;
  readonly out?: string;
  readonly repeats: number;
  readonly seed: number;
  readonly feature: string;
  readonly points: number;
  readonly rows: 'test' | 'all';
  readonly maxRows: number;
  readonly testSize: number;
  readonly splitSeed: number;
  readonly backend: BackendChoice;
  readonly force: boolean;
}

/** Adds `explain` to the program. */
export function register(program: Command): void {
  program
    .command('explain')
    .description('permutation importance of each feature and a partial-dependence curve, for a model or ensemble on a CSV with popularity')
    .requiredOption('--model <file>', 'the model or ensemble JSON written by spotify-mlp train or sweep')
    .requiredOption('--csv <file>', 'tracks with their popularity (tracks.csv layout)')
    .option('--out <file>', 'also write the numbers as JSON, e.g. importance.json')
    .option('--repeats <n>', 'seeded shuffles per feature (R)', intArg('--repeats', { min: 1, max: 100 }), 5)
    .option('--seed <n>', "seed of the shuffles (scikit-learn's random_state) and of the --max-rows sample", intArg('--seed', { min: 0, max: 2 ** 32 - 1 }), 42)
    .option('--feature <name>', 'the feature of the partial-dependence curve', 'year')
    .option('--points <n>', 'grid points of the curve', intArg('--points', { min: 2, max: 200 }), DEFAULT_PDP_POINTS)
    .option(
      '--rows <which>',
      'test: the rows train held out (see --split-seed and --test-size); all: every scorable row',
      choiceArg('--rows', ['test', 'all'] as const),
      'test' as const,
    )
    .option('--split-seed <n>', 'the seed of that split, as train used it (its --seed)', intArg('--split-seed', { min: 0, max: 2 ** 32 - 1 }), 42)
    .option('--test-size <fraction>', 'the test split of --rows test, as train used it', floatArg('--test-size', { min: 0, max: 1, maxExclusive: true }), 0.2)
    .option('--max-rows <n>', 'explain at most this many of those rows (a seeded sample)', intArg('--max-rows', { min: 2 }), DEFAULT_MAX_ROWS)
    .option('--backend <kind>', BACKEND_HELP, choiceArg('--backend', BACKEND_KINDS), 'auto' as BackendChoice)
    .option('--force', 'overwrite --out if it exists', false)
    .action((options: ExplainCommandOptions) => runExplain(options));
}

/** Reads the model and the CSV, explains, prints the table and writes --out. */
export async function runExplain(options: ExplainCommandOptions): Promise<void> {
  const specs = options.out === undefined ? [] : [{ path: options.out, what: 'the importance file', example: 'importance.json' }];
  const inputs = [
    { path: options.model, what: 'the model file' },
    { path: options.csv, what: 'the CSV file' },
  ];
  const { result } = await withOutputs(specs, { force: options.force, inputs }, async (outputs) => {
    const label = `the model file '${options.model}'`;
    const model = parseModel(readTextFile(options.model, 'the model file'), label);
    checkModelFeatures(model, label);
    const table = await loadCsvFile(options.csv);
    if (table.rows === 0)
      throw new UserError(`The CSV file '${options.csv}' has no row with a popularity and 13 usable features, so there is nothing to explain.`);
    const settings = { repeats: options.repeats, seed: options.seed, pdpFeature: options.feature, pdpPoints: options.points };
    const rowsOptions = { rows: options.rows, testSize: options.testSize, splitSeed: options.splitSeed, maxRows: options.maxRows };
    checkExplainSettings(settings, table.rows, FEATURES);
    const explanation = await withRuntime(
      options.backend,
      (runtime) => explainTable(runtime, model, table, { ...settings, ...rowsOptions }),
      undefined,
      TRAINING_RUNTIME,
    );
    if (options.out !== undefined) outputs.write(options.out, `${JSON.stringify(explanationJson(explanation, options), null, 1)}\n`);
    return { explanation, dropped: table.counts.dropped };
  });
  process.stdout.write(report(result.explanation));
  const skipped = result.dropped > 0 ? `; ${result.dropped} rows of the file could not be scored and were left out` : '';
  process.stderr.write(`explain: ${result.explanation.rows} rows explained${skipped}${options.out ? `; wrote ${options.out}` : ''}\n`);
}

function explanationJson(e: TableExplanation, options: ExplainCommandOptions): Record<string, unknown> {
  return {
    format: 'spotify-mlp-explain',
    model: options.model,
    csv: options.csv,
    rows: options.rows,
    testSize: options.testSize,
    splitSeed: options.splitSeed,
    selected: e.selected,
    explained: e.rows,
    seed: e.seed,
    repeats: e.repeats,
    baselineRmse: e.baselineRmse,
    importances: e.importances,
    pdp: e.pdp,
    dataRows: e.dataRows,
  };
}

/** The importance table, most important first, and the curve. */
export function report(e: TableExplanation): string {
  const sorted = [...e.importances].sort((a, b) => b.mean - a.mean);
  const lines = [
    `permutation importance on ${e.rows} rows${e.selected > e.rows ? ` (a sample of ${e.selected})` : ''}: RMSE ${e.baselineRmse.toFixed(3)} points, ` +
      `and how much it grows with each feature shuffled (mean ± std over ${e.repeats} shuffles)`,
    ...sorted.map((f) => `  ${f.feature.padEnd(17)} ${f.mean >= 0 ? '+' : '-'}${Math.abs(f.mean).toFixed(3).padStart(7)} ± ${f.std.toFixed(3)}`),
    `partial dependence on ${e.pdp.feature}: the mean prediction as it sweeps ${e.pdp.grid.length} values`,
    ...e.pdp.grid.map((v, i) => `  ${String(Number(v.toPrecision(6))).padStart(12)}  ${e.pdp.mean[i].toFixed(2)}`),
  ];
  return `${lines.join('\n')}\n`;
}
