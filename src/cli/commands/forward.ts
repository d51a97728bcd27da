// `spotify-mlp forward`: runs a model on X.npy (features, m) and writes A_L, and with --cache every Z_l and A_l, as .npy.
import { join } from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../../errors.ts';
import type { BackendChoice } from '../../runtime/runtime.ts';
import type { Matrix } from '../../model/matrix.ts';
import { parseModel } from '../../model/model-file.ts';
import { layerCount, type Params } from '../../model/params.ts';
import { checkInputShape } from '../../model/validate.ts';
import { BACKEND_HELP, BACKEND_KINDS, withRuntime } from '../backend.ts';
import { ensureDir, readNpyFile, readTextFile, writeNpyFile } from '../io.ts';
import { choiceArg } from '../options.ts';

/** The options of `spotify-mlp forward` after parsing. */
export interface ForwardCommandOptions {
  readonly model: string;
  readonly input: string;
  readonly out: string;
  readonly cache: boolean;
  readonly backend: BackendChoice;
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
    .action((options: ForwardCommandOptions) => runForward(options));
}

/** Loads the model and X, runs the forward pass on the chosen backend and writes the .npy files. */
export async function runForward(options: ForwardCommandOptions): Promise<void> {
  const { params } = parseModel(readTextFile(options.model, 'the model file'), `the model file '${options.model}'`);
  const X = readNpyFile(options.input, 'the input');
  checkInput(X, params, options.input);
  ensureDir(options.out, 'the output folder');

  let written: string[] = [];
  await withRuntime(options.backend, async (runtime) => {
    const backend = await runtime.backend(params);
    const started = performance.now();
    const result = await backend.forward(X, { cache: options.cache });
    const ms = performance.now() - started;
    const L = layerCount(params.dims);
    written = [writeNpyFile(options.out, `A${L}`, result.out)];
    if (options.cache) {
      if (result.cache === undefined) throw new Error(`The ${backend.kind} backend returned no cache although it was asked for.`);
      result.cache.forEach((m, i) => {
        const name = `${i % 2 === 0 ? 'Z' : 'A'}${Math.floor(i / 2) + 1}`;
        if (name !== `A${L}`) written.push(writeNpyFile(options.out, name, m));
      });
    }
    process.stderr.write(`forward: m = ${X.cols} examples through dims [${params.dims.join(', ')}] in ${ms.toFixed(1)} ms\n`);
  });
  process.stderr.write(`forward: wrote ${written.length === 1 ? written[0] : `${written.length} files to ${join(options.out, '')}`}\n`);
}

/** Checks that X fits the model and holds only finite numbers (the shared boundary check), naming the file. */
export function checkInput(X: Matrix, params: Params, path: string): void {
  checkInputShape(X, params.dims, { label: `The input '${path}'`, requireExamples: true });
}
