// `spotify-mlp prepare`: tracks.csv (or the built-in synthetic data) → the notebook's scaled train/test .npy arrays + prepare.json.
import { statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Command } from 'commander';
import {
  type Dataset,
  DEFAULT_RNG,
  DEFAULT_SAMPLE,
  DEFAULT_SEED,
  DEFAULT_TEST_SIZE,
  describeDrops,
  prepareDataset,
  type RowCounts,
  type ScalerParams,
  SYNTHETIC_ROWS,
  syntheticDataset,
} from '../../data/index.ts';
import { shapeOf } from '../../model/matrix.ts';
import { loadCsvFile } from '../../platform/node-csv.ts';
import { RNG_KINDS, type RngKind } from '../../rng/index.ts';
import { writeNpy } from '../../model/npy.ts';
import { withOutputs } from '../outputs.ts';
import { choiceArg, floatArg, intArg } from '../options.ts';
import { createProgress } from '../progress.ts';

/** The options of `spotify-mlp prepare` after parsing. */
export interface PrepareCommandOptions {
  readonly csv?: string;
  readonly out: string;
  readonly seed: number;
  readonly rng: RngKind;
  readonly sample: number;
  readonly testSize: number;
  readonly syntheticRows: number;
  readonly force: boolean;
}

/** The arrays `prepare` writes into its output folder, float64, in the notebook's (features, m) layout. */
export const PREPARED_ARRAYS = ['x_train', 'y_train', 'x_test', 'y_test'] as const;

/** The contents of `prepare.json`: how the arrays were made, and every row accounted for. */
export interface PrepareJson {
  readonly source: string;
  readonly yearFrom: string;
  readonly seed: number;
  readonly rng: RngKind;
  readonly sample: number;
  readonly testSize: number;
  readonly counts: RowCounts;
  readonly scaler: ScalerParams;
  /** Each array's (rows, cols), keyed by file name without `.npy`. */
  readonly shapes: Record<(typeof PREPARED_ARRAYS)[number], [number, number]>;
}

// Below this size reading takes well under a second, and a progress bar would only flicker.
const PROGRESS_MIN_BYTES = 16 * 1024 * 1024;

/** Adds `prepare` to the program. */
export function register(program: Command): void {
  program
    .command('prepare')
    .description('clean, sample, scale and split tracks.csv as the notebook does, into x_train/y_train/x_test/y_test .npy files')
    .option('--csv <file>', "the tracks CSV (Kaggle's tracks.csv layout); without it, the built-in synthetic dataset")
    .requiredOption('--out <dir>', 'folder for the .npy files and prepare.json')
    .option('--seed <n>', 'seed of the sample and the split (random_state)', intArg('--seed', { min: 0, max: 2 ** 32 - 1 }), DEFAULT_SEED)
    .option('--rng <kind>', "random engine: 'numpy' draws what DataFrame.sample and train_test_split draw", choiceArg('--rng', RNG_KINDS), DEFAULT_RNG)
    .option('--sample <n>', 'keep at most this many rows, drawn at random', intArg('--sample', { min: 2 }), DEFAULT_SAMPLE)
    .option('--test-size <fraction>', 'fraction of rows in the test set', floatArg('--test-size', { min: 0, max: 1, maxExclusive: true }), DEFAULT_TEST_SIZE)
    .option('--synthetic-rows <n>', 'rows of synthetic data when no --csv is given', intArg('--synthetic-rows', { min: 2 }), SYNTHETIC_ROWS)
    .option('--force', 'overwrite arrays already in --out', false)
    .action((options: PrepareCommandOptions) => runPrepare(options));
}

/** Loads the data, prepares it, writes the arrays and prepare.json, and prints a short summary on stdout. */
export async function runPrepare(options: PrepareCommandOptions, print: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const { csv, out, seed, rng, sample, testSize, force } = options;
  const files = [...PREPARED_ARRAYS.map((a) => `${a}.npy`), 'prepare.json'];
  const specs = files.map((f) => ({ path: join(out, f), what: f === 'prepare.json' ? 'the summary file' : 'the output file' }));
  const { result: data } = await withOutputs(specs, { force, inputs: [{ path: csv, what: 'the CSV file' }] }, async (outputs) => {
    const table = csv === undefined ? syntheticDataset({ rows: options.syntheticRows, seed, rng }) : await readCsv(csv);
    const data = prepareDataset(table, { seed, rng, sample, testSize });
    const arrays = { x_train: data.xTrain, y_train: data.yTrain, x_test: data.xTest, y_test: data.yTest };
    for (const name of PREPARED_ARRAYS) outputs.write(join(out, `${name}.npy`), writeNpy(arrays[name], 'float64'));
    const json: PrepareJson = {
      source: csv ?? `synthetic (${table.rows} rows, seed ${seed}, rng ${rng})`,
      yearFrom: data.yearFrom,
      seed,
      rng,
      sample,
      testSize,
      counts: data.counts,
      scaler: data.scaler,
      shapes: Object.fromEntries(PREPARED_ARRAYS.map((a) => [a, [arrays[a].rows, arrays[a].cols]])) as PrepareJson['shapes'],
    };
    outputs.write(join(out, 'prepare.json'), `${JSON.stringify(json, null, 2)}\n`);
    return data;
  });
  print(summary(data, csv, out));
}

/** Streams the CSV with a progress bar on a terminal when the file is large. */
async function readCsv(path: string): Promise<Awaited<ReturnType<typeof loadCsvFile>>> {
  let size = 0;
  try {
    size = statSync(path).size;
  } catch {
    // loadCsvFile reports a missing or unreadable file in one sentence.
  }
  const showBar = size >= PROGRESS_MIN_BYTES;
  const bar = createProgress(`reading ${basename(path)} (MB)`, Math.ceil(size / 1e6), { enabled: showBar ? undefined : false });
  try {
    return await loadCsvFile(path, { onProgress: (done) => bar.update(Math.floor(done / 1e6)) });
  } finally {
    bar.stop();
  }
}

function summary(data: Dataset, csv: string | undefined, out: string): string {
  const c = data.counts;
  const n = (v: number): string => v.toLocaleString('en-US');
  const from = csv === undefined ? `the built-in synthetic data` : `${csv} (year from ${data.yearFrom})`;
  const lines = [`prepare: read ${n(c.read)} rows from ${from}: kept ${n(c.kept)}, dropped ${n(c.dropped)}`];
  if (c.dropped > 0) lines.push(`  dropped: ${describeDrops(c, 5)}`);
  if (c.blankLines > 0) lines.push(`  skipped ${n(c.blankLines)} blank line${c.blankLines === 1 ? '' : 's'}`);
  const sampled = c.sampled < c.kept ? `sampled ${n(c.sampled)} of ${n(c.kept)}` : `used all ${n(c.sampled)}`;
  lines.push(`  ${sampled} → train ${n(c.train)}, test ${n(c.test)} (rng ${data.rng}, seed ${data.seed}, test size ${data.testSize})`);
  lines.push(
    `  wrote ${join(out, 'x_train.npy')} ${shapeOf(data.xTrain)}, y_train.npy ${shapeOf(data.yTrain)}, ` +
      `x_test.npy ${shapeOf(data.xTest)}, y_test.npy ${shapeOf(data.yTest)}, prepare.json`,
  );
  return `${lines.join('\n')}\n`;
}
