// glibc 2.36's natural log as numpy's legacy gauss calls it on x86-64 with FMA (the `__log_fma` ifunc variant),
// replayed operation by operation so that the result is the same double. V8's Math.log (fdlibm) differs by 1 ulp
// on about 0.1% of inputs, which is enough to break bit-for-bit parity with np.random.randn.
import { fma } from './fma.ts';
import { LN2_HI, LN2_LO, POLY, POLY1, TABLE } from './glibc-log-data.ts';

const SCRATCH = new DataView(new ArrayBuffer(8));

/** Parses a C99 hex-float literal of a normal double, e.g. '-0x1.7cc7f79e69000p-2', exactly. */
function hexFloat(text: string): number {
  const match = /^(-?)0x1\.([0-9a-f]{13})p([+-]\d+)$/.exec(text);
  if (!match) throw new Error(`Not a normal hex-float literal: ${text}`);
  const exponent = Number(match[3]) + 1023;
  SCRATCH.setUint32(4, ((match[1] ? 0x80000000 : 0) | (exponent << 20) | Number.parseInt(match[2].slice(0, 5), 16)) >>> 0, true);
  SCRATCH.setUint32(0, Number.parseInt(match[2].slice(5), 16), true);
  return SCRATCH.getFloat64(0, true);
}

const Ln2hi = hexFloat(LN2_HI);
const Ln2lo = hexFloat(LN2_LO);
const [A0, A1, A2, A3, A4] = POLY.map(hexFloat);
const [B0, B1, B2, B3, B4, B5, B6, B7, B8, B9, B10] = POLY1.map(hexFloat);
const INVC = Float64Array.from(TABLE, ([invc]) => hexFloat(invc));
const LOGC = Float64Array.from(TABLE, ([, logc]) => hexFloat(logc));

/** High words of glibc's bounds: x in [1 - 2**-4, 1 + 0x1.09p-4) takes the near-1 path (both low words are 0). */
const NEAR1_LO_HI = 0x3fee0000;
const NEAR1_HI_HI = 0x3ff10900;
/** High word of OFF = 0x3fe6000000000000: x = 2**k * z with z in [OFF, 2*OFF) = [0x1.6p-1, 0x1.6p0). */
const OFF_HI = 0x3fe60000;
const TWO_POW_27 = 134217728;
const TWO_POW_52 = 4503599627370496;

/**
 * The natural logarithm exactly as glibc 2.36's `__log_fma` computes it (sysdeps/ieee754/dbl-64/e_log.c built with
 * -mfma -mavx2): the same table, polynomials and order of operations, and a fused multiply-add wherever the shipped
 * binary executes a vfmadd, including those gcc contracted from a*b + c beyond the source's explicit fma. Every
 * input is handled, with log(±0) = -Infinity, log(x < 0) = NaN, log(Infinity) = Infinity, log(NaN) = NaN.
 */
export function glibcLog(x: number): number {
  SCRATCH.setFloat64(0, x, true);
  let hi = SCRATCH.getUint32(4, true);
  let lo = SCRATCH.getUint32(0, true);
  if (hi >= NEAR1_LO_HI && hi < NEAR1_HI_HI) return logNear1(x);
  const top = hi >>> 16;
  if (top - 0x0010 >= 0x7ff0 - 0x0010 || top < 0x0010) {
    // x < 0x1p-1022, or negative, infinite or NaN.
    if (x === 0) return -Infinity;
    if (x === Infinity) return x;
    if (top & 0x8000 || (top & 0x7ff0) === 0x7ff0) return NaN;
    // Subnormal: scale into the normal range (exactly) and take 52 off the exponent again.
    SCRATCH.setFloat64(0, x * TWO_POW_52, true);
    hi = SCRATCH.getUint32(4, true) - (52 << 20);
    lo = SCRATCH.getUint32(0, true);
  }
  // glibc's 64-bit tmp = ix - OFF; OFF's low word is 0, so only the high word changes.
  const tmpHi = (hi - OFF_HI) | 0;
  const i = (tmpHi >>> 13) & 127; // (tmp >> (52 - 7)) % 128
  const k = tmpHi >> 20; // arithmetic shift, as glibc's (int64_t) tmp >> 52
  SCRATCH.setUint32(4, (hi - (tmpHi & 0xfff00000)) >>> 0, true);
  SCRATCH.setUint32(0, lo, true);
  const z = SCRATCH.getFloat64(0, true);
  const invc = INVC[i];
  const logc = LOGC[i];
  const kd = k;

  // The comments give glibc's C; the code is the order of the binary's instructions.
  const r = fma(z, invc, -1.0); // r = __builtin_fma (z, invc, -1.0)
  const w = fma(kd, Ln2hi, logc); // w = kd * Ln2hi + logc (contracted)
  const hiSum = w + r; // hi = w + r
  const loSum = fma(kd, Ln2lo, w - hiSum + r); // lo = w - hi + r + kd * Ln2lo (contracted)
  const r2 = r * r;
  const r3 = r * r2;
  // y = lo + r2 * A[0] + r * r2 * (A[1] + r * A[2] + r2 * (A[3] + r * A[4])) + hi
  const inner = fma(fma(r, A4, A3), r2, fma(r, A2, A1));
  return fma(r3, inner, fma(r2, A0, loSum)) + hiSum;
}

/** glibc's path for x near 1.0, where log(1 + r) is a polynomial in r = x - 1 and r*r is kept in two parts. */
function logNear1(x: number): number {
  // glibc returns +0 for x == 1 so that the sign is right under downward rounding too.
  if (x === 1) return 0;
  const r = x - 1.0;
  const r2 = r * r;
  const r3 = r * r2;
  // y = r3 * (B[1] + r*B[2] + r2*B[3] + r3*(B[4] + r*B[5] + r2*B[6] + r3*(B[7] + r*B[8] + r2*B[9] + r3*B[10])))
  const p1 = fma(r2, B3, fma(r, B2, B1));
  const p2 = fma(r2, B6, fma(r, B5, B4));
  const p3 = fma(r3, B10, fma(r2, B9, fma(r, B8, B7)));
  const inner = fma(fma(p3, r3, p2), r3, p1);
  // rhi = r + w - w with w = r * 0x1p27: the top 26 bits of r, so that rhi * rhi is exact.
  const rw = fma(r, TWO_POW_27, r);
  const rhi = fma(-TWO_POW_27, r, rw);
  const rlo = r - rhi;
  const rhi2 = rhi * rhi;
  const hi = fma(rhi2, B0, r); // hi = r + rhi * rhi * B[0]
  let lo = fma(rhi2, B0, r - hi); // lo = r - hi + w
  lo = fma(B0 * rlo, r + rhi, lo); // lo += B[0] * rlo * (rhi + r)
  // y = r3 * inner; y += lo (contracted); y += hi
  return hi + fma(inner, r3, lo);
}
