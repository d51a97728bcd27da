// Seeded random numbers with two engines: numpy's MT19937 for parity with the notebook, or seedrandom.
import seedrandom from 'seedrandom';
import { RandomState } from './mt19937.ts';

export { RandomState } from './mt19937.ts';

/** Which engine draws the numbers: `numpy` reproduces np.random bit for bit, `seedrandom` is the fast default. */
export type RngKind = 'numpy' | 'seedrandom';

/** The names accepted for `--rng`. */
export const RNG_KINDS: readonly RngKind[] = ['numpy', 'seedrandom'];

/** The random draws the library needs, whichever engine makes them. */
export interface Rng {
  readonly kind: RngKind;
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal. */
  normal(): number;
  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array;
}

class NumpyRng implements Rng {
  readonly kind = 'numpy' as const;
  private readonly state: RandomState;
  constructor(seed: number) {
    this.state = new RandomState(seed);
  }
  uniform(): number {
    return this.state.randomSample();
  }
  normal(): number {
    return this.state.gaussian();
  }
  permutation(n: number): Int32Array {
    return this.state.permutation(n);
  }
}

class SeedRandomRng implements Rng {
  readonly kind = 'seedrandom' as const;
  private readonly prng: seedrandom.PRNG;
  private spare: number | null = null;
  constructor(seed: number) {
    this.prng = seedrandom(String(seed));
  }
  uniform(): number {
    return this.prng.double();
  }
  normal(): number {
    // Marsaglia's polar method, the same as numpy's legacy gauss, on seedrandom's doubles.
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let x1: number;
    let x2: number;
    let r2: number;
    do {
      x1 = 2 * this.prng.double() - 1;
      x2 = 2 * this.prng.double() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.spare = f * x1;
    return f * x2;
  }
  permutation(n: number): Int32Array {
    const out = new Int32Array(n);
    for (let i = 0; i < n; i++) out[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.prng.double() * (i + 1));
      const t = out[i];
      out[i] = out[j];
      out[j] = t;
    }
    return out;
  }
}

/** A fresh generator of the given kind, seeded with `seed` (an integer in [0, 2**32)). */
export function createRng(kind: RngKind, seed: number): Rng {
  if (kind === 'numpy') return new NumpyRng(seed);
  if (kind === 'seedrandom') return new SeedRandomRng(seed);
  throw new RangeError(`Unknown rng "${String(kind)}"; use one of: ${RNG_KINDS.join(', ')}.`);
}
