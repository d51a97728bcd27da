// Fused multiply-add, a*b + c with one rounding, which JavaScript lacks: glibcLog needs it to replay the vfmadd
// instructions of glibc's __log_fma exactly.

const SCRATCH = new DataView(new ArrayBuffer(8));
/** Veltkamp's splitter 2**27 + 1: cuts a double into two 26-bit halves whose products are exact. */
const SPLITTER = 134217729;
/** Inside these bounds no step of the fast path overflows or loses bits to underflow (see `fma`). */
const FAST_MIN = 2 ** -450;
const FAST_MAX = 2 ** 450;
const SUM_MIN = 2 ** -900;
const SUM_MAX = 2 ** 900;

/**
 * `a * b + c` rounded once to the nearest double (ties to even), like C's `fma` and the x86 `vfmadd` instructions.
 * Ordinary magnitudes take Boldo and Melquiond's emulation from exact products and sums (IEEE Trans. Computers
 * 57(4), 2008, "Emulation of FMA and correctly rounded sums: proved algorithms using rounding to odd"); the rest,
 * including zeros, infinities, NaN and subnormal results, goes through exact BigInt arithmetic in `fmaExact`.
 */
export function fma(a: number, b: number, c: number): number {
  const aa = Math.abs(a);
  const ab = Math.abs(b);
  const ac = Math.abs(c);
  // NaN fails every comparison, so it falls through to fmaExact as well.
  if (!(aa > FAST_MIN && aa < FAST_MAX && ab > FAST_MIN && ab < FAST_MAX && ((ac > SUM_MIN && ac < SUM_MAX) || c === 0))) {
    return fmaExact(a, b, c);
  }
  // uh + ul = a * b exactly (Dekker's product; both factors' halves multiply without rounding).
  const uh = a * b;
  const ul = productError(a, b, uh);
  // th + tl = c + uh exactly (Knuth's TwoSum).
  const th = c + uh;
  const tl = sumError(c, uh, th);
  // Rounding the small part to odd keeps a sticky bit, so the final sum rounds once as if from the exact value.
  return th + roundToOdd(tl, ul);
}

/** The rounding error of `p = a * b`, exactly: a*b - p (Dekker). */
function productError(a: number, b: number, p: number): number {
  const ta = SPLITTER * a;
  const ah = ta - (ta - a);
  const al = a - ah;
  const tb = SPLITTER * b;
  const bh = tb - (tb - b);
  const bl = b - bh;
  return ah * bh - p + ah * bl + al * bh + al * bl;
}

/** The rounding error of `s = x + y`, exactly: x + y - s (Knuth). */
function sumError(x: number, y: number, s: number): number {
  const yv = s - x;
  return x - (s - yv) + (y - yv);
}

/** `x + y` rounded to odd: exact if representable, otherwise whichever neighbour has an odd last significand bit. */
function roundToOdd(x: number, y: number): number {
  const s = x + y;
  const e = sumError(x, y, s);
  if (e === 0) return s;
  SCRATCH.setFloat64(0, s, true);
  const lo = SCRATCH.getUint32(0, true);
  if (lo & 1) return s;
  // s is even and s + e lies strictly between s and its neighbour towards e: that neighbour is odd.
  // (s is not zero here: a sum that rounds to zero is exact.) An even low word never carries or borrows past
  // one step except from 0, handled by the borrow.
  const hi = SCRATCH.getUint32(4, true);
  if (e > 0 === s > 0) {
    SCRATCH.setUint32(0, lo + 1, true);
  } else if (lo === 0) {
    SCRATCH.setUint32(0, 0xffffffff, true);
    SCRATCH.setUint32(4, hi - 1, true);
  } else {
    SCRATCH.setUint32(0, lo - 1, true);
  }
  return SCRATCH.getFloat64(0, true);
}

/** Splits a finite double into an exact integer significand and a power of two: x = m * 2**e. */
function decompose(x: number): [bigint, number] {
  SCRATCH.setFloat64(0, x, true);
  const bits = SCRATCH.getBigUint64(0, true);
  const biased = Number((bits >> 52n) & 0x7ffn);
  let m = bits & 0xfffffffffffffn;
  if (biased !== 0) m |= 0x10000000000000n;
  if (bits >> 63n) m = -m;
  return [m, (biased === 0 ? 1 : biased) - 1075];
}

/**
 * `a * b + c` rounded once, by exact integer arithmetic: slow, but right for every input, subnormal results
 * included. `fma` uses it outside its fast range; tests use it to check the fast path.
 */
export function fmaExact(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b)) return a * b + c; // the product is exactly ±Inf or NaN
  if (!Number.isFinite(c)) return c; // a finite product cannot cancel an infinite c, even if a*b would overflow
  if (a === 0 || b === 0) return a * b + c; // an exact ±0 product: IEEE addition gets the sign of zero right
  if (c === 0) return a * b; // one rounding of the product; its sign survives even if it underflows to zero
  const [ma, ea] = decompose(a);
  const [mb, eb] = decompose(b);
  const [mc, ec] = decompose(c);
  const ep = ea + eb;
  const e = Math.min(ep, ec);
  const n = ((ma * mb) << BigInt(ep - e)) + (mc << BigInt(ec - e));
  if (n === 0n) return 0; // exact cancellation is +0 when rounding to nearest
  return roundScaled(n, e);
}

/** n * 2**e rounded to the nearest double, ties to even, with gradual underflow. */
function roundScaled(n: bigint, e: number): number {
  const negative = n < 0n;
  let q = negative ? -n : n;
  const length = q.toString(2).length;
  // Keep 53 significant bits, or fewer where the result is subnormal and its last bit is worth 2**-1074.
  const shift = Math.max(length - 53, -1074 - e);
  if (shift > 0) {
    const s = BigInt(shift);
    const rest = q & ((1n << s) - 1n);
    const half = 1n << (s - 1n);
    q >>= s;
    if (rest > half || (rest === half && (q & 1n) === 1n)) q += 1n;
    e += shift;
  }
  // q has at most 54 bits and e >= -1074, so this product is exact unless it overflows to Infinity, as it should.
  const magnitude = Number(q) * powerOfTwo(e);
  return negative ? -magnitude : magnitude;
}

/** 2**e for e >= -1074, built from its bits rather than trusting Math.pow to be exact; Infinity above 1023. */
function powerOfTwo(e: number): number {
  if (e > 1023) return Infinity;
  SCRATCH.setBigUint64(0, e >= -1022 ? BigInt(e + 1023) << 52n : 1n << BigInt(e + 1074), true);
  return SCRATCH.getFloat64(0, true);
}
