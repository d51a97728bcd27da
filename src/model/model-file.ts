// The model file: the notebook's W_l and b_l in JSON, read with validation that names every problem in one sentence.
import type { Encoder } from './encoding.ts';
import { encoderJson, validateEncoder } from './encoder-file.ts';
import { type ScalerParams, validateScaler } from './scaler.ts';
import { UserError } from '../errors.ts';
import { matrix } from './matrix.ts';
import type { Params } from './params.ts';

/** The value of the file's "format" field. */
export const MODEL_FORMAT = 'spotify-mlp';
/**
 * The newest format version. 2 added ensembles (`"kind": "ensemble"` with `"members"`); 3 adds the `"encoder"`, the
 * feature encoding fitted on the training rows. A file is written in the oldest version that holds it (a single
 * network without an encoder is still version 1), so older readers keep reading what they can use, and refuse, in
 * one sentence, what they cannot; this code reads all three.
 */
export const MODEL_VERSION = 3;
/** The version a single network without an encoder is written as. */
export const SINGLE_MODEL_VERSION = 1;
/** The version of an ensemble without an encoder. */
export const ENSEMBLE_VERSION = 2;

/** The version a file with these parts is written as. */
export function versionFor(kind: 'single' | 'ensemble', extras: ModelExtras): number {
  return extras.encoder !== undefined ? MODEL_VERSION : kind === 'ensemble' ? ENSEMBLE_VERSION : SINGLE_MODEL_VERSION;
}

/** What training records about itself (settings, metrics, loss history); preserved unchanged on a round trip. */
export type TrainingRecord = Record<string, unknown>;

/** The optional parts of a model file besides the parameters. */
export interface ModelExtras {
  /** The min-max scalers fitted on the training data (src/data/scaler.ts), so raw rows can be scaled. */
  readonly scaler?: ScalerParams;
  /** The feature encoding that turns the scaled 13 features into the network's input (version 3); none: the notebook's. */
  readonly encoder?: Encoder;
  readonly training?: TrainingRecord;
}

/** The extras as the JSON entries of a file, in the order they are written. */
export function extrasJson(extras: ModelExtras): [string, unknown][] {
  const entries: [string, unknown][] = [];
  if (extras.scaler !== undefined) entries.push(['scaler', extras.scaler]);
  if (extras.encoder !== undefined) entries.push(['encoder', encoderJson(extras.encoder)]);
  if (extras.training !== undefined) entries.push(['training', extras.training]);
  return entries;
}

/** A parsed model file. */
export interface ModelFile extends ModelExtras {
  /** The network; for an ensemble, its first member. */
  readonly params: Params;
  /** For an ensemble (version 2, `"kind": "ensemble"`): every member, whose outputs are averaged. */
  readonly members?: readonly Params[];
}

/** A problem with a model file that the user can fix; the message is one sentence. */
export class ModelFileError extends UserError {
  override name = 'ModelFileError';
}

const KNOWN_KEYS = ['format', 'version', 'dims', 'W', 'b', 'scaler', 'training'];
const ENSEMBLE_KEYS = ['format', 'version', 'kind', 'dims', 'members', 'scaler', 'training'];
const VERSIONS = [1, 2, 3];

/**
 * Parses and validates a model file. `label` names it in errors, e.g. `the model file 'model.json'`. Every
 * problem (malformed JSON, wrong format or version, shapes that disagree with "dims", ragged rows,
 * non-numbers) is a {@link ModelFileError} with one sentence.
 */
export function parseModel(text: string, label = 'the model file'): ModelFile {
  const fail = (problem: string): never => {
    throw new ModelFileError(`${capitalize(label)} ${problem}`);
  };
  if (text.trim().length === 0) fail('is empty; write a model with `spotify-mlp init` or `spotify-mlp train`.');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    fail(`is not valid JSON: ${describeJsonError(text, err)}.`);
  }
  if (!isPlainObject(doc)) fail(`must hold a JSON object with "format", "version", "dims", "W" and "b", not ${kindOf(doc)}.`);
  const obj = doc as Record<string, unknown>;
  if (obj.format !== MODEL_FORMAT) {
    fail(`is not a spotify-mlp model: its "format" is ${obj.format === undefined ? 'missing' : JSON.stringify(obj.format)}, expected "${MODEL_FORMAT}".`);
  }
  if (!VERSIONS.includes(obj.version as number)) {
    const newer = typeof obj.version === 'number' && Number.isInteger(obj.version) && obj.version > MODEL_VERSION;
    fail(
      newer
        ? `has format version ${String(obj.version)}, from a newer spotify-mlp; this one reads versions 1 to ${MODEL_VERSION}, so upgrade spotify-mlp.`
        : `has "version" ${obj.version === undefined ? 'missing' : JSON.stringify(obj.version)}; it must be 1, 2 or ${MODEL_VERSION}.`,
    );
  }
  const version = obj.version as number;
  const kind = version >= 2 && obj.kind !== undefined ? obj.kind : 'single';
  if (kind !== 'single' && kind !== 'ensemble') fail(`has "kind" ${truncate(JSON.stringify(kind))}; it must be "single" or "ensemble".`);
  const base = kind === 'ensemble' ? ENSEMBLE_KEYS : version >= 2 ? [...KNOWN_KEYS, 'kind'] : KNOWN_KEYS;
  const keys = version >= 3 ? [...base, 'encoder'] : base;
  const unknown = Object.keys(obj).filter((k) => !keys.includes(k));
  if (unknown.length > 0)
    fail(`has unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}; the fields are ${keys.join(', ')}.`);

  const dims = obj.dims;
  if (!Array.isArray(dims) || dims.length < 2 || dims.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 1)) {
    fail(`has "dims" ${truncate(JSON.stringify(dims) ?? 'missing')}; it must list at least two positive integer layer widths, like [13, 64, 32, 16, 1].`);
  }
  const widths = dims as number[];
  let members: Params[] | undefined;
  let params: Params;
  if (kind === 'ensemble') {
    const list = obj.members;
    if (!Array.isArray(list) || list.length < 1)
      fail(`is an ensemble with ${Array.isArray(list) ? 'no members' : 'no "members" list'}; it needs at least one {"W", "b"} member.`);
    members = (list as unknown[]).map((m, i) => {
      if (!isPlainObject(m)) return fail(`has member ${i} as ${kindOf(m)}; each member must be an object with "W" and "b".`);
      const extra = Object.keys(m).filter((k) => k !== 'W' && k !== 'b');
      if (extra.length > 0) fail(`has unknown field ${JSON.stringify(extra[0])} in member ${i}; a member holds "W" and "b".`);
      return parseLayers(m.W, m.b, widths, (problem) => fail(problem.replace(/^has /, `has in member ${i} `)));
    });
    params = members[0];
  } else {
    params = parseLayers(obj.W, obj.b, widths, fail);
  }

  const result: { params: Params; members?: Params[]; scaler?: ScalerParams; encoder?: Encoder; training?: TrainingRecord } = { params };
  if (members) result.members = members;
  for (const key of ['scaler', 'encoder', 'training'] as const) {
    const value = obj[key];
    if (value !== undefined && !isPlainObject(value)) fail(`has "${key}" as ${kindOf(value)}; it must be a JSON object or be left out.`);
  }
  if (obj.training !== undefined) result.training = obj.training as TrainingRecord;
  if (obj.scaler !== undefined) {
    try {
      result.scaler = validateScaler(obj.scaler, capitalize(label));
    } catch (err) {
      // The data code words the sentence; re-thrown so that every problem with a model file has one class.
      if (err instanceof UserError) throw new ModelFileError(err.message, { cause: err });
      throw err;
    }
    if (obj.encoder === undefined && result.scaler.features.length !== widths[0]) {
      fail(`has a "scaler" for ${result.scaler.features.length} features but dims [${widths.join(', ')}] takes ${widths[0]} inputs; drop one of them.`);
    }
  }
  if (obj.encoder !== undefined) {
    if (result.scaler === undefined)
      fail('has an "encoder" but no "scaler", and the encoder reads the scaled features; write it again with spotify-mlp train.');
    try {
      result.encoder = validateEncoder(obj.encoder, capitalize(label), widths[0]);
    } catch (err) {
      if (err instanceof UserError) throw new ModelFileError(err.message, { cause: err });
      throw err;
    }
  }
  return result;
}

// W and b of one network, checked against `widths`; every problem is one sentence through `fail`.
function parseLayers(Ws: unknown, bs: unknown, widths: number[], fail: (problem: string) => never): Params {
  const L = widths.length - 1;
  if (!Array.isArray(Ws) || Ws.length !== L) {
    fail(`has ${Array.isArray(Ws) ? `${Ws.length} weight matrices in "W"` : 'no "W" list'}, but dims [${widths.join(', ')}] needs ${L} (W1 … W${L}).`);
  }
  if (!Array.isArray(bs) || bs.length !== L) {
    fail(`has ${Array.isArray(bs) ? `${bs.length} bias vectors in "b"` : 'no "b" list'}, but dims [${widths.join(', ')}] needs ${L} (b1 … b${L}).`);
  }

  const W = (Ws as unknown[]).map((Wl, i) => {
    const name = `W${i + 1}`;
    const rows = widths[i + 1];
    const cols = widths[i];
    const shape = `(${rows}, ${cols}) as dims [${widths.join(', ')}] says`;
    if (!Array.isArray(Wl)) return fail(`has ${name} as ${kindOf(Wl)}; it must be a list of ${rows} rows of ${cols} numbers, shape ${shape}.`);
    if (Wl.length !== rows) fail(`has ${name} with ${Wl.length} rows; it must have shape ${shape}.`);
    const data = new Float64Array(rows * cols);
    Wl.forEach((row: unknown, r: number) => {
      if (!Array.isArray(row)) return fail(`has row ${r} of ${name} as ${kindOf(row)}; it must be a list of ${cols} numbers.`);
      if (row.length !== cols) fail(`has row ${r} of ${name} with ${row.length} numbers; every row must have ${cols}, shape ${shape}.`);
      row.forEach((v: unknown, c: number) => {
        data[r * cols + c] = finite(v, `${name}[${r}][${c}]`, fail);
      });
    });
    return matrix(rows, cols, data);
  });
  const b = (bs as unknown[]).map((bl, i) => {
    const name = `b${i + 1}`;
    const units = widths[i + 1];
    if (!Array.isArray(bl)) return fail(`has ${name} as ${kindOf(bl)}; it must be a flat list of ${units} numbers.`);
    if (bl.some((v) => Array.isArray(v))) {
      fail(`has ${name} as a nested list; it must be a flat list of ${units} numbers (from numpy write b.ravel().tolist()).`);
    }
    if (bl.length !== units) fail(`has ${name} with ${bl.length} numbers; dims [${widths.join(', ')}] needs ${units}.`);
    return Float64Array.from(bl as unknown[], (v, j) => finite(v, `${name}[${j}]`, fail));
  });

  return { dims: [...widths], W, b };
}

function finite(v: unknown, where: string, fail: (problem: string) => never): number {
  if (typeof v !== 'number') return fail(`has ${where} = ${truncate(JSON.stringify(v) ?? String(v))}, which is not a number.`);
  if (!Number.isFinite(v)) return fail(`has ${where} out of the float64 range; every weight must be a finite number.`);
  return v;
}

/** V8's JSON.parse message, reworded with a line and column where it gives a position. */
function describeJsonError(text: string, err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const positioned = /^(.*?) in JSON at position (\d+)/s.exec(message);
  if (positioned) return `${lowerFirst(positioned[1])} at ${lineColumn(text, Number(positioned[2]))}`;
  const token = /^Unexpected token '(.+?)', /s.exec(message);
  if (token) {
    // Python's json.dump writes nan and inf as NaN and Infinity, which JSON does not allow.
    const bad = /\b(NaN|-?Infinity)\b/.exec(text);
    if (bad && (token[1] === 'N' || token[1] === 'I' || token[1] === '-')) {
      return `${bad[1]} at ${lineColumn(text, bad.index)} is not a JSON number, and every weight must be finite`;
    }
    return `unexpected '${token[1]}'`;
  }
  if (/Unexpected end of JSON input/.test(message)) return 'the text ends in the middle (is the file truncated?)';
  return lowerFirst(message.split('\n')[0]).replace(/\.$/, '');
}

function lineColumn(text: string, position: number): string {
  const before = text.slice(0, position);
  const line = before.split('\n').length;
  const column = position - before.lastIndexOf('\n');
  return `line ${line}, column ${column}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${truncate(JSON.stringify(v))}`;
  return typeof v === 'number' ? `the number ${v}` : `the value ${typeof v === 'boolean' ? String(v) : typeof v}`;
}

function truncate(s: string, max = 40): string {
  return s.length <= max ? s : `${s.slice(0, max)}…`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
