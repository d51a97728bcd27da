// The feature encodings against scikit-learn and numpy (scripts/make_encoding_reference.py, committed with its
// output): the same raw training rows give the same ple bin edges and the same encoded matrix, on the training rows
// and on held-out rows past the training range, within float32; and each bad request is one sentence.
import { describe, expect, it } from 'vitest';
import { encode, type EncodingPart, fitEncoder, normalQuantile } from '../../src/model/encoding.ts';
import { matrix } from '../../src/model/matrix.ts';
import { expectClose } from '../helpers/compare.ts';
import { referenceJson, referenceNpy } from '../helpers/reference.ts';

interface Learned {
  kind: EncodingPart['kind'];
  columns: number[];
  bins: number | null;
  edges?: number[][];
}
const meta = referenceJson<{ cases: Record<string, Learned[]> }>('encoding.json');
const xFit = referenceNpy('encoding_x_fit.npy');
const xNew = referenceNpy('encoding_x_new.npy');

describe('encodings against scikit-learn and numpy', () => {
  for (const [name, learned] of Object.entries(meta.cases)) {
    it(`${name}: ${learned.map((p) => `${p.kind}${p.bins ? ` ${p.bins} bins` : ''} of features ${p.columns.join(',')}`).join(' + ')}`, () => {
      const encoder = fitEncoder(
        xFit,
        learned.map((p) => ({ kind: p.kind, columns: p.columns, ...(p.bins ? { bins: p.bins } : {}) })),
      );
      encoder.parts.forEach((part, i) => {
        if (part.kind === 'ple')
          part.edges.forEach((e, c) => expectClose(e, learned[i].edges![c], { atol: 1e-9, rtol: 1e-12 }, `${name} edges of feature ${part.columns[c]}`));
      });
      for (const [which, X] of [
        ['fit', xFit],
        ['new', xNew],
      ] as const) {
        const want = referenceNpy(`encoding_${name}_${which}.npy`);
        const got = encode(encoder, X);
        expect([got.rows, got.cols], `${name} ${which} shape`).toEqual([want.rows, want.cols]);
        expect(encoder.width).toBe(want.rows);
        expectClose(got.data, want.data, { atol: 1e-6, rtol: 1e-6 }, `${name} on the ${which} rows`);
      }
    });
  }

  it('a feature with few distinct values gets fewer ple bins, and a constant one none', () => {
    const enc = fitEncoder(xFit, [{ kind: 'ple', columns: [4, 7], bins: 16 }]);
    expect(enc.parts[0].kind === 'ple' && enc.parts[0].edges.map((e) => e.length - 1)).toEqual([1, 0]);
    expect(enc.width).toBe(1);
  });

  it('the normal inverse CDF matches known values', () => {
    expectClose(
      [0.5, 0.975, 0.025, 1e-7, 0.9999999, 0.3].map(normalQuantile),
      [0, 1.959963984540054, -1.959963984540054, -5.199337582192816, 5.199337582192816, -0.5244005127080407],
      { atol: 1e-8, rtol: 2e-9 },
      'norm.ppf',
    );
    expect([normalQuantile(0), normalQuantile(1)]).toEqual([-Infinity, Infinity]);
  });
});

describe('encodings refuse a bad request in one sentence', () => {
  const X = matrix(2, 3, Float64Array.from([1, 2, 3, 4, 5, 6]));
  it.each([
    [[{ kind: 'ple', columns: [0], bins: 1 }], 'The ple encoding needs from 2 bins to as many as there are training rows (3), not 1.'],
    [[{ kind: 'ple', columns: [0], bins: 4 }], 'The ple encoding needs from 2 bins to as many as there are training rows (3), not 4.'],
    [[{ kind: 'standard', columns: [2] }], 'The standard encoding names feature 2; X has 2 features.'],
  ] as [EncodingPart[], string][])('%j', (parts, sentence) => {
    expect(() => fitEncoder(X, parts)).toThrow(sentence);
  });
  it('no training rows', () => {
    expect(() => fitEncoder(matrix(2, 0, new Float64Array(0)), [{ kind: 'minmax', columns: [0] }])).toThrow(
      'An encoding is fitted on the training rows, and there are none.',
    );
  });
});
