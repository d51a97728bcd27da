// The model file's "encoder": what a feature encoding learned from the training rows, by feature name, so that
// predict, the page and the package turn raw rows into the network's input as training did. It reads the scaler's
// output (the 13 min-max scaled features), so its edges and quantiles are in scaled units.
import type { Encoder, FittedPart } from './encoding.ts';
import { ENCODING_KINDS, partWidth } from './encoding.ts';
import { UserError } from '../errors.ts';
import { FEATURES } from './schema.ts';

/** The encoder as JSON: parts with feature names instead of indices. */
export function encoderJson(encoder: Encoder): Record<string, unknown> {
  return {
    name: encoder.name ?? 'custom',
    width: encoder.width,
    parts: encoder.parts.map((p) => ({ ...p, columns: p.columns.map((c) => FEATURES[c]) })),
  };
}

/**
 * Checks that `obj` (read back from a file) is an encoder whose width is the network's input width `inputs`, and
 * returns it; every problem is one sentence naming the file (`label`).
 */
export function validateEncoder(obj: unknown, label: string, inputs: number): Encoder {
  const fail = (what: string): never => {
    throw new UserError(`${label} has an invalid "encoder": ${what}; write the model again with spotify-mlp train or sweep.`);
  };
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return fail('it is not an object');
  const o = obj as Record<string, unknown>;
  if (!Array.isArray(o.parts) || o.parts.length === 0) return fail('"parts" must be a non-empty list');
  const parts = o.parts.map((p, i) => validatePart(p, (what) => fail(`part ${i} ${what}`)));
  const width = parts.reduce((t, p) => t + partWidth(p), 0);
  if (o.width !== width) fail(`"width" is ${JSON.stringify(o.width)} but its parts write ${width} values`);
  if (width !== inputs) {
    throw new UserError(
      `${label} has an encoder that writes ${width} inputs, but its network takes ${inputs}; the file was edited or mixed up, so train it again.`,
    );
  }
  return { name: typeof o.name === 'string' ? o.name : 'custom', parts, width };
}

function validatePart(obj: unknown, fail: (what: string) => never): FittedPart {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return fail('is not an object');
  const p = obj as Record<string, unknown>;
  if (!(ENCODING_KINDS as readonly unknown[]).includes(p.kind)) return fail(`has "kind" ${JSON.stringify(p.kind)}, not one of ${ENCODING_KINDS.join(', ')}`);
  const names = p.columns;
  if (!Array.isArray(names) || names.length === 0 || names.some((c) => !FEATURES.includes(c as string))) {
    return fail('must list its "columns" by feature name');
  }
  const columns = names.map((c) => FEATURES.indexOf(c as string));
  const n = columns.length;
  const numbers = (key: string): number[] => {
    const v = p[key];
    if (!Array.isArray(v) || v.length !== n || v.some((x) => typeof x !== 'number' || !Number.isFinite(x)))
      return fail(`must have "${key}" as ${n} finite numbers`);
    return v as number[];
  };
  const ascending = (key: string, min: number): number[][] => {
    const v = p[key];
    const ok = (row: unknown) =>
      Array.isArray(row) && row.length >= min && row.every((x, i) => typeof x === 'number' && Number.isFinite(x) && (i === 0 || x >= row[i - 1]));
    if (!Array.isArray(v) || v.length !== n || !v.every(ok)) return fail(`must have "${key}" as ${n} ascending lists of at least ${min} finite numbers`);
    return v as number[][];
  };
  switch (p.kind as FittedPart['kind']) {
    case 'minmax':
    case 'standard': {
      const scale = numbers('scale');
      if (scale.some((s) => s <= 0)) fail('has a "scale" that is not positive');
      return { kind: p.kind as 'minmax' | 'standard', columns, shift: numbers('shift'), scale };
    }
    case 'quantile':
      return { kind: 'quantile', columns, quantiles: ascending('quantiles', 2) };
    case 'ple': {
      const edges = ascending('edges', 1);
      if (edges.some((e) => e.some((x, i) => i > 0 && x === e[i - 1]))) fail('has repeated ple edges');
      return { kind: 'ple', columns, edges };
    }
  }
}
