// The built-in synthetic dataset: plausible columns, reproducible, and a popularity a network can actually learn.
import { describe, expect, it } from 'vitest';
import { prepareDataset } from '../../src/data/prepare.ts';
import { FEATURES, N_FEATURES } from '../../src/model/schema.ts';
import { popularitySignal, SYNTHETIC_NOISE_SD, SYNTHETIC_ROWS, syntheticDataset } from '../../src/data/synthetic.ts';

/** Plausible ranges of tracks.csv's columns (Spotify's audio-feature definitions). */
const RANGES: Record<string, [number, number]> = {
  acousticness: [0, 1],
  danceability: [0, 1],
  energy: [0, 1],
  instrumentalness: [0, 1],
  liveness: [0, 1],
  loudness: [-60, 0],
  speechiness: [0, 1],
  tempo: [30, 250],
  valence: [0, 1],
  key: [0, 11],
  mode: [0, 1],
  explicit: [0, 1],
  year: [1921, 2021],
};
const INTEGER = new Set(['key', 'mode', 'explicit', 'year']);

/** Coefficient of determination of predictions `p` for values `y`. */
function r2(y: ArrayLike<number>, p: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < y.length; i++) mean += y[i] / y.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < y.length; i++) {
    ssRes += (y[i] - p[i]) ** 2;
    ssTot += (y[i] - mean) ** 2;
  }
  return 1 - ssRes / ssTot;
}

/** Least-squares linear fit (with intercept) by the normal equations, solved with partial pivoting. */
function linearFit(x: Float64Array, y: Float64Array, n: number): Float64Array {
  const k = N_FEATURES + 1;
  const a = Array.from({ length: k }, () => new Float64Array(k + 1));
  for (let i = 0; i < n; i++) {
    const row = [...x.subarray(i * N_FEATURES, (i + 1) * N_FEATURES), 1];
    for (let r = 0; r < k; r++) {
      for (let c = 0; c < k; c++) a[r][c] += row[r] * row[c];
      a[r][k] += row[r] * y[i];
    }
  }
  for (let col = 0; col < k; col++) {
    const pivot = a.slice(col).reduce((best, row, i) => (Math.abs(row[col]) > Math.abs(a[best][col]) ? col + i : best), col);
    [a[col], a[pivot]] = [a[pivot], a[col]];
    for (let r = 0; r < k; r++) {
      if (r === col || a[col][col] === 0) continue;
      const f = a[r][col] / a[col][col];
      for (let c = col; c <= k; c++) a[r][c] -= f * a[col][c];
    }
  }
  const w = Float64Array.from({ length: k }, (_, r) => a[r][k] / a[r][r]);
  return Float64Array.from({ length: n }, (_, i) => {
    let s = w[N_FEATURES];
    for (let j = 0; j < N_FEATURES; j++) s += w[j] * x[i * N_FEATURES + j];
    return s;
  });
}

describe('syntheticDataset', () => {
  const table = syntheticDataset();

  it(`has ${SYNTHETIC_ROWS} rows by default, every column in its plausible range`, () => {
    expect(table.rows).toBe(SYNTHETIC_ROWS);
    expect(table.counts).toMatchObject({ read: SYNTHETIC_ROWS, kept: SYNTHETIC_ROWS, dropped: 0 });
    const bad: string[] = [];
    for (let i = 0; i < table.rows; i++) {
      FEATURES.forEach((f, j) => {
        const v = table.features[i * N_FEATURES + j];
        const [lo, hi] = RANGES[f];
        if (!(v >= lo && v <= hi) || (INTEGER.has(f) && !Number.isInteger(v))) bad.push(`row ${i} ${f} = ${v}`);
      });
      const y = table.targets[i];
      if (!Number.isInteger(y) || y < 0 || y > 100) bad.push(`row ${i} popularity = ${y}`);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('is reproducible from the seed and rng, and different for another seed', () => {
    const again = syntheticDataset({ rows: 500 });
    expect(Array.from(again.features)).toEqual(Array.from(table.features.subarray(0, 500 * N_FEATURES)));
    expect(Array.from(syntheticDataset({ rows: 500, seed: 1 }).targets)).not.toEqual(Array.from(again.targets));
    expect(syntheticDataset({ rows: 50, rng: 'numpy' }).rows).toBe(50);
  });

  it('has a learnable, nonlinear popularity: the signal explains most of it, a linear fit clearly less', () => {
    const signal = Float64Array.from({ length: table.rows }, (_, i) => popularitySignal(table.features, i * N_FEATURES));
    const explained = r2(table.targets, signal);
    const linear = r2(table.targets, linearFit(table.features, table.targets, table.rows));
    const sd = Math.sqrt(table.targets.reduce((s, y) => s + y * y, 0) / table.rows - (table.targets.reduce((s, y) => s + y, 0) / table.rows) ** 2);
    console.log(`[synthetic] R² of the signal ${explained.toFixed(3)}, of the best linear fit ${linear.toFixed(3)}, sd ${sd.toFixed(1)} points`);
    expect(sd).toBeGreaterThan(3 * SYNTHETIC_NOISE_SD);
    expect(explained).toBeGreaterThan(0.85);
    expect(linear).toBeGreaterThan(0.3);
    expect(linear).toBeLessThan(explained - 0.1);
  });

  it('goes through prepareDataset like a file', () => {
    const d = prepareDataset(table);
    expect(d.source).toBe('synthetic');
    expect(d.counts).toMatchObject({ sampled: SYNTHETIC_ROWS, train: 9600, test: 2400 });
  });
});
