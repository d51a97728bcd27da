// The notebook's He initialization: W_l = randn(dims[l], dims[l-1]) * sqrt(2 / dims[l-1]), b_l = 0.
import { matrix } from '../model/matrix.ts';
import { NOTEBOOK_DIMS, type Params } from '../model/params.ts';
import { checkDims } from '../model/validate.ts';
import { createRng, type Rng, type RngKind } from '../rng/index.ts';

/** Options of {@link initialization}. */
export interface InitOptions {
  /** Seed of a fresh generator (default 42, the notebook's). Ignored when `generator` is given. */
  readonly seed?: number;
  /** Engine of the fresh generator: `numpy` reproduces `np.random.seed(seed)` bit for bit (default `seedrandom`). */
  readonly rng?: RngKind;
  /** Draw from this generator instead of a fresh one, e.g. to continue a stream. */
  readonly generator?: Rng;
}

/**
 * He initialization for any depth. Draws W1, W2, … in the notebook's order, each in C order, so with
 * `rng: 'numpy'` and seed 42 the values equal `Initialization(13, 64, 32, 16, 1)` exactly.
 */
export function initialization(dims: readonly number[] = NOTEBOOK_DIMS, options: InitOptions = {}): Params {
  checkDims(dims);
  const gen = options.generator ?? createRng(options.rng ?? 'seedrandom', options.seed ?? 42);
  const W = [];
  const b = [];
  for (let l = 1; l < dims.length; l++) {
    const rows = dims[l];
    const cols = dims[l - 1];
    const scale = Math.sqrt(2.0 / cols);
    const w = new Float64Array(rows * cols);
    // numpy computes randn(...) * scale element-wise in float64; the same product here.
    for (let i = 0; i < w.length; i++) w[i] = gen.normal() * scale;
    W.push(matrix(rows, cols, w));
    b.push(new Float64Array(rows));
  }
  return { dims: [...dims], W, b };
}
