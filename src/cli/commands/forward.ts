// `spotify-mlp forward`: runs a model on X.npy (features, m) and writes A_L, and with --cache every Z_l and A_l, as .npy.
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import { type BackendChoice, modelBackend } from '../../runtime/runtime.ts';
import type { Matrix } from '../../model/matrix.ts';
import { parseModel } from '../../model/model-file.ts';
import { layerCount, type Params } from '../../model/params.ts';
import { checkInputShape } from '../../model/validate.ts';
import { BACKEND_HELP, BACKEND_KINDS, withRuntime } from '../backend.ts';
import { writeNpy } from '../../model/npy.ts';
import { readNpyArrayFile, readTextFile } from '../io.ts';
import { withOutputs } from '../outputs.ts';
import { choiceArg } from '../options.ts';

/** The options of `spotify-mlp forward` after parsing. */
export interface ForwardCommandOptions {
  readonly model: string;
  readonly input: string;
  readonly out: string;
  readonly cache: boolean;
  readonly backend: BackendChoice;
  readonly force: boolean;
}

/** Adds `forward` to the program. */
export function register(program: Command): void {
  program
    .command('forward')
    .description('run the network on X.npy of shape (features, m), already scaled, and write A<L>.npy (units, m) as float32')
    .requiredOption('--model <file>', 'model file from init or train')
    .requiredOption('--input <file>', '.npy of float32 or float64, C order, shape (features, m): one column per example')
    .requiredOption('--out <dir>', 'folder for the outputs (created if needed)')
    .option('--cache', 'also write the cache Z1.npy, A1.npy, …, ZL.npy', false)
    .option('--backend <kind>', BACKEND_HELP, choiceArg('--backend', BACKEND_KINDS), 'auto' as BackendChoice)
    .option('--force', 'overwrite .npy files already in --out', false)
    .action((options: ForwardCommandOptions) => runForward(options));
}

/** Loads the model and X, runs the forward pass on the chosen backend and writes the .npy files. */
export async function runForward(options: ForwardCommandOptions): Promise<void> {
  const { params, members } = parseModel(readTextFile(options.model, 'the model file'), `the model file '${options.model}'`);
  if (members && options.cache)
    throw new UserError(
      `The model file '${options.model}' is an ensemble of ${members.length}, whose average has no single cache; drop --cache, or run one member's model file.`,
    );
  const { matrix: X, shape } = readNpyArrayFile(options.input, 'the input');
  if (shape.length === 1) {
    // readNpy makes (n,) a (1, n) row, which would be reported as a transposed X; a 1-D array is its own mistake.
    const features = params.dims[0];
    const one = shape[0] === features ? `; for one example save X.reshape(${features}, 1)` : '';
    throw new UserError(
      `The input '${options.input}' is 1-D, shape (${shape[0]},), but the model needs a 2-D X of shape (${features}, m), one column per example${one}.`,
    );
  }
  checkInput(X, params, options.input);
  const L = layerCount(params.dims);
  // The cache in the notebook's order Z1, A1, …, ZL, AL; A_L alone without --cache.
  const names = options.cache ? Array.from({ length: 2 * L }, (_, i) => `${i % 2 === 0 ? 'Z' : 'A'}${(i >> 1) + 1}`) : [`A${L}`];
  const pathOf = (name: string): string => join(options.out, `${name}.npy`);
  const specs = names.map((name) => ({ path: pathOf(name), what: `the output file` }));
  const inputs = [
    { path: options.model, what: 'the model file' },
    { path: options.input, what: 'the input' },
  ];

  const { written } = await withOutputs(specs, { force: options.force, inputs }, (outputs) =>
    withRuntime(options.backend, async (runtime) => {
      // An ensemble's output is the average of its members, all run in one dispatch.
      const backend = await modelBackend(runtime, { params, members });
      const started = performance.now();
      const result = await backend.forward(X, { cache: options.cache });
      const ms = performance.now() - started;
      if (options.cache) {
        if (result.cache === undefined) throw new Error(`The ${backend.kind} backend returned no cache although it was asked for.`);
        result.cache.forEach((m, i) => outputs.write(pathOf(names[i]), writeNpy(m, 'float32')));
      } else {
        outputs.write(pathOf(names[0]), writeNpy(result.out, 'float32'));
      }
      process.stderr.write(`forward: m = ${X.cols} examples through dims [${params.dims.join(', ')}] in ${ms.toFixed(1)} ms\n`);
    }),
  );
  process.stderr.write(`forward: wrote ${written.length === 1 ? written[0] : `${written.length} files to ${join(options.out, '')}`}\n`);
}

/** Checks that X fits the model and holds only finite numbers (the shared boundary check), naming the file. */
export function checkInput(X: Matrix, params: Params, path: string): void {
  checkInputShape(X, params.dims, { label: `The input '${path}'`, requireExamples: true });
}
