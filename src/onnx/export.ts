// A model file as one ONNX graph: raw features (N, 13) in, popularity points (N, 1) out, with the min-max scaler,
// the encoder, every member of an ensemble and their mean inside, so any ONNX runtime scores a CSV row as-is.
import { UserError } from '../errors.ts';
import type { ModelFile } from '../model/model-file.ts';
import { scaleOf } from '../model/scaler.ts';
import { preprocessGraph } from './encoder-graph.ts';
import { GraphBuilder, IR_VERSION, OPSET } from './graph.ts';
import { networkGraph } from './network-graph.ts';

/** The graph's input, (N, 13) float32 raw features in the order of the `features` metadata. */
export const ONNX_FEATURES_INPUT = 'features';
/** The graph's output, (N, 1) float32 popularity in points. */
export const ONNX_POPULARITY_OUTPUT = 'popularity';
/** The opset of ONNX's default domain an exported graph is written for. */
export const ONNX_OPSET = OPSET;
/** The ONNX IR version of an exported model. */
export const ONNX_IR_VERSION = IR_VERSION;

/** One sentence naming what keeps `model` from being exported, or undefined when it can be. */
export function exportProblem(model: ModelFile, label = 'The model'): string | undefined {
  const { scaler, encoder, params } = model;
  if (scaler === undefined) return `${label} has no "scaler", so the ONNX graph could not take raw features; export a model written by spotify-mlp train.`;
  const dims = params.dims;
  if (dims[dims.length - 1] !== 1) return `${label} has ${dims[dims.length - 1]} outputs; the ONNX graph returns one popularity per row.`;
  if (encoder !== undefined) {
    if (encoder.width !== dims[0]) return `${label}'s encoder writes ${encoder.width} inputs but its network takes ${dims[0]}.`;
    for (const part of encoder.parts) {
      const fitted =
        part.kind === 'quantile'
          ? part.quantiles
          : part.kind === 'ple'
            ? part.edges
            : part.kind === 'minmax' || part.kind === 'standard'
              ? part.scale
              : undefined;
      if (fitted === undefined)
        return `${label}'s encoder has a part of kind "${String((part as { kind: unknown }).kind)}", which the ONNX export does not know.`;
      if (fitted.length !== part.columns.length)
        return `${label}'s ${part.kind} encoding is missing what it learned for some of its ${part.columns.length} features.`;
    }
  } else if (dims[0] !== scaler.features.length) {
    return `${label} takes ${dims[0]} inputs but has no encoder to make them from its ${scaler.features.length} features.`;
  }
  return undefined;
}

/**
 * The ONNX model (ModelProto bytes, opset {@link ONNX_OPSET}, IR {@link ONNX_IR_VERSION}) of a model file that carries
 * its scaler: feed the 13 raw features of each row (float32, in the file's `features` order) as `features`,
 * read `popularity`. Throws a {@link UserError} with one sentence when the model cannot be exported.
 */
export function exportOnnx(model: ModelFile, label = 'The model'): Uint8Array {
  const problem = exportProblem(model, label);
  if (problem !== undefined) throw new UserError(problem);
  const scaler = model.scaler!;
  const members = model.members ?? [model.params];
  const g = new GraphBuilder('spotify_mlp');
  const X = g.input(ONNX_FEATURES_INPUT, ['N', scaler.features.length]);
  const out = networkGraph(g, preprocessGraph(g, X, scaler, model.encoder), members);
  // Back to points: sklearn's inverse_transform, (v − min_) / scale_.
  const yScale = scaleOf(scaler.yMin, scaler.yMax);
  const yMin = g.floats('y_min', [], [0 - scaler.yMin * yScale]);
  g.op('Div', [g.op('Sub', [out, yMin], 'y_shift'), g.floats('y_scale', [], [yScale])], ONNX_POPULARITY_OUTPUT);
  g.output(ONNX_POPULARITY_OUTPUT, ['N', 1]);
  const kind = members.length > 1 ? `an ensemble of ${members.length} networks` : 'one network';
  return g.toBytes({
    producer: 'spotify-mlp',
    docString:
      `Song popularity (0-100) from Spotify track features: ${kind} [${model.params.dims.join(', ')}]` +
      `${model.encoder ? `, encoding ${model.encoder.name ?? 'custom'}` : ''}. Input "features" (N, ${scaler.features.length}) float32, ` +
      `columns ${scaler.features.join(', ')}; output "popularity" (N, 1).`,
    metadata: { features: scaler.features.join(','), target: scaler.target, members: String(members.length), encoding: model.encoder?.name ?? 'notebook' },
  });
}
