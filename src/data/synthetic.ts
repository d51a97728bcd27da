// The built-in dataset used when no CSV is given: tracks.csv's columns in plausible ranges with a learnable popularity.
// The notebook falls back to uniform noise, which no network can learn; a demo needs a signal to show training working.
import { createRng, type Rng, type RngKind } from '../rng/index.ts';
import { DROP_REASONS, type DropReason, FEATURES, N_FEATURES, YEAR } from '../model/schema.ts';
import type { CleanTable } from './table.ts';

/** Rows in the default synthetic dataset: enough to learn from, small enough for a quick demo. */
export const SYNTHETIC_ROWS = 12_000;

/** Standard deviation, in popularity points, of the noise added to {@link popularitySignal}. */
export const SYNTHETIC_NOISE_SD = 4;

/** The name a synthetic table carries in reports. */
export const SYNTHETIC_NAME = 'synthetic';

// Feature positions in FEATURES order, so the formulas below read by name.
const F = Object.fromEntries(FEATURES.map((f, j) => [f, j])) as Record<string, number>;

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));
const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

/**
 * The noise-free popularity (points, roughly 0–90) of one synthetic track: a smooth nonlinear function of the
 * raw features at `x[offset .. offset+13)`, in {@link FEATURES} order. Recent (an S-curve over the years),
 * danceable-and-energetic together, mid-tempo, loud, explicit, vocal, and cheerful major-key songs score
 * higher. A linear model explains about three quarters of it, so a network has something to add. Exported so
 * tests can check learnability.
 */
export function popularitySignal(x: ArrayLike<number>, offset = 0): number {
  const v = (name: string): number => x[offset + F[name]];
  return (
    14 +
    34 * sigmoid((v('year') - 1975) / 7) +
    60 * (v('danceability') - 0.55) * (v('energy') - 0.5) +
    12 * Math.exp(-(((v('tempo') - 120) / 25) ** 2)) +
    6 * sigmoid((v('loudness') + 12) / 3) +
    8 * v('explicit') -
    16 * v('instrumentalness') * (1 - v('acousticness')) -
    12 * v('speechiness') -
    8 * v('liveness') +
    10 * Math.sin(Math.PI * v('valence')) * (v('mode') === 1 ? 1 : -0.5) +
    5 * Math.cos((2 * Math.PI * v('key')) / 12)
  );
}

/** Draws one track's 13 raw features into `out[offset ..]`, with the correlations of the real file. */
function drawFeatures(rng: Rng, out: Float64Array, offset: number): void {
  const year = 1922 + Math.floor(100 * Math.sqrt(rng.uniform())); // skewed to recent years, as tracks.csv
  const t = (year - 1922) / 99;
  const acousticness = clamp(0.9 - 0.7 * t + 0.2 * rng.normal(), 0, 1);
  const energy = clamp(0.85 - 0.6 * acousticness + 0.15 * rng.normal(), 0, 1);
  const row: Record<string, number> = {
    acousticness,
    danceability: clamp(0.55 + 0.16 * rng.normal(), 0, 1),
    energy,
    instrumentalness: rng.uniform() < 0.7 ? 0.001 * rng.uniform() : rng.uniform(),
    liveness: clamp(0.08 + 0.15 * Math.abs(rng.normal()), 0, 1),
    loudness: clamp(-22 + 16 * energy + 3 * rng.normal(), -60, 0),
    speechiness: clamp(0.03 + 0.05 * Math.abs(rng.normal()), 0, 1),
    tempo: clamp(118 + 28 * rng.normal(), 50, 220),
    valence: clamp(0.5 + 0.25 * rng.normal(), 0, 1),
    key: Math.floor(12 * rng.uniform()),
    mode: rng.uniform() < 0.66 ? 1 : 0,
    explicit: rng.uniform() < 0.03 + 0.25 * t * t ? 1 : 0,
    year,
  };
  for (let j = 0; j < N_FEATURES; j++) out[offset + j] = row[FEATURES[j]];
}

/**
 * A clean table of `rows` synthetic tracks (default {@link SYNTHETIC_ROWS}); pass it to prepareDataset like a
 * file's. Popularity is {@link popularitySignal} plus Gaussian noise (sd {@link SYNTHETIC_NOISE_SD}), rounded to
 * whole points in [0, 100] as in tracks.csv. The same seed and rng give the same table.
 */
export function syntheticDataset(opts: { rows?: number; seed?: number; rng?: RngKind } = {}): CleanTable {
  const rows = opts.rows ?? SYNTHETIC_ROWS;
  if (!Number.isInteger(rows) || rows < 0) throw new RangeError(`syntheticDataset needs a whole number of rows, got ${rows}.`);
  const rng = createRng(opts.rng ?? 'seedrandom', opts.seed ?? 42);
  const features = new Float64Array(rows * N_FEATURES);
  const targets = new Float64Array(rows);
  const rowIndex = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    drawFeatures(rng, features, i * N_FEATURES);
    const noisy = popularitySignal(features, i * N_FEATURES) + SYNTHETIC_NOISE_SD * rng.normal();
    targets[i] = clamp(Math.round(noisy), 0, 100);
    rowIndex[i] = i;
  }
  return {
    name: SYNTHETIC_NAME,
    featureNames: FEATURES,
    yearFrom: YEAR,
    rows,
    features,
    targets,
    rowIndex,
    counts: {
      read: rows,
      kept: rows,
      dropped: 0,
      droppedByReason: Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<DropReason, number>,
      droppedByColumn: {},
      blankLines: 0,
    },
  };
}
