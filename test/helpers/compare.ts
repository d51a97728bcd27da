// Approximate comparison of float arrays: |got - want| <= atol + rtol·|want|, reporting the first mismatches.
import { expect } from 'vitest';

/** Tolerances for {@link expectClose}. */
export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/** The tolerance for float32 results of a chain of dot products with inner dimension up to `k`. */
export function f32Tolerance(k: number, layers = 1): Tolerance {
  const eps = 2 ** -23;
  const grow = Math.max(1, Math.sqrt(k)) * layers;
  return { atol: 8 * eps * grow, rtol: 16 * eps * grow };
}

/** Lists up to `limit` indices where `got` and `want` differ by more than the tolerance. */
export function mismatches(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance, limit = 5): string[] {
  const out: string[] = [];
  if (got.length !== want.length) return [`length ${got.length} != expected ${want.length}`];
  for (let i = 0; i < want.length && out.length < limit; i++) {
    const g = got[i];
    const w = want[i];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : Math.abs(g - w) <= tol.atol + tol.rtol * Math.abs(w);
    if (!ok) out.push(`[${i}] expected ${w}, found ${g} (diff ${Math.abs(g - w)})`);
  }
  return out;
}

/** Asserts that every element agrees within the tolerance; on failure the message shows the first mismatches. */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: Tolerance, what = 'values'): void {
  const bad = mismatches(got, want, tol);
  expect(bad, `${what} differ (atol ${tol.atol}, rtol ${tol.rtol}):\n${bad.join('\n')}`).toEqual([]);
}

/** Largest |got - want| over all elements. */
export function maxAbsDiff(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < want.length; i++) d = Math.max(d, Math.abs(got[i] - want[i]));
  return d;
}
