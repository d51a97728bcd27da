// The fast CPU backend's two kernels in AssemblyScript, compiled to WebAssembly SIMD by `asc` (tools/build-kernels.mjs).
// Every pointer argument is a float index into the imported memory and every stride a count of floats; column
// counts are multiples of 8 (COLUMN_ALIGN in src/fast/kernels.ts), so there is no tail code. src/fast/kernels.ts
// documents what each computes and holds the JavaScript twin; the float64 reference checks both (test/fast/).

/**
 * acc + a·b per lane: one fused multiply-add in the relaxed-SIMD build (where the engine fuses it), a multiply and
 * an add, each rounded, in the plain SIMD build. The choice is made at compile time (tools/build-kernels.mjs builds
 * both) and at load time (src/fast/kernels.ts takes the relaxed build only where the engine validates it).
 */
// @ts-ignore: decorator
@inline function madd(acc: v128, a: v128, b: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<f32>(a, b, acc);
  return f32x4.add(acc, f32x4.mul(a, b));
}

/** Rows of W per register block of dense: 4 rows × 8 columns of accumulators in 8 f32x4 registers. */
// @ts-ignore: decorator
@inline const ROWS: i32 = 4;

/**
 * acc = bias + W·src over `cols` columns, W(i, p) at w + i·wrs + p·wcs (wrs = 1, wcs = n reads Wᵀ in place);
 * z (when ≠ 0) gets acc; a gets max(acc, 0), or, when mask ≠ 0, acc where mask > 0 and 0 elsewhere.
 */
export function dense(
  w: i32, wrs: i32, wcs: i32, bias: i32, n: i32, k: i32, src: i32, srcStride: i32,
  z: i32, a: i32, mask: i32, dstStride: i32, cols: i32,
): void {
  w <<= 2; wrs <<= 2; wcs <<= 2; bias <<= 2; src <<= 2; srcStride <<= 2; z <<= 2; a <<= 2; mask <<= 2; dstStride <<= 2;
  const zero = f32x4.splat(0);
  let i = 0;
  // Four rows at a time: each W value is splat once and feeds 8 columns.
  for (; i + ROWS <= n; i += ROWS) {
    const b0 = f32x4.splat(load<f32>(bias + (i << 2)));
    const b1 = f32x4.splat(load<f32>(bias + (i << 2), 4));
    const b2 = f32x4.splat(load<f32>(bias + (i << 2), 8));
    const b3 = f32x4.splat(load<f32>(bias + (i << 2), 12));
    for (let j = 0; j < cols; j += 8) {
      let s00 = b0, s01 = b0, s10 = b1, s11 = b1, s20 = b2, s21 = b2, s30 = b3, s31 = b3;
      let wp = w + i * wrs;
      let sp = src + (j << 2);
      for (let p = 0; p < k; p++) {
        const x0 = v128.load(sp);
        const x1 = v128.load(sp, 16);
        const w0 = v128.load32_splat(wp);
        const w1 = v128.load32_splat(wp + wrs);
        const w2 = v128.load32_splat(wp + 2 * wrs);
        const w3 = v128.load32_splat(wp + 3 * wrs);
        s00 = madd(s00, w0, x0);
        s01 = madd(s01, w0, x1);
        s10 = madd(s10, w1, x0);
        s11 = madd(s11, w1, x1);
        s20 = madd(s20, w2, x0);
        s21 = madd(s21, w2, x1);
        s30 = madd(s30, w3, x0);
        s31 = madd(s31, w3, x1);
        wp += wcs;
        sp += srcStride;
      }
      const o = i * dstStride + (j << 2);
      epilogue(z, a, mask, o, s00, s01, zero);
      epilogue(z, a, mask, o + dstStride, s10, s11, zero);
      epilogue(z, a, mask, o + 2 * dstStride, s20, s21, zero);
      epilogue(z, a, mask, o + 3 * dstStride, s30, s31, zero);
    }
  }
  // The rows left over, one at a time.
  for (; i < n; i++) {
    const b = f32x4.splat(load<f32>(bias + (i << 2)));
    for (let j = 0; j < cols; j += 8) {
      let s0 = b, s1 = b;
      let wp = w + i * wrs;
      let sp = src + (j << 2);
      for (let p = 0; p < k; p++) {
        const wv = v128.load32_splat(wp);
        s0 = madd(s0, wv, v128.load(sp));
        s1 = madd(s1, wv, v128.load(sp, 16));
        wp += wcs;
        sp += srcStride;
      }
      epilogue(z, a, mask, i * dstStride + (j << 2), s0, s1, zero);
    }
  }
}

/** Stores 8 accumulated columns of one row at byte offset o: Z as is, A through ReLU or the mask. */
// @ts-ignore: decorator
@inline function epilogue(z: i32, a: i32, mask: i32, o: i32, s0: v128, s1: v128, zero: v128): void {
  if (z) {
    v128.store(z + o, s0);
    v128.store(z + o, s1, 16);
  }
  if (mask) {
    s0 = v128.and(s0, f32x4.gt(v128.load(mask + o), zero));
    s1 = v128.and(s1, f32x4.gt(v128.load(mask + o, 16), zero));
  } else {
    s0 = f32x4.max(s0, zero);
    s1 = f32x4.max(s1, zero);
  }
  v128.store(a + o, s0);
  v128.store(a + o, s1, 16);
}

/**
 * dW(i, p) += scale·Σ_j dz(i, j)·ap(p, j) and db(i) += scale·Σ_j dz(i, j), row-major at float indices dW and db;
 * dz and ap have `stride` floats per row. One row of dZ against 4 rows of A_{l-1} per pass.
 */
export function weightGrad(dz: i32, ap: i32, n: i32, k: i32, stride: i32, cols: i32, dW: i32, db: i32, scale: f32): void {
  dz <<= 2; ap <<= 2; stride <<= 2; dW <<= 2; db <<= 2;
  for (let i = 0; i < n; i++) {
    const row = dz + i * stride;
    let acc = f32x4.splat(0);
    for (let j = 0, dp = row; j < cols; j += 4, dp += 16) acc = f32x4.add(acc, v128.load(dp));
    addScaled(db + (i << 2), acc, scale);
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let aRow = ap + p * stride;
      for (let j = 0, dp = row; j < cols; j += 4, dp += 16, aRow += 16) {
        const d = v128.load(dp);
        a0 = madd(a0, d, v128.load(aRow));
        a1 = madd(a1, d, v128.load(aRow + stride));
        a2 = madd(a2, d, v128.load(aRow + 2 * stride));
        a3 = madd(a3, d, v128.load(aRow + 3 * stride));
      }
      const out = dW + ((i * k + p) << 2);
      addScaled(out, a0, scale);
      addScaled(out + 4, a1, scale);
      addScaled(out + 8, a2, scale);
      addScaled(out + 12, a3, scale);
    }
    for (; p < k; p++) {
      let a0 = f32x4.splat(0);
      let aRow = ap + p * stride;
      for (let j = 0, dp = row; j < cols; j += 4, dp += 16, aRow += 16) a0 = madd(a0, v128.load(dp), v128.load(aRow));
      addScaled(dW + ((i * k + p) << 2), a0, scale);
    }
  }
}

/** *at += scale·(the sum of v's lanes, added as (l0 + l1) + (l2 + l3)). */
// @ts-ignore: decorator
@inline function addScaled(at: i32, v: v128, scale: f32): void {
  const sum = (f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1)) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
  store<f32>(at, load<f32>(at) + sum * scale);
}
