// `spotify-mlp export`: a model or ensemble file as an ONNX model that takes raw features and returns popularity,
// for ONNX Runtime in Python, C#, Java, a phone or a page.
import type { Command } from 'commander';
import { parseModel } from '../../model/model-file.ts';
import { exportOnnx, ONNX_IR_VERSION, ONNX_OPSET } from '../../onnx/export.ts';
import { readTextFile } from '../io.ts';
import { withOutputs } from '../outputs.ts';

/** The options of `spotify-mlp export` after parsing. */
export interface ExportCommandOptions {
  readonly model: string;
  readonly out: string;
  readonly force: boolean;
}

/** Adds `export` to the program. */
export function register(program: Command): void {
  program
    .command('export')
    .description('write a model or ensemble as ONNX: raw features (N, 13) in, popularity (N, 1) out, scaler and encoder inside')
    .requiredOption('--model <file>', 'the model or ensemble JSON written by spotify-mlp train or sweep (it must hold a "scaler")')
    .requiredOption('--out <file>', 'where to write the ONNX model, e.g. model.onnx')
    .option('--force', 'overwrite --out if it exists', false)
    .action((options: ExportCommandOptions) => runExport(options));
}

/** Reads the model, builds its graph and writes it. */
export async function runExport(options: ExportCommandOptions): Promise<void> {
  const spec = { path: options.out, what: 'the ONNX file', example: 'model.onnx' };
  const inputs = [{ path: options.model, what: 'the model file' }];
  const { result } = await withOutputs([spec], { force: options.force, inputs }, async (outputs) => {
    const label = `The model file '${options.model}'`;
    const model = parseModel(readTextFile(options.model, 'the model file'), label);
    const bytes = exportOnnx(model, label);
    outputs.write(options.out, bytes);
    return { bytes: bytes.length, members: model.members?.length ?? 1, encoding: model.encoder?.name ?? 'notebook' };
  });
  const what = result.members > 1 ? `an ensemble of ${result.members} networks` : 'one network';
  process.stderr.write(
    `export: wrote ${options.out} (${result.bytes} bytes; ${what}, encoding ${result.encoding}; ONNX opset ${ONNX_OPSET}, IR version ${ONNX_IR_VERSION}). ` +
      `Feed "features" (N, 13) float32 raw values, read "popularity" (N, 1).\n`,
  );
}
