// Shared by the parity tests: the shape of make_data_reference.py's JSON and the comparisons made against it.
import { expect } from 'vitest';
import type { Dataset, RowCounts } from '../../src/data/prepare.ts';
import type { ScalerParams } from '../../src/model/scaler.ts';
import type { Matrix } from '../../src/model/matrix.ts';
import { expectClose } from '../helpers/compare.ts';

/** What make_data_reference.py writes next to each case's arrays. */
export interface ReferenceMeta {
  seed: number;
  sample: number;
  testSize: number;
  counts: RowCounts;
  scaler: ScalerParams;
  trainRowIndex: number[];
  testRowIndex: number[];
}

/** float64 rounding only: the arithmetic is the same as numpy's, so differences should be 0. */
export const PARITY = { atol: 1e-12, rtol: 0 };

/** The four arrays of a prepared dataset, by their .npy names. */
export const ARRAYS = ['x_train', 'y_train', 'x_test', 'y_test'] as const;

/** The dataset's matrix for a reference array name. */
export function arrayOf(d: Dataset, name: (typeof ARRAYS)[number]): Dataset['xTrain'] {
  return { x_train: d.xTrain, y_train: d.yTrain, x_test: d.xTest, y_test: d.yTest }[name];
}

/** Checks counts, scaler and split rows against a reference case. */
export function expectSameSplit(d: Dataset, ref: ReferenceMeta): void {
  expect(d.counts).toEqual(ref.counts);
  expect(d.scaler.features).toEqual(ref.scaler.features);
  expectClose(d.scaler.xMin, ref.scaler.xMin, PARITY, 'xMin');
  expectClose(d.scaler.xMax, ref.scaler.xMax, PARITY, 'xMax');
  expectClose([d.scaler.yMin, d.scaler.yMax], [ref.scaler.yMin, ref.scaler.yMax], PARITY, 'yMin/yMax');
  expect(Array.from(d.trainRowIndex), 'training rows (file row numbers, in order)').toEqual(ref.trainRowIndex);
  expect(Array.from(d.testRowIndex), 'test rows (file row numbers, in order)').toEqual(ref.testRowIndex);
}

/** Per matrix row, as make_data_reference.py's checksums(): sum, position-weighted sum, min, max. */
export interface Checksums {
  shape: [number, number];
  sum: number[];
  weighted: number[];
  min: number[];
  max: number[];
}

/** Checksums of a matrix, summed with Neumaier's compensation to match Python's exact math.fsum closely. */
export function checksums(m: Matrix): Checksums {
  const out: Checksums = { shape: [m.rows, m.cols], sum: [], weighted: [], min: [], max: [] };
  for (let r = 0; r < m.rows; r++) {
    const row = m.data.subarray(r * m.cols, (r + 1) * m.cols);
    out.sum.push(neumaier(row.length, (i) => row[i]));
    out.weighted.push(neumaier(row.length, (i) => row[i] * (i + 1)));
    let min = Infinity;
    let max = -Infinity;
    for (const v of row) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    out.min.push(min);
    out.max.push(max);
  }
  return out;
}

function neumaier(n: number, term: (i: number) => number): number {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < n; i++) {
    const x = term(i);
    const t = sum + x;
    c += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + c;
}
