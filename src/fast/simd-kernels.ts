// The two fast CPU kernels in WebAssembly 128-bit SIMD: a dense layer with its epilogue and the weight gradient.
// Emitted instruction by instruction with wasm-encoder.ts; kernels.ts documents what each computes.
import { F32, FnBuilder, I32, encodeModule, V128 } from './wasm-encoder.ts';

/** Rows of W per register block of the dense kernel (bench/CPU.md: 4 measured best of 2, 4 and 6). */
export const ROW_BLOCK = 4;
/** f32x4 vectors of columns per register block: 2, so 8 examples (COLUMN_ALIGN in kernels.ts). */
const COL_VECTORS = 2;
/** Rows of A_{l-1} per register block in the weight gradient. */
const GRAD_BLOCK = 4;

/**
 * dense(w, wrs, wcs, bias, n, k, src, srcStride, z, a, mask, dstStride, cols), every argument a float index or a
 * count: acc = bias + W·src over `cols` columns (a multiple of 8), W(i, p) at w + i·wrs + p·wcs; z (if ≠ 0) gets acc;
 * a gets max(acc, 0), or acc where mask > 0 when mask ≠ 0. Registers: ROW_BLOCK rows × 8 columns of accumulators.
 */
function denseFn(rowBlock: number): FnBuilder {
  const f = new FnBuilder('dense', [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32]);
  const [w, wrs, wcs, bias, n, k, src, srcStride, z, a, mask, dstStride, cols] = f.params.map((_, i) => f.param(i));
  for (const byteArg of [w, wrs, wcs, bias, src, srcStride, z, a, mask, dstStride]) f.get(byteArg).i32(2).shl().set(byteArg);
  const [i, j, p, wp, sp, o] = [f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32), f.local(I32)];
  const wrsTimes = Array.from({ length: rowBlock }, (_, r) => (r < 2 ? -1 : f.local(I32)));
  for (let r = 2; r < rowBlock; r++) f.get(wrs).i32(r).mul().set(wrsTimes[r]);
  const acc = Array.from({ length: rowBlock }, () => Array.from({ length: COL_VECTORS }, () => f.local(V128)));
  const [x0, x1, wv, zero] = [f.local(V128), f.local(V128), f.local(V128), f.local(V128)];
  f.v128Zero().set(zero);
  f.i32(0).set(i);
  for (const rows of [rowBlock, 1]) {
    f.loopUntil(
      () => f.get(i).i32(rows).add().get(n).gtU(),
      () => {
        f.i32(0).set(j);
        f.loopUntil(
          () => f.get(j).get(cols).geU(),
          () => {
            for (let r = 0; r < rows; r++)
              f.get(bias)
                .get(i)
                .i32(2)
                .shl()
                .add()
                .f32Load(4 * r)
                .f32x4Splat()
                .tee(acc[r][0])
                .set(acc[r][1]);
            f.get(w).get(i).get(wrs).mul().add().set(wp);
            f.get(src).get(j).i32(2).shl().add().set(sp);
            f.i32(0).set(p);
            f.loopUntil(
              () => f.get(p).get(k).geU(),
              () => {
                f.get(sp).v128Load(0).set(x0);
                f.get(sp).v128Load(16).set(x1);
                for (let r = 0; r < rows; r++) {
                  f.get(wp);
                  if (r === 1) f.get(wrs).add();
                  if (r > 1) f.get(wrsTimes[r]).add();
                  f.v128LoadSplat32().set(wv);
                  f.get(acc[r][0]).get(wv).get(x0).f32x4Mul().f32x4Add().set(acc[r][0]);
                  f.get(acc[r][1]).get(wv).get(x1).f32x4Mul().f32x4Add().set(acc[r][1]);
                }
                f.inc(wp, { local: wcs }).inc(sp, { local: srcStride }).inc(p, 1);
              },
            );
            for (let r = 0; r < rows; r++) {
              f.get(i).i32(r).add().get(dstStride).mul().get(j).i32(2).shl().add().set(o);
              f.ifThen(
                () => f.get(z),
                () => {
                  f.get(z).get(o).add().get(acc[r][0]).v128Store(0);
                  f.get(z).get(o).add().get(acc[r][1]).v128Store(16);
                },
              );
              f.ifThen(
                () => f.get(mask),
                () => {
                  for (const [h, off] of [
                    [0, 0],
                    [1, 16],
                  ]) {
                    f.get(acc[r][h]).get(mask).get(o).add().v128Load(off).get(zero).f32x4Gt().v128And().set(acc[r][h]);
                  }
                },
              );
              f.ifThen(
                () => f.get(mask).eqz(),
                () => {
                  for (const h of [0, 1]) f.get(acc[r][h]).get(zero).f32x4Max().set(acc[r][h]);
                },
              );
              f.get(a).get(o).add().get(acc[r][0]).v128Store(0);
              f.get(a).get(o).add().get(acc[r][1]).v128Store(16);
            }
            f.inc(j, 8);
          },
        );
        f.inc(i, rows);
      },
    );
  }
  return f;
}

/**
 * weightGrad(dz, ap, n, k, stride, cols, dW, db, scale): dW(i, p) += scale·Σ_j dz(i, j)·ap(p, j) and
 * db(i) += scale·Σ_j dz(i, j), both row-major at float indices dW and db; dz and ap have `stride` floats per row.
 */
function weightGradFn(): FnBuilder {
  const f = new FnBuilder('weightGrad', [I32, I32, I32, I32, I32, I32, I32, I32, F32]);
  const [dz, ap, n, k, stride, cols, dW, db, scale] = f.params.map((_, i) => f.param(i));
  for (const byteArg of [dz, ap, stride, dW, db]) f.get(byteArg).i32(2).shl().set(byteArg);
  const [i, j, p, row, dp, aRow, out] = Array.from({ length: 7 }, () => f.local(I32));
  const strideTimes = [0, 1, 2, 3].map((q) => (q < 2 ? -1 : f.local(I32)));
  for (let q = 2; q < GRAD_BLOCK; q++) f.get(stride).i32(q).mul().set(strideTimes[q]);
  const acc = Array.from({ length: GRAD_BLOCK }, () => f.local(V128));
  const d = f.local(V128);
  const hsumInto = (v: number, addr: () => void): void => {
    addr();
    addr();
    f.f32Load().get(v).f32x4Lane(0).get(v).f32x4Lane(1).f32Add().get(v).f32x4Lane(2).get(v).f32x4Lane(3).f32Add().f32Add();
    f.get(scale).f32Mul().f32Add().f32Store();
  };
  f.i32(0).set(i);
  f.loopUntil(
    () => f.get(i).get(n).geU(),
    () => {
      f.get(dz).get(i).get(stride).mul().add().set(row);
      f.v128Zero().set(acc[0]);
      f.get(row).set(dp).i32(0).set(j);
      f.loopUntil(
        () => f.get(j).get(cols).geU(),
        () => {
          f.get(acc[0]).get(dp).v128Load().f32x4Add().set(acc[0]);
          f.inc(dp, 16).inc(j, 4);
        },
      );
      hsumInto(acc[0], () => f.get(db).get(i).i32(2).shl().add());
      f.i32(0).set(p);
      for (const block of [GRAD_BLOCK, 1]) {
        f.loopUntil(
          () => f.get(p).i32(block).add().get(k).gtU(),
          () => {
            for (let q = 0; q < block; q++) f.v128Zero().set(acc[q]);
            f.get(row).set(dp);
            f.get(ap).get(p).get(stride).mul().add().set(aRow);
            f.i32(0).set(j);
            f.loopUntil(
              () => f.get(j).get(cols).geU(),
              () => {
                f.get(dp).v128Load().set(d);
                for (let q = 0; q < block; q++) {
                  f.get(acc[q]).get(d).get(aRow);
                  if (q === 1) f.get(stride).add();
                  if (q > 1) f.get(strideTimes[q]).add();
                  f.v128Load().f32x4Mul().f32x4Add().set(acc[q]);
                }
                f.inc(dp, 16).inc(aRow, 16).inc(j, 4);
              },
            );
            f.get(dW).get(i).get(k).mul().get(p).add().i32(2).shl().add().set(out);
            for (let q = 0; q < block; q++)
              hsumInto(acc[q], () =>
                f
                  .get(out)
                  .i32(4 * q)
                  .add(),
              );
            f.inc(p, block);
          },
        );
      }
      f.inc(i, 1);
    },
  );
  return f;
}

/** The kernels module's bytes; `rowBlock` other than ROW_BLOCK is for bench/cpu-node.ts's comparison. */
export function simdModuleBytes(rowBlock = ROW_BLOCK): Uint8Array<ArrayBuffer> {
  return encodeModule([denseFn(rowBlock), weightGradFn()]);
}
