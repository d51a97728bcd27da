// `spotify-mlp sweep`: trains a grid of seeds × learning rates as K models at once (on the GPU in the same
// dispatches), ranks them on the validation rows, averages the best N, prints the ranked table, and writes
// DIR/model-<i>.json, DIR/best.json, DIR/ensemble.json and DIR/sweep.json under the one write policy.
import { join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_SAMPLE, DEFAULT_TEST_SIZE, describeDrops, prepareDataset, SYNTHETIC_ROWS, syntheticDataset } from '../../data/index.ts';
import { UserError } from '../../errors.ts';
import { ensembleLines, modelLines } from '../../model/model-writer.ts';
import { OPTIMIZER_KINDS, type OptimizerKind } from '../../model/optimizer.ts';
import { loadCsvFile } from '../../platform/node-csv.ts';
import { RNG_KINDS, type RngKind } from '../../rng/index.ts';
import type { BackendChoice } from '../../runtime/runtime.ts';
import type { RunContext } from '../../train/record.ts';
import { checkGrid, checkSweepData, runSweep, SWEEP_DEFAULTS, type SweepMember, type SweepResult } from '../../train/sweep.ts';
import { ENCODING_HELP, parseEncodingList } from '../../data/encoding-spec.ts';
import { ensembleTrainingRecord, memberTrainingRecord, sweepJson } from '../../train/sweep-record.ts';
import { OUTPUT_INITS, type OutputInit, TRAIN_DEFAULTS, type TrainConfig } from '../../train/train-model.ts';
import { DEFAULT_VALIDATION, MAX_FOLDS } from '../../train/validation.ts';
import { BACKEND_HELP, BACKEND_KINDS, TRAINING_RUNTIME, withRuntime } from '../backend.ts';
import { exitCodeOf, onInterrupt, signalLabel } from '../interrupt.ts';
import { choiceArg, floatArg, intArg, parseFloatOption, parseIntOption } from '../options.ts';
import { reserveOutputs } from '../outputs.ts';
import { createProgress } from '../progress.ts';

/** The options of `spotify-mlp sweep` after parsing. */
export interface SweepCommandOptions {
  readonly csv?: string;
  readonly out: string;
  readonly seeds?: number;
  readonly seedList?: number[];
  readonly lr: number[];
  readonly optimizer: OptimizerKind;
  readonly epochs: number;
  readonly batch: number;
  readonly patience: number;
  readonly top: number;
  readonly seed: number;
  readonly rng: RngKind;
  readonly outputInit: OutputInit;
  readonly validation: number;
  readonly backend: BackendChoice;
  readonly sample: number;
  readonly testSize: number;
  readonly encoding: string[];
  readonly folds: number;
  readonly syntheticRows: number;
  readonly force: boolean;
}

/** A comma-separated list option, each item parsed by `item` (which names the flag in its one sentence). */
function listArg<T>(name: string, item: (text: string) => T): (value: string) => T[] {
  return (value) => {
    const parts = value.split(',').map((s) => s.trim());
    if (parts.length === 0 || parts.some((p) => p === ''))
      throw new UserError(`${name} must be a comma-separated list such as 1,2,3, got '${value}'.`, { exitCode: 2 });
    return parts.map(item);
  };
}

/** Adds `sweep` to the program. */
export function register(program: Command): void {
  const d = TRAIN_DEFAULTS;
  program
    .command('sweep')
    .description(
      'train a grid of seeds × learning rates as K models at once, rank them on validation rows, ' +
        'and write every model, the best, and an ensemble of the top N',
    )
    .option('--csv <file>', 'the tracks CSV; without it, the built-in synthetic dataset')
    .requiredOption('--out <dir>', 'the folder for model-<i>.json, best.json, ensemble.json and sweep.json')
    .option('--seeds <n>', `train n init seeds: --seed, --seed + 1, … (default ${SWEEP_DEFAULTS.seeds})`, intArg('--seeds', { min: 1 }))
    .option(
      '--seed-list <list>',
      'the init seeds, e.g. 1,2,3 (instead of --seeds)',
      listArg('--seed-list', (s) => parseIntOption(s, '--seed-list', { min: 0, max: 2 ** 32 - 1 })),
    )
    .option(
      '--lr <list>',
      'the learning rates, e.g. 0.001,0.002,0.004',
      listArg('--lr', (s) => parseFloatOption(s, '--lr', { min: 0, minExclusive: true })),
      [...SWEEP_DEFAULTS.lrs],
    )
    .option('--optimizer <kind>', 'adam, momentum, sgd or gd, shared by every model', choiceArg('--optimizer', OPTIMIZER_KINDS), d.optimizer)
    .option('--epochs <n>', 'most passes over the training set', intArg('--epochs', { min: 1 }), d.epochs)
    .option('--batch <n>', 'examples per mini-batch, the same batches for every model', intArg('--batch', { min: 1 }), d.batchSize)
    .option(
      '--patience <n>',
      'each model stops after this many epochs without a better validation loss (0: never)',
      intArg('--patience', { min: 0 }),
      d.patience,
    )
    .option(
      '--top <n>',
      'members of the ensemble: the best n of one encoding by validation RMSE (more than the models per encoding: all of them)',
      intArg('--top', { min: 1 }),
      SWEEP_DEFAULTS.top,
    )
    .option(
      '--seed <n>',
      'seed of the sample/split, the validation carve and the shuffling (and the first init seed of --seeds)',
      intArg('--seed', { min: 0, max: 2 ** 32 - 1 }),
      d.seed,
    )
    .option('--rng <kind>', "random engine: 'numpy' reproduces the notebook's draws", choiceArg('--rng', RNG_KINDS), d.rng)
    .option('--output-init <kind>', "'mean' (default) or 'he', for every model", choiceArg('--output-init', OUTPUT_INITS), d.outputInit)
    .option(
      '--validation <fraction>',
      'share of the training rows held out to rank the models and stop each one',
      floatArg('--validation', { min: 0, max: 1, minExclusive: true, maxExclusive: true }),
      DEFAULT_VALIDATION,
    )
    .option('--backend <kind>', BACKEND_HELP, choiceArg('--backend', BACKEND_KINDS), 'auto' as BackendChoice)
    .option('--sample <n>', 'keep at most this many rows of the CSV, drawn at random', intArg('--sample', { min: 2 }), DEFAULT_SAMPLE)
    .option(
      '--test-size <fraction>',
      'fraction of rows held out for the test metrics (reported only); 0 fits on every row but the validation share',
      floatArg('--test-size', { min: 0, max: 1, maxExclusive: true }),
      DEFAULT_TEST_SIZE,
    )
    .option(
      '--encoding <list>',
      `the encodings to try, comma-separated, each a grid axis of its own (its models train together); ${ENCODING_HELP}`,
      (v) => parseEncodingList(v).map((e) => e.name),
      [...SWEEP_DEFAULTS.encodings],
    )
    .option(
      '--folds <k>',
      'cross-validated members: model i validates on fold i mod k of the training rows and trains on the rest (0: one shared validation share)',
      (v) => (v.trim() === '0' ? 0 : parseIntOption(v, '--folds', { min: 2, max: MAX_FOLDS })),
      SWEEP_DEFAULTS.folds,
    )
    .option('--synthetic-rows <n>', 'rows of synthetic data when no --csv is given', intArg('--synthetic-rows', { min: 2 }), SYNTHETIC_ROWS)
    .option('--force', 'overwrite files of an earlier sweep in --out', false)
    .action((options: SweepCommandOptions) => runSweepCommand(options));
}

/** The init seeds the options name: --seed-list, or --seeds n from --seed on (default SWEEP_DEFAULTS.seeds). */
export function sweepSeeds(options: Pick<SweepCommandOptions, 'seeds' | 'seedList' | 'seed'>): number[] {
  if (options.seeds !== undefined && options.seedList !== undefined) throw new UserError('Give either --seeds or --seed-list, not both.', { exitCode: 2 });
  if (options.seedList !== undefined) return options.seedList;
  return Array.from({ length: options.seeds ?? SWEEP_DEFAULTS.seeds }, (_, i) => options.seed + i);
}

/** Checks the grid and the folder, prepares the data, sweeps, writes the files and prints the ranked table. */
export async function runSweepCommand(options: SweepCommandOptions, print: (text: string) => void = (t) => process.stdout.write(t)): Promise<void> {
  const grid = { seeds: sweepSeeds(options), lrs: options.lr, encodings: options.encoding };
  const top = Math.min(options.top, grid.seeds.length * grid.lrs.length);
  const K = checkGrid(grid, top);
  const names = [...Array.from({ length: K }, (_, i) => `model-${i}.json`), 'best.json', 'ensemble.json', 'sweep.json'];
  const outputs = reserveOutputs(
    names.map((n) => ({ path: join(options.out, n), what: `the sweep's ${n}` })),
    {
      force: options.force,
      inputs: [{ path: options.csv, what: 'the CSV file' }],
    },
  );
  const interrupt = onInterrupt({ command: 'sweep', firstDoes: 'the sweep stops after the current epoch and writes every model at its best so far' });
  try {
    const { seed, rng } = options;
    const table = options.csv === undefined ? syntheticDataset({ rows: options.syntheticRows, seed, rng }) : await loadCsvFile(options.csv);
    const data = prepareDataset(table, { seed, rng, sample: options.sample, testSize: options.testSize });
    checkSweepData(data, grid, { ...TRAIN_DEFAULTS, seed, rng }, options.folds);
    const source = options.csv ?? `synthetic (${table.rows} rows, seed ${seed}, rng ${rng})`;
    const c = data.counts;
    const held = Math.ceil(options.validation * c.train);
    process.stderr.write(
      `sweep: ${source}: ${c.read} rows read, ${c.kept} kept, ${c.dropped} dropped${c.dropped > 0 ? ` (${describeDrops(c, 3)})` : ''}; ` +
        `train ${c.train} (${options.folds ? `each model validated on its own fold of ${options.folds}` : `of which ${held} validation`}), test ${c.test}\n`,
    );
    process.stderr.write(
      `sweep: ${K} models (${grid.encodings.length > 1 ? `${grid.encodings.length} encodings × ` : `encoding ${grid.encodings[0]}, `}` +
        `${grid.seeds.length} seeds × ${grid.lrs.length} learning rates), ` +
        `${options.optimizer}, batch ${options.batch}, at most ${options.epochs} epochs\n`,
    );
    const train: TrainConfig = {
      ...TRAIN_DEFAULTS,
      epochs: options.epochs,
      batchSize: options.batch,
      optimizer: options.optimizer,
      seed,
      rng,
      patience: options.patience,
      outputInit: options.outputInit,
      validation: options.validation,
    };
    const bar = createProgress('epochs', options.epochs);
    let context: RunContext = { backend: 'cpu', device: '', source, counts: data.counts };
    let result: SweepResult;
    try {
      result = await withRuntime(
        options.backend,
        (runtime) => {
          context = { ...context, backend: runtime.kind, device: runtime.description };
          return runSweep(
            runtime,
            data,
            { train, grid, top, folds: options.folds },
            {
              signal: interrupt.signal,
              beforeEpoch: () => new Promise((r) => setImmediate(r)),
              onEpoch: (reports, active) => {
                if (reports.length === 0) return;
                const epoch = reports[0].epoch;
                const best = Math.min(...reports.map((r) => r.valLoss));
                const detail = `${active}/${K} models training; best val MSE (scaled) ${best.toFixed(5)}; ${(reports[0].ms / 1000).toFixed(2)} s/epoch`;
                bar.update(epoch, detail);
                if (!process.stderr.isTTY && epoch % 5 === 0) process.stderr.write(`epoch ${epoch}/${options.epochs}: ${detail}\n`);
              },
            },
          );
        },
        undefined,
        TRAINING_RUNTIME,
      );
    } finally {
      bar.stop();
    }
    await new Promise((r) => setImmediate(r));
    const extras = (m: SweepMember) => ({ scaler: data.scaler, encoder: m.encoder });
    result.members.forEach((m) =>
      outputs.write(join(options.out, `model-${m.index}.json`), modelLines(m.params, { ...extras(m), training: memberTrainingRecord(result, m, context) })),
    );
    const best = result.members[result.ranking[0]];
    outputs.write(join(options.out, 'best.json'), modelLines(best.params, { ...extras(best), training: memberTrainingRecord(result, best, context) }));
    const chosen = result.ensemble.members.map((i) => result.members[i]);
    outputs.write(
      join(options.out, 'ensemble.json'),
      ensembleLines(
        chosen.map((m) => m.params),
        { ...extras(chosen[0]), training: ensembleTrainingRecord(result, context) },
      ),
    );
    outputs.write(join(options.out, 'sweep.json'), `${JSON.stringify(sweepJson(result, { train, top }, context), null, 2)}\n`);
    outputs.commit();
    print(rankedTable(result, options.out, context.device));
    if (interrupt.stoppedBy && result.members.some((m) => m.outcome.aborted)) {
      const by = interrupt.stoppedBy;
      throw new UserError(`Interrupted by ${signalLabel(by)}; wrote every model at its best so far to ${options.out}.`, { exitCode: exitCodeOf(by) });
    }
  } finally {
    interrupt.dispose();
    outputs.discard();
  }
}

/** The ranked table: validation metrics (which chose), best epoch and settings; then best and ensemble on test. */
export function rankedTable(result: SweepResult, out: string, device: string): string {
  const width = Math.max(8, ...result.members.map((m) => m.encoding.length));
  const f = (v: number, digits: number, width = 8) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a').padStart(width);
  const lines = [
    `sweep: ${result.members.length} models in ${(result.totalMs / 1000).toFixed(1)} s on ${device} (training ${(result.phaseMs.train / 1000).toFixed(1)} s, ` +
      `reading back ${result.phaseMs.read.toFixed(0)} ms, measuring ` +
      `${(result.phaseMs.measure / 1000).toFixed(2)} s); ranked by validation RMSE (popularity points)`,
    `  rank  model  ${'encoding'.padEnd(width)}    seed        lr   best epoch  stopped by      val RMSE  val MAE   val R²`,
  ];
  result.ranking.forEach((i, r) => {
    const m = result.members[i];
    const v = m.metrics.validation.model;
    lines.push(
      `  ${String(r + 1).padStart(4)}  ${String(i).padStart(5)}  ${m.encoding.padEnd(width)}  ${String(m.seed).padStart(6)}  ${String(m.lr).padStart(8)}  ` +
        `${String(m.outcome.bestEpoch).padStart(11)}  ${(m.outcome.stoppedBy ?? 'epochs').padEnd(13)}${f(v.rmse, 2, 10)}${f(v.mae, 2, 9)}${f(v.r2, 3, 9)}`,
    );
  });
  const best = result.members[result.ranking[0]];
  const e = result.ensemble.metrics;
  lines.push(
    `  ensemble of the top ${result.ensemble.members.length} of encoding ${result.ensemble.encoding} (models ${result.ensemble.members.join(', ')}): ` +
      `val RMSE ${f(e.validation.model.rmse, 2, 0)}, R² ${f(e.validation.model.r2, 3, 0)}`,
    e.test.model.n === 0
      ? `  test: none held out (--test-size 0); score your own test file with: spotify-mlp predict --model ${join(out, 'ensemble.json')} --csv FILE`
      : `  test (reported only): best model RMSE ${f(best.metrics.test.model.rmse, 2, 0)}, R² ${f(best.metrics.test.model.r2, 3, 0)}; ` +
          `ensemble RMSE ${f(e.test.model.rmse, 2, 0)}, R² ${f(e.test.model.r2, 3, 0)}; mean baseline RMSE ${f(e.test.baseline.rmse, 2, 0)}`,
    `wrote ${result.members.length} model files, best.json, ensemble.json and sweep.json to ${join(out, '')}`,
    '',
  );
  return lines.join('\n');
}
