// `spotify-mlp train`: trains the notebook's MLP on tracks.csv (or the built-in synthetic data) and writes the
// model file with its "scaler" and "training" record; a progress bar on a terminal and a final metrics table.
import type { Command } from 'commander';
import { DEFAULT_SAMPLE, DEFAULT_TEST_SIZE, describeDrops, prepareDataset, SYNTHETIC_ROWS, syntheticDataset } from '../../data/index.ts';
import { modelLines } from '../../model/model-writer.ts';
import { ENCODING_HELP, NOTEBOOK_ENCODING, parseEncoding } from '../../data/encoding-spec.ts';
import type { BackendKind } from '../../model/backend.ts';
import { OPTIMIZER_KINDS, type OptimizerKind } from '../../model/optimizer.ts';
import { loadCsvFile } from '../../platform/node-csv.ts';
import { RNG_KINDS, type RngKind } from '../../rng/index.ts';
import type { BackendChoice } from '../../runtime/runtime.ts';
import type { MetricsReport } from '../../train/metrics.ts';
import { trainingRecord } from '../../train/record.ts';
import { OUTPUT_INITS, type OutputInit, TRAIN_DEFAULTS, type TrainConfig, trainModel } from '../../train/train-model.ts';
import { BACKEND_HELP, BACKEND_KINDS, TRAINING_RUNTIME, withRuntime } from '../backend.ts';
import { UserError } from '../../errors.ts';
import { exitCodeOf, nextTurn, onInterrupt, signalLabel } from '../interrupt.ts';
import { reserveOutputs } from '../outputs.ts';
import { choiceArg, floatArg, intArg } from '../options.ts';
import { createProgress } from '../progress.ts';
import { DEFAULT_VALIDATION } from '../../train/validation.ts';

/** The options of `spotify-mlp train` after parsing. */
export interface TrainCommandOptions {
  readonly csv?: string;
  readonly out: string;
  readonly epochs: number;
  readonly lr?: number;
  readonly batch: number;
  readonly optimizer: OptimizerKind;
  readonly seed: number;
  readonly rng: RngKind;
  readonly patience: number;
  readonly outputInit: OutputInit;
  readonly outputBias?: number;
  readonly backend: BackendChoice;
  readonly sample: number;
  readonly testSize: number;
  readonly validation: number;
  readonly encoding: string;
  readonly syntheticRows: number;
  readonly force: boolean;
}

/** Adds `train` to the program. */
export function register(program: Command): void {
  const d = TRAIN_DEFAULTS;
  program
    .command('train')
    .description('train the 13-64-32-16-1 MLP (on the GPU by default) and write a model file with its scaler and training record')
    .option('--csv <file>', "the tracks CSV (Kaggle's tracks.csv layout); without it, the built-in synthetic dataset")
    .requiredOption('--out <file>', 'where to write the model JSON')
    .option('--epochs <n>', 'most passes over the training set', intArg('--epochs', { min: 1 }), d.epochs)
    .option('--lr <x>', 'learning rate (default 0.002 for adam, 0.05 momentum, 0.2 sgd/gd)', floatArg('--lr', { min: 0, minExclusive: true }))
    .option('--batch <n>', 'examples per mini-batch (gd always uses the whole training set)', intArg('--batch', { min: 1 }), d.batchSize)
    .option(
      '--optimizer <kind>',
      'adam, momentum, sgd (mini-batches) or gd (full batch, the notebook style)',
      choiceArg('--optimizer', OPTIMIZER_KINDS),
      d.optimizer,
    )
    .option('--seed <n>', 'seed of the init, the sample/split and the shuffling', intArg('--seed', { min: 0, max: 2 ** 32 - 1 }), d.seed)
    .option('--rng <kind>', "random engine: 'numpy' reproduces the notebook's draws", choiceArg('--rng', RNG_KINDS), d.rng)
    .option(
      '--patience <n>',
      'stop after this many epochs without a better validation loss, keeping the best (0: never)',
      intArg('--patience', { min: 0 }),
      d.patience,
    )
    .option(
      '--output-init <kind>',
      "'mean' starts the output at the mean target (W4 scaled by 0.1); 'he' is the notebook's init",
      choiceArg('--output-init', OUTPUT_INITS),
      d.outputInit,
    )
    .option('--output-bias <x>', 'start every output bias b4 at this value, e.g. 0.1 against a dead output', floatArg('--output-bias'))
    .option('--backend <kind>', BACKEND_HELP, choiceArg('--backend', BACKEND_KINDS), 'auto' as BackendChoice)
    .option('--sample <n>', 'keep at most this many rows of the CSV, drawn at random', intArg('--sample', { min: 2 }), DEFAULT_SAMPLE)
    .option(
      '--validation <fraction>',
      'share of the training rows held out (seeded) to choose the best epoch; the test rows only report (0: none, then the training loss decides)',
      floatArg('--validation', { min: 0, max: 1, maxExclusive: true }),
      DEFAULT_VALIDATION,
    )
    .option(
      '--test-size <fraction>',
      'fraction of rows held out for the test loss and metrics; 0 fits on every row but the validation share',
      floatArg('--test-size', { min: 0, max: 1, maxExclusive: true }),
      DEFAULT_TEST_SIZE,
    )
    .option('--encoding <text>', ENCODING_HELP, (v) => parseEncoding(v).name, NOTEBOOK_ENCODING)
    .option('--synthetic-rows <n>', 'rows of synthetic data when no --csv is given', intArg('--synthetic-rows', { min: 2 }), SYNTHETIC_ROWS)
    .option('--force', 'overwrite --out if it exists', false)
    .action((options: TrainCommandOptions) => runTrain(options));
}

/**
 * Checks --out, loads and prepares the data, trains, writes the model file, and prints the metrics table on stdout.
 * The first signal (Ctrl-C, SIGTERM, SIGHUP) stops after the current epoch, writes the best model so far (marked
 * "interrupted") and exits 128 + the signal; a second one exits at once and writes nothing.
 */
export async function runTrain(options: TrainCommandOptions, print: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const { seed, rng } = options;
  // Before any work: a folder, an unwritable path or an existing model must not cost a whole training run.
  const outputs = reserveOutputs([{ path: options.out, what: 'the model file', example: 'model.json' }], {
    force: options.force,
    inputs: [{ path: options.csv, what: 'the CSV file' }],
  });
  const interrupt = onInterrupt({ command: 'train', firstDoes: 'training stops after the current epoch and writes the best model so far' });
  try {
    const table = options.csv === undefined ? syntheticDataset({ rows: options.syntheticRows, seed, rng }) : await loadCsvFile(options.csv);
    const data = prepareDataset(table, { seed, rng, sample: options.sample, testSize: options.testSize });
    const source = options.csv ?? `synthetic (${table.rows} rows, seed ${seed}, rng ${rng})`;
    const c = data.counts;
    process.stderr.write(
      `train: ${source}: ${c.read} rows read, ${c.kept} kept, ${c.dropped} ` +
        `dropped${c.dropped > 0 ? ` (${describeDrops(c, 3)})` : ''}; train ${c.train}, test ${c.test}\n`,
    );

    const config: TrainConfig = {
      epochs: options.epochs,
      lr: options.lr,
      batchSize: options.batch,
      optimizer: options.optimizer,
      seed,
      rng,
      patience: options.patience,
      outputInit: options.outputInit,
      outputBias: options.outputBias,
      validation: options.validation,
      encoding: options.encoding,
    };
    let device = '';
    let backend: BackendKind = 'cpu';
    const bar = createProgress('epochs', options.epochs);
    let model;
    try {
      model = await withRuntime(
        options.backend,
        (runtime) => {
          device = runtime.description;
          backend = runtime.kind;
          return trainModel((params) => runtime.trainer(params), data, config, {
            signal: interrupt.signal,
            // The CPU trainer's promises resolve without a turn of the event loop, which would hold Ctrl-C back for
            // the whole run; one turn per epoch lets SIGINT through.
            beforeEpoch: nextTurn,
            onEpoch: (r) => {
              // The loss the loop minimizes: MSE on the min-max scaled target, not popularity points (the final table is).
              const test = c.test > 0 ? `  test ${r.testLoss.toFixed(5)}` : '';
              const detail = `MSE (scaled) train ${r.trainLoss.toFixed(5)}  val ${r.valLoss.toFixed(5)}${test}  ${(r.ms / 1000).toFixed(2)} s/epoch`;
              bar.update(r.epoch, detail);
              // Without a terminal there is no bar; a line every 5 epochs keeps logs informative but short.
              if (!process.stderr.isTTY && r.epoch % 5 === 0) process.stderr.write(`epoch ${r.epoch}/${r.epochs}: ${detail}\n`);
            },
          });
        },
        undefined,
        TRAINING_RUNTIME,
      );
    } finally {
      bar.stop();
    }
    // A second Ctrl-C sent during the last epoch is handled here (it exits), before anything is put in place.
    await nextTurn();
    const record = trainingRecord(model, { backend, device, source, counts: data.counts });
    outputs.write(options.out, modelLines(model.params, { scaler: data.scaler, encoder: model.encoder, training: { ...record } }));
    outputs.commit();
    print(summary(model.metrics, record, options.out));
    if (record.run.interrupted && interrupt.stoppedBy) {
      throw new UserError(
        `Interrupted by ${signalLabel(interrupt.stoppedBy)} after epoch ${record.run.epochsRun}; wrote the best ` +
          `model so far (epoch ${record.run.bestEpoch}) to ${options.out}, marked "interrupted" in its training record.`,
        { exitCode: exitCodeOf(interrupt.stoppedBy) },
      );
    }
  } finally {
    interrupt.dispose();
    outputs.discard();
  }
}

function summary(
  metrics: { test: MetricsReport; validation: MetricsReport | null; train: MetricsReport },
  record: ReturnType<typeof trainingRecord>,
  out: string,
): string {
  const { run, settings } = record;
  const how = run.interrupted ? 'interrupted' : run.stoppedEarly ? 'stopped early' : 'all epochs';
  const f = (v: number, digits: number): string => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a').padStart(8);
  const row = (name: string, m: MetricsReport['model']) => `  ${name.padEnd(26)}${f(m.rmse, 2)}${f(m.mae, 2)}${f(m.r2, 3)}`;
  return [
    `train: ${settings.optimizer.kind} lr ${settings.optimizer.lr}, batch ${settings.batchSize}; ${run.epochsRun} epochs (${how}), ` +
      `best epoch ${run.bestEpoch}; ${run.totalSeconds.toFixed(1)} s, ${(run.msPerEpoch / 1000).toFixed(2)} s/epoch on ${run.backend}`,
    `  popularity points            RMSE     MAE      R²`,
    ...(metrics.test.model.n > 0 ? [row(`model, test (${metrics.test.model.n})`, metrics.test.model), row('mean baseline, test', metrics.test.baseline)] : []),
    ...(metrics.validation ? [row(`model, validation (${metrics.validation.model.n})`, metrics.validation.model)] : []),
    ...(metrics.validation && metrics.test.model.n === 0 ? [row('mean baseline, validation', metrics.validation.baseline)] : []),
    row(`model, train (${metrics.train.model.n})`, metrics.train.model),
    `wrote ${out}`,
    '',
  ].join('\n');
}
