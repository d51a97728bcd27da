// Checks what an implementation read back against the float64 CPU reference before any timing (a wrong result is never timed).
import { feedForward } from '../src/reference/forward.ts';
import { flatten, paramLayout } from '../src/model/flat-layout.ts';
import { sliceCols } from '../src/model/matrix.ts';
import type { Params } from '../src/model/params.ts';
import type { BenchData } from './types.ts';

/** Loose float32 tolerance: this catches wrong layouts, zeros and missed biases, not last-bit differences. */
export const CHECK_ATOL = 1e-4;
export const CHECK_RTOL = 1e-4;

/**
 * How far parameters after one Adam epoch may sit from the reference's, relative to how far the reference moved:
 * Adam steps by about lr·sign(g), so a weight whose gradient hovers near zero can step either way in float32 and
 * float64 alike, and element-wise tolerances reject correct trainers. Over the 782 steps of m = 100 000, TF.js's
 * CPU backend and ours both ended 0.11–0.28 away, so the bound is 0.3; an update of the wrong size or sign, or
 * none, gives 1 or more. The training loss must also agree (EPOCH_LOSS_RTOL).
 */
export const EPOCH_RELATIVE_DISTANCE = 0.3;

/**
 * The same bound for epochs of more than {@link LONG_EPOCH_STEPS} steps. There float32 trainers drift from the
 * float64 one: at m = 600 000 (4 688 steps) the fast CPU backend ended up to 0.47 and the GPU trainer up to 0.44 of
 * the reference's movement away from it, and 0.50 from each other, while the float64 trainer started from weights
 * rounded to float32 stayed within 4e-6; at m = 100 000 the fast CPU backend tracks the reference to 7e-6 and the
 * GPU 0.26 (`node bin/run-ts.mjs bench/drift.ts`). Two correct float32 trainers disagreeing as much as each does
 * with float64 is drift, not a bug. A skipped update still gives 1 and a doubled one 1 or more, so 0.75 rejects them.
 */
export const EPOCH_LONG_RELATIVE_DISTANCE = 0.75;

/** Past this many Adam steps an epoch is checked with {@link EPOCH_LONG_RELATIVE_DISTANCE}. */
export const LONG_EPOCH_STEPS = 1000;

/** Relative tolerance of the training loss after one epoch against the reference trainer's. */
export const EPOCH_LOSS_RTOL = 0.05;

// Columns per reference block: bounds the float64 cache the check holds (226 values per column) at any m.
const BLOCK = 50_000;

/** Thrown when an implementation computes something else than the reference; the benchmark stops on it. */
export class WrongResultError extends Error {
  override name = 'WrongResultError';
}

/** Up to `limit` descriptions of elements outside atol + rtol·|want|, with their flat index (offset by `base`). */
function mismatches(
  got: ArrayLike<number>,
  gotAt: number,
  want: ArrayLike<number>,
  n: number,
  base: number,
  out: string[],
  tol = { atol: CHECK_ATOL, rtol: CHECK_RTOL },
): void {
  for (let i = 0; i < n && out.length < 5; i++) {
    const g = got[gotAt + i];
    const w = want[i];
    if (!(Math.abs(g - w) <= tol.atol + tol.rtol * Math.abs(w))) out.push(`[${base + i}] expected ${w}, found ${g}`);
  }
}

/**
 * Compares a forward pass's output (1, m) and, when given, its cache [Z1, A1, …, Z4, A4] (each (units, m)) with
 * the reference computed block by block over the columns of X. Throws WrongResultError naming the first mismatches.
 */
export function checkForward(what: string, data: BenchData, out: ArrayLike<number> | undefined, cache?: ArrayLike<number>[]): void {
  const { m, params } = data;
  if (!out || out.length !== m) throw new WrongResultError(`${what}: expected ${m} outputs, got ${out?.length ?? 'none'}.`);
  let positive = 0;
  for (let i = 0; i < m; i++) if (out[i] > 0) positive++;
  if (positive === 0) throw new WrongResultError(`${what}: every output is zero, which the reference never gives on this data.`);
  const bad: string[] = [];
  for (let start = 0; start < m && bad.length === 0; start += BLOCK) {
    const end = Math.min(m, start + BLOCK);
    const ref = feedForward(sliceCols(data.X, start, end), params);
    mismatches(out, start, ref.yOut.data, end - start, start, bad);
    if (!cache) continue;
    if (cache.length !== ref.cache.length) throw new WrongResultError(`${what}: expected ${ref.cache.length} cache entries, got ${cache.length}.`);
    ref.cache.forEach((R, k) => {
      if (cache[k].length !== R.rows * m) bad.push(`cache[${k}] has ${cache[k].length} values, expected ${R.rows * m}`);
      for (let r = 0; r < R.rows && bad.length === 0; r++) {
        mismatches(cache[k], r * m + start, R.data.subarray(r * (end - start)), end - start, r * m + start, bad);
        if (bad.length) bad.unshift(`cache[${k}] (${k % 2 ? 'A' : 'Z'}${(k >> 1) + 1}):`);
      }
    });
  }
  if (bad.length) throw new WrongResultError(`${what} differs from the CPU reference (atol ${CHECK_ATOL}, rtol ${CHECK_RTOL}): ${bad.join('; ')}`);
}

/** Compares parameters after a training run with the reference's, weight by weight. */
export function checkParams(what: string, got: Params, want: Params, tol = { atol: CHECK_ATOL, rtol: CHECK_RTOL }): void {
  const bad: string[] = [];
  for (let l = 0; l < want.W.length && bad.length === 0; l++) {
    mismatches(got.W[l].data, 0, want.W[l].data, want.W[l].data.length, 0, bad, tol);
    if (bad.length) bad.unshift(`W${l + 1}:`);
    else {
      mismatches(got.b[l], 0, want.b[l], want.b[l].length, 0, bad, tol);
      if (bad.length) bad.unshift(`b${l + 1}:`);
    }
  }
  if (bad.length) throw new WrongResultError(`${what}: parameters after training differ from the CPU reference: ${bad.join(' ')}`);
}

function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s);
}

/**
 * Checks parameters after an epoch of `steps` steps: per tensor, ‖got − want‖ ≤ bound·‖want − start‖, where
 * `start` is where both began and the bound is EPOCH_RELATIVE_DISTANCE, or EPOCH_LONG_RELATIVE_DISTANCE past
 * LONG_EPOCH_STEPS. A tensor the reference did not move must not move either (to 1e-6).
 */
export function checkEpochParams(what: string, got: Params, want: Params, start: Params, steps = 0): void {
  const bound = steps > LONG_EPOCH_STEPS ? EPOCH_LONG_RELATIVE_DISTANCE : EPOCH_RELATIVE_DISTANCE;
  const bad: string[] = [];
  const tensors = (p: Params): [string, ArrayLike<number>][] =>
    p.W.flatMap(
      (w, l) =>
        [
          [`W${l + 1}`, w.data],
          [`b${l + 1}`, p.b[l]],
        ] as [string, ArrayLike<number>][],
    );
  const [g, w, s] = [tensors(got), tensors(want), tensors(start)];
  w.forEach(([name, ref], i) => {
    const moved = distance(ref, s[i][1]);
    const off = distance(g[i][1], ref);
    if (off > Math.max(1e-6, bound * moved)) bad.push(`${name} is ${off.toPrecision(3)} from the reference, which moved ${moved.toPrecision(3)}`);
  });
  if (bad.length)
    throw new WrongResultError(
      `${what}: parameters after the epoch (${steps} steps) differ from the CPU reference trainer's by more than ${bound} of its movement: ${bad.join('; ')}`,
    );
}

/** Compares a loss with the reference's. */
export function checkLoss(what: string, got: number | undefined, want: number): void {
  if (got === undefined || !(Math.abs(got - want) <= CHECK_ATOL + CHECK_RTOL * Math.abs(want))) {
    throw new WrongResultError(`${what}: loss ${got} differs from the CPU reference's ${want}.`);
  }
}

/** Throws unless model `i` trained together with others has exactly the parameters it has trained alone. */
export function checkTrainedAlone(what: string, together: Params, alone: Params): void {
  const [a, b] = [together, alone].map((p) => flatten(paramLayout(p.dims), p.W, p.b));
  if (a.length !== b.length || a.some((v, j) => v !== b[j])) throw new WrongResultError(`${what} trained together differs from it trained alone.`);
}
