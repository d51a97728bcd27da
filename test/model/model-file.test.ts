// The model file: exact round trips, the numpy writer from docs/model-format.md, and one sentence for each malformed file.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { initialization } from '../../src/reference/init.ts';
import type { ScalerParams } from '../../src/model/scaler.ts';
import { FEATURES, TARGET } from '../../src/model/schema.ts';
import { UserError } from '../../src/errors.ts';
import { matrix } from '../../src/model/matrix.ts';
import { ModelFileError, parseModel } from '../../src/model/model-file.ts';
import { serializeModel } from '../../src/model/model-writer.ts';
import type { Params } from '../../src/model/params.ts';
import { referenceNpy } from '../helpers/reference.ts';

/** Bit-level equality, so -0 vs 0 and the last ulp both count; lists the first differences. */
function expectSameBits(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  const bad: string[] = [];
  if (got.length !== want.length) bad.push(`length ${got.length} != ${want.length}`);
  for (let i = 0; i < want.length && bad.length < 5; i++) {
    if (!Object.is(got[i], want[i])) bad.push(`[${i}] expected ${Object.is(want[i], -0) ? '-0' : want[i]}, found ${got[i]}`);
  }
  expect(bad, `${what} differ:\n${bad.join('\n')}`).toEqual([]);
}

function expectSameParams(got: Params, want: Params): void {
  expect(got.dims).toEqual(want.dims);
  want.W.forEach((W, l) => {
    expect([got.W[l].rows, got.W[l].cols], `shape of W${l + 1}`).toEqual([W.rows, W.cols]);
    expectSameBits(got.W[l].data, W.data, `W${l + 1}`);
  });
  want.b.forEach((b, l) => expectSameBits(got.b[l], b, `b${l + 1}`));
}

/** Parameters full of values that a careless number format would not round-trip. */
function awkwardParams(): Params {
  const awkward = [-0, 5e-324, -5e-324, 1.7976931348623157e308, 0.1 + 0.2, 1 / 3, -2.2250738585072014e-308, 1e21, 123456789.125];
  const W1 = Float64Array.from({ length: 3 * 4 }, (_, i) => awkward[i % awkward.length] * (i % 2 ? -1 : 1));
  const W2 = Float64Array.from({ length: 2 * 3 }, (_, i) => Math.PI * 10 ** (i * 7 - 20));
  return {
    dims: [4, 3, 2],
    W: [matrix(3, 4, W1), matrix(2, 3, W2)],
    b: [Float64Array.from([-0, 1e-310, 2 ** 53 + 2]), Float64Array.from([Math.E, -Math.SQRT2])],
  };
}

/** A scaler as the data pipeline fits it, with awkward values. */
function validScaler(): ScalerParams {
  const xMin = FEATURES.map((_, j) => (j === 5 ? -60.5 : j === 12 ? 1921 : 0.1 * j));
  return { features: [...FEATURES], xMin, xMax: xMin.map((v, j) => v + 1 / (j + 3)), target: TARGET, yMin: 0, yMax: 100 };
}

describe('serializeModel / parseModel round trip', () => {
  it('gives back the notebook init bit for bit, for both rng engines', () => {
    for (const rng of ['numpy', 'seedrandom'] as const) {
      const params = initialization([13, 64, 32, 16, 1], { seed: 42, rng });
      expectSameParams(parseModel(serializeModel(params)).params, params);
    }
  });

  it('keeps -0, subnormals, extremes and odd depths exact', () => {
    const params = awkwardParams();
    expectSameParams(parseModel(serializeModel(params)).params, params);
  });

  it('writes the documented layout: W_l as dims[l] rows of dims[l-1] numbers, b_l flat', () => {
    const params = initialization([5, 7, 3], { seed: 3 });
    const doc = JSON.parse(serializeModel(params)) as { format: string; version: number; dims: number[]; W: number[][][]; b: number[][] };
    expect([doc.format, doc.version, doc.dims]).toEqual(['spotify-mlp', 1, [5, 7, 3]]);
    expect(doc.W.map((W) => [W.length, W[0].length])).toEqual([
      [7, 5],
      [3, 7],
    ]);
    expect(doc.b.map((b) => b.length)).toEqual([7, 3]);
    expect(doc.W[1][2][4]).toBe(params.W[1].data[2 * 7 + 4]);
  });

  it('preserves the scaler and training records unchanged', () => {
    const params = initialization([13, 2, 1], { seed: 1 });
    const scaler = validScaler();
    const training = { epochs: 3, loss: [0.5, 0.25, 0.125], optimizer: { name: 'adam', lr: 0.001 }, note: 'a "quoted"\nline' };
    const back = parseModel(serializeModel(params, { scaler, training }));
    expect(back.scaler).toEqual(scaler);
    expect(back.training).toEqual(training);
    expect(parseModel(serializeModel(params, { training })).scaler).toBeUndefined();
    expect(parseModel(serializeModel(params)).training).toBeUndefined();
  });

  it('refuses to save a NaN or infinite weight, naming it', () => {
    const params = initialization([3, 2, 1], { seed: 1 });
    params.W[1].data[1] = Number.NaN;
    expect(() => serializeModel(params)).toThrow(/W2\[0\]\[1\] is NaN/);
    params.W[1].data[1] = 0;
    params.b[0][1] = Number.POSITIVE_INFINITY;
    expect(() => serializeModel(params)).toThrow(/b1\[1\] is Infinity/);
  });
});

describe('a model file written by numpy (docs/model-format.md)', () => {
  it('loads and equals the notebook Initialization(13, 64, 32, 16, 1) with seed 42', () => {
    const text = readFileSync(new URL('../reference/model_numpy.json', import.meta.url), 'utf8');
    const { params } = parseModel(text, 'model_numpy.json');
    expect(params.dims).toEqual([13, 64, 32, 16, 1]);
    for (let l = 0; l < 4; l++) {
      const ref = referenceNpy(`init_seed42_W${l + 1}.npy`);
      expect([params.W[l].rows, params.W[l].cols]).toEqual([ref.rows, ref.cols]);
      expectSameBits(params.W[l].data, ref.data, `W${l + 1}`);
      expectSameBits(params.b[l], new Float64Array(ref.rows), `b${l + 1}`);
    }
  });
});

describe('parseModel rejects malformed files with one sentence', () => {
  const valid = () => JSON.parse(serializeModel(initialization([3, 2, 1], { seed: 5 }))) as Record<string, unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each case reaches into the document freely
  const edit = (change: (doc: Record<string, any>) => void): string => {
    const doc = valid();
    change(doc);
    return JSON.stringify(doc);
  };
  const cases: [string, string, RegExp][] = [
    ['empty text', '  \n', /is empty/],
    ['truncated JSON', '{"format": "spotify-mlp", "version": 1,', /not valid JSON.*(ends|line 1)/],
    ['a trailing comma', '{\n  "format": "spotify-mlp",\n}', /not valid JSON.*line 3, column 1/],
    ['NaN written by Python', '{"format": "spotify-mlp",\n "W": [[[NaN]]]}', /NaN at line 2, column 10/],
    ['garbage', 'model = {}', /not valid JSON/],
    ['a list at the top', '[1, 2]', /JSON object/],
    ['no format', edit((d) => delete d.format), /"format" is missing/],
    ['another format', edit((d) => (d.format = 'keras')), /"format" is "keras"/],
    ['a newer version', edit((d) => (d.version = 4)), /newer spotify-mlp/],
    ['a version string', edit((d) => (d.version = '1')), /"version" "1"/],
    ['an unknown field', edit((d) => (d.weights = [])), /unknown field "weights"/],
    ['one-entry dims', edit((d) => (d.dims = [3])), /"dims" \[3\]/],
    ['a zero width', edit((d) => (d.dims = [3, 0, 1])), /"dims"/],
    ['a fractional width', edit((d) => (d.dims = [3, 2.5, 1])), /"dims"/],
    ['dims as a string', edit((d) => (d.dims = '3,2,1')), /"dims"/],
    ['a missing W', edit((d) => delete d.W), /no "W" list/],
    ['too few W', edit((d) => d.W.pop()), /1 weight matrices in "W".*needs 2/],
    ['too many b', edit((d) => d.b.push([0])), /3 bias vectors in "b".*needs 2/],
    ['W with a missing row', edit((d) => d.W[0].pop()), /W1 with 1 rows.*shape \(2, 3\)/],
    ['a ragged row', edit((d) => d.W[0][1].push(0.5)), /row 1 of W1 with 4 numbers/],
    ['a row that is a number', edit((d) => (d.W[1][0] = 1)), /row 0 of W2 as the number 1/],
    ['a string weight', edit((d) => (d.W[0][0][1] = '0.5')), /W1\[0\]\[1\] = "0.5", which is not a number/],
    ['a null bias', edit((d) => (d.b[1][0] = null)), /b2\[0\] = null, which is not a number/],
    [
      'an overflowing weight',
      serializeModel(initialization([3, 2, 1], { seed: 5 })).replace(/-?\d\.\d+(e-?\d+)?/, '1e999'),
      /W1\[0\]\[0\] out of the float64 range/,
    ],
    ['a column bias', edit((d) => (d.b[0] = [[0], [0]])), /b1 as a nested list.*ravel/],
    ['a short bias', edit((d) => (d.b[0] = [0])), /b1 with 1 numbers.*needs 2/],
    ['a scaler list', edit((d) => (d.scaler = [0, 1])), /"scaler" as a list/],
    ['a scaler without xMax', edit((d) => (d.scaler = { ...validScaler(), xMax: undefined })), /invalid "scaler": "xMax" must be 13 finite numbers/],
    ['a scaler for 13 features on a 3-input model', edit((d) => (d.scaler = validScaler())), /"scaler" for 13 features but dims \[3, 2, 1\] takes 3 inputs/],
    ['a training number', edit((d) => (d.training = 3)), /"training" as the number 3/],
  ];
  it.each(cases)('%s', (_what, text, pattern) => {
    let caught: unknown;
    try {
      parseModel(text, "the model file 'm.json'");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ModelFileError);
    expect(caught).toBeInstanceOf(UserError);
    const message = (caught as Error).message;
    expect(message).toMatch(/^The model file 'm\.json' /);
    expect(message).toMatch(pattern);
    expect(message).not.toContain('\n');
    expect(message).toMatch(/[.?]$/);
  });
});
