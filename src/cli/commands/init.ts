// `spotify-mlp init`: the notebook's He initialization written as a model file.
import type { Command } from 'commander';
import { initialization } from '../../reference/init.ts';
import { modelLines } from '../../model/model-writer.ts';
import { NOTEBOOK_DIMS, parameterCount } from '../../model/params.ts';
import { RNG_KINDS, type RngKind } from '../../rng/index.ts';
import { withOutputs } from '../outputs.ts';
import { choiceArg, intArg, parseDims } from '../options.ts';

/** The options of `spotify-mlp init` after parsing. */
export interface InitCommandOptions {
  readonly dims: number[];
  readonly seed: number;
  readonly rng: RngKind;
  readonly out: string;
  readonly force: boolean;
}

/** Adds `init` to the program. */
export function register(program: Command): void {
  program
    .command('init')
    .description("write a freshly initialized model (the notebook's He init: W_l ~ randn·sqrt(2/n_{l-1}), b_l = 0)")
    .option('--dims <widths>', 'layer widths, input first', (v) => parseDims(v, '--dims'), [...NOTEBOOK_DIMS])
    .option('--seed <n>', 'seed of the random generator', intArg('--seed', { min: 0, max: 2 ** 32 - 1 }), 42)
    .option(
      '--rng <kind>',
      "random engine: 'numpy' reproduces np.random.seed(seed); np.random.randn bit for bit",
      choiceArg('--rng', RNG_KINDS),
      'seedrandom' as RngKind,
    )
    .option('--out <file>', "where to write the model ('-' for stdout)", 'model.json')
    .option('--force', 'overwrite --out if it exists', false)
    .action((options: InitCommandOptions) => runInit(options));
}

/** Initializes the parameters and writes the model file; a summary goes to stderr. */
export async function runInit(options: InitCommandOptions): Promise<void> {
  const { dims, seed, rng, out, force } = options;
  const lines = (): Iterable<string> => modelLines(initialization(dims, { seed, rng }));
  if (out === '-') for (const line of lines()) process.stdout.write(`${line}\n`);
  else await withOutputs([{ path: out, what: 'the model file', example: 'model.json' }], { force }, (outputs) => outputs.write(out, lines()));
  const where = out === '-' ? 'stdout' : out;
  process.stderr.write(`init: wrote ${where}: dims [${dims.join(', ')}], ${parameterCount(dims)} parameters, He init with rng ${rng} seed ${seed}\n`);
}
