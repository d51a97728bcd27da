// Writes the model file (model-file.ts reads it and describes the format): one line per weight row, numbers that
// JSON.parse gives back as the exact float64, produced a line at a time so a model of any width can be streamed.
import { extrasJson, MODEL_FORMAT, type ModelExtras, ModelFileError, versionFor } from './model-file.ts';
import type { Params } from './params.ts';

/**
 * The model as JSON text: one line per weight row, numbers written so that JSON.parse gives back the exact
 * float64 (including -0). Non-finite weights cannot be saved, since JSON has no NaN or Infinity.
 */
export function serializeModel(params: Params, extras: ModelExtras = {}): string {
  return joinLines(modelLines(params, extras));
}

/**
 * The lines of {@link serializeModel}, one at a time, for writers that stream: a model of any width is written
 * without holding its whole text (which past about 2^29 characters no JavaScript string can).
 */
export function* modelLines(params: Params, extras: ModelExtras = {}): Generator<string> {
  yield* ['{', `  "format": "${MODEL_FORMAT}",`, `  "version": ${versionFor('single', extras)},`, `  "dims": [${params.dims.join(', ')}],`];
  yield* withExtras(layerLines(params, '  ', ''), extras);
}

/**
 * An ensemble as JSON text (format version 2): the members' parameters, whose outputs a prediction averages, plus
 * the shared scaler and the record of how they were chosen.
 */
export function serializeEnsemble(members: readonly Params[], extras: ModelExtras = {}): string {
  return joinLines(ensembleLines(members, extras));
}

/** The lines of {@link serializeEnsemble}, one at a time. */
export function* ensembleLines(members: readonly Params[], extras: ModelExtras = {}): Generator<string> {
  if (members.length < 1) throw new ModelFileError('An ensemble needs at least one member.');
  const dims = members[0].dims;
  if (members.some((m) => m.dims.join() !== dims.join())) throw new ModelFileError('The members of an ensemble must have the same dims.');
  yield* [
    '{',
    `  "format": "${MODEL_FORMAT}",`,
    `  "version": ${versionFor('ensemble', extras)},`,
    '  "kind": "ensemble",',
    `  "dims": [${dims.join(', ')}],`,
    '  "members": [',
  ];
  function* body(): Generator<string> {
    for (let i = 0; i < members.length; i++) {
      yield '    {';
      yield* layerLines(members[i], '      ', `member ${i} `);
      yield `    }${i + 1 < members.length ? ',' : ''}`;
    }
    yield '  ]';
  }
  yield* withExtras(body(), extras);
}

/** Lines joined with newlines and a final newline, built without spreading them into a call. */
function joinLines(lines: Iterable<string>): string {
  const all: string[] = [];
  for (const line of lines) all.push(line);
  all.push('');
  return all.join('\n');
}

// "W": [...], "b": [...] at `indent`; the last line ends without a comma.
function* layerLines(params: Params, indent: string, who: string): Generator<string> {
  const L = params.W.length;
  yield `${indent}"W": [`;
  for (let l = 0; l < L; l++) {
    const W = params.W[l];
    yield `${indent}  [`;
    for (let r = 0; r < W.rows; r++) {
      const row = W.data.subarray(r * W.cols, (r + 1) * W.cols);
      yield `${indent}    [${numbers(row, `${who}W${l + 1}`, r)}]${r + 1 < W.rows ? ',' : ''}`;
    }
    yield `${indent}  ]${l + 1 < L ? ',' : ''}`;
  }
  yield `${indent}],`;
  yield `${indent}"b": [`;
  for (let l = 0; l < L; l++) yield `${indent}  [${numbers(params.b[l], `${who}b${l + 1}`)}]${l + 1 < L ? ',' : ''}`;
  yield `${indent}]`;
}

// `body`, then "scaler", "encoder" and "training" when given (a comma after the body's last line first), and the closing brace.
function* withExtras(body: Iterable<string>, extras: ModelExtras): Generator<string> {
  const extraEntries = extrasJson(extras);
  let held: string | undefined;
  for (const line of body) {
    if (held !== undefined) yield held;
    held = line;
  }
  if (held !== undefined) yield extraEntries.length > 0 ? `${held},` : held;
  for (let i = 0; i < extraEntries.length; i++) {
    const [key, value] = extraEntries[i];
    const json = inlineNumberLists(JSON.stringify(value, null, 2)).replace(/\n/g, '\n  ');
    yield `  "${key}": ${json}${i + 1 < extraEntries.length ? ',' : ''}`;
  }
  yield '}';
}

// Lists of numbers on one line each (an encoder's 1000 quantiles per feature would otherwise take 1000 lines).
function inlineNumberLists(json: string): string {
  return json.replace(/\[\s*(-?[\d.eE+-]+(?:,\s*-?[\d.eE+-]+)*)\s*\]/g, (_, list: string) => `[${list.split(/,\s*/).join(', ')}]`);
}

function numbers(values: ArrayLike<number>, name: string, row?: number): string {
  const out = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      const where = row === undefined ? `${name}[${i}]` : `${name}[${row}][${i}]`;
      throw new ModelFileError(`The model cannot be saved because ${where} is ${v}; JSON has no NaN or Infinity (did training diverge?).`);
    }
    // String() is the shortest text that parses back to the same double; -0 needs spelling out.
    out[i] = Object.is(v, -0) ? '-0' : String(v);
  }
  return out.join(', ');
}
