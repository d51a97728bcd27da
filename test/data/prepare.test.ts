// Sampling, MinMaxScaler and the split, checked against their definitions rather than against stored numbers.
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/data/csv.ts';
import { gatherFeatures, prepareDataset } from '../../src/data/prepare.ts';
import { fitScaler, scaleX, scaleY, unscaleY, validateScaler } from '../../src/model/scaler.ts';
import { FEATURES, N_FEATURES } from '../../src/model/schema.ts';
import { UserError } from '../../src/errors.ts';
import { matrix } from '../../src/model/matrix.ts';
import { expectClose } from '../helpers/compare.ts';
import { makeTrack, toCsv } from './fixtures.ts';

const table = (n: number, edit: (cells: Record<string, string>, i: number) => void = () => {}) =>
  parseCsvText(
    toCsv(
      Array.from({ length: n }, (_, i) => {
        const cells = { ...makeTrack(i).cells };
        edit(cells, i);
        return cells;
      }),
    ),
    `${n}-rows.csv`,
  );

const EXACT = { atol: 0, rtol: 0 };

/** Min exactly 0 (x·s − min·s cancels exactly) and max 1 to within rounding (sklearn too gives 1 − 2⁻⁵³ at times). */
function expectEnds(values: number[], what: string): void {
  const lo = values.reduce((a, b) => Math.min(a, b));
  const hi = values.reduce((a, b) => Math.max(a, b));
  expect(lo, `${what} min`).toBe(0);
  expect(Math.abs(hi - 1), `${what} max ${hi}`).toBeLessThanOrEqual(2 * Number.EPSILON);
}

describe('prepareDataset', () => {
  it('splits like train_test_split: ceil(testSize·m) test rows, every row used exactly once', () => {
    for (const [m, testSize] of [
      [2, 0.2],
      [3, 0.2],
      [5, 0.2],
      [11, 0.2],
      [99, 0.2],
      [40, 0.25],
      [7, 0.5],
      [10, 0.3],
      [1, 0],
      [9, 0],
    ] as const) {
      for (const rng of ['numpy', 'seedrandom'] as const) {
        const d = prepareDataset(table(m), { rng, testSize });
        expect([d.counts.test, d.counts.train], `m=${m} testSize=${testSize}`).toEqual([Math.ceil(testSize * m), m - Math.ceil(testSize * m)]);
        expect([d.xTest.cols, d.yTest.cols, d.xTrain.cols, d.yTrain.cols]).toEqual([d.counts.test, d.counts.test, d.counts.train, d.counts.train]);
        const used = [...d.trainRowIndex, ...d.testRowIndex].sort((a, b) => a - b);
        expect(used).toEqual(Array.from({ length: m }, (_, i) => i));
      }
    }
  });

  it('with test size 0 keeps every row for fitting, in the order of the same permutation, and no test rows', () => {
    const all = prepareDataset(table(40), { testSize: 0 });
    expect([all.xTest.cols, all.yTest.cols, all.counts.test, all.counts.train]).toEqual([0, 0, 0, 40]);
    expect([...all.trainRowIndex].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    // The scaler is fitted on the same sampled rows either way, so the scaled values agree.
    const split = prepareDataset(table(40), { testSize: 0.25 });
    expect(all.scaler).toEqual(split.scaler);
  });

  it('samples without replacement when there are more rows than --sample', () => {
    const d = prepareDataset(table(120), { sample: 50, seed: 3 });
    expect(d.counts).toMatchObject({ kept: 120, sampled: 50, train: 40, test: 10 });
    const used = new Set([...d.trainRowIndex, ...d.testRowIndex]);
    expect(used.size).toBe(50);
  });

  it('is reproducible from the seed, and the seed matters', () => {
    const t = table(60);
    for (const rng of ['numpy', 'seedrandom'] as const) {
      const a = prepareDataset(t, { rng, seed: 5 });
      const b = prepareDataset(t, { rng, seed: 5 });
      const c = prepareDataset(t, { rng, seed: 6 });
      expect(Array.from(a.xTrain.data)).toEqual(Array.from(b.xTrain.data));
      expect(Array.from(a.trainRowIndex)).not.toEqual(Array.from(c.trainRowIndex));
    }
  });

  it('scales each feature and the target to [0, 1] over the sampled rows, reaching both ends', () => {
    const d = prepareDataset(table(80));
    for (let j = 0; j < N_FEATURES; j++) {
      const values = [
        ...d.xTrain.data.subarray(j * d.xTrain.cols, (j + 1) * d.xTrain.cols),
        ...d.xTest.data.subarray(j * d.xTest.cols, (j + 1) * d.xTest.cols),
      ];
      expectEnds(values, FEATURES[j]);
    }
    expectEnds([...d.yTrain.data, ...d.yTest.data], 'popularity');
  });

  it('columns of xTrain are the raw rows scaled, in the split order (the notebook transpose)', () => {
    const t = table(30);
    const d = prepareDataset(t, { rng: 'numpy' });
    const rowsInTable = Array.from(d.trainRowIndex, (fileRow) => t.rowIndex.indexOf(fileRow));
    const want = scaleX(gatherFeatures(t, rowsInTable), d.scaler);
    expectClose(d.xTrain.data, want.data, EXACT, 'xTrain');
    const raw = rowsInTable.map((r) => t.targets[r]);
    expectClose(unscaleY(d.yTrain.data, d.scaler), raw, { atol: 1e-12, rtol: 1e-15 }, 'unscaled yTrain');
  });
});

describe('MinMaxScaler semantics', () => {
  it('a constant column scales to 0, as sklearn does', () => {
    const d = prepareDataset(
      table(20, (cells) => {
        cells.mode = '1';
        cells.key = '7';
      }),
    );
    const j = FEATURES.indexOf('mode');
    expect(Array.from(d.xTrain.data.subarray(j * d.xTrain.cols, (j + 1) * d.xTrain.cols)).every((v) => v === 0)).toBe(true);
    expect(d.scaler.xMin[j]).toBe(1);
    expect(d.scaler.xMax[j]).toBe(1);
  });

  it('transform is x·(1/range) − min·(1/range), and unscaleY inverts scaleY', () => {
    const features = Float64Array.from({ length: 3 * N_FEATURES }, (_, i) => ((i * 0.37) % 5) - 2);
    const targets = Float64Array.from([3, 81, 40]);
    const s = fitScaler(features, targets);
    const raw = matrix(
      N_FEATURES,
      3,
      Float64Array.from({ length: 3 * N_FEATURES }, (_, k) => features[(k % 3) * N_FEATURES + Math.floor(k / 3)]),
    );
    const want = Array.from(raw.data, (v, k) => {
      const j = Math.floor(k / 3);
      const scale = 1 / (s.xMax[j] - s.xMin[j]);
      return v * scale + (0 - s.xMin[j] * scale);
    });
    expectClose(scaleX(raw, s).data, want, EXACT, 'scaleX');
    expectClose(unscaleY(scaleY(targets, s), s), targets, { atol: 1e-12, rtol: 1e-15 }, 'unscaleY∘scaleY');
  });

  it('validateScaler accepts a fitted scaler read back from JSON and rejects broken ones in one sentence', () => {
    const s = prepareDataset(table(10)).scaler;
    expect(validateScaler(JSON.parse(JSON.stringify(s)), 'model.json')).toEqual(s);
    const broken: unknown[] = [
      null,
      [],
      { ...s, xMin: s.xMin.slice(1) },
      { ...s, features: [...s.features].reverse() },
      { ...s, target: 'energy' },
      { ...s, yMax: 'high' },
      { ...s, xMax: s.xMax.map(() => Number.NaN) },
      { ...s, yMin: s.yMax + 1 },
    ];
    for (const b of broken) {
      let err: unknown;
      try {
        validateScaler(b, 'model.json');
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(b)).toBeInstanceOf(UserError);
      expect((err as Error).message).toMatch(/^model\.json has an invalid "scaler": [^\n]*\.$/);
    }
  });
});
