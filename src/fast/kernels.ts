// The fast CPU backend's two kernels, behind one interface with two builds: WebAssembly SIMD (the default, written
// in AssemblyScript in assembly/kernels.ts and compiled by tools/build-kernels.mjs) and blocked float32 JavaScript
// (where the engine has no wasm SIMD). Both work on one float32 memory, addressed in floats; every column count is a
// multiple of COLUMN_ALIGN, so the SIMD build needs no tail code.
import { KERNELS_WASM_BASE64 } from './kernels-wasm.ts';

/** Columns of every buffer are padded to a multiple of this (two f32x4 vectors). */
export const COLUMN_ALIGN = 8;

/** Which build runs. */
export type KernelBuild = 'wasm-simd' | 'js';

/** The kernels and the memory they address; every pointer and stride below is in floats. */
export interface Kernels {
  readonly build: KernelBuild;
  readonly memory: WebAssembly.Memory;
  /**
   * acc = bias + W·src over `cols` columns, W(i, p) at w + i·wrs + p·wcs (so wrs = 1, wcs = n reads Wᵀ);
   * z (when ≠ 0) gets acc; a gets max(acc, 0), or, when mask ≠ 0, acc where mask > 0 and 0 elsewhere.
   */
  dense(
    w: number,
    wrs: number,
    wcs: number,
    bias: number,
    n: number,
    k: number,
    src: number,
    srcStride: number,
    z: number,
    a: number,
    mask: number,
    dstStride: number,
    cols: number,
  ): void;
  /** dW(i, p) += scale·Σ_j dz(i, j)·ap(p, j) and db(i) += scale·Σ_j dz(i, j), over `cols` columns. */
  weightGrad(dz: number, ap: number, n: number, k: number, stride: number, cols: number, dW: number, db: number, scale: number): void;
}

let simdModule: Promise<WebAssembly.Module | null> | undefined;
let simdValid: boolean | undefined;
let simdBytes: Uint8Array<ArrayBuffer> | undefined;

/** The compiled kernels' bytes (decoded once from the generated module). */
function kernelBytes(): Uint8Array<ArrayBuffer> {
  if (!simdBytes) {
    const text = atob(KERNELS_WASM_BASE64);
    simdBytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) simdBytes[i] = text.charCodeAt(i);
  }
  return simdBytes;
}

/** Whether this engine validates the SIMD kernels (synchronously; compiling stays asynchronous). */
export function simdAvailable(): boolean {
  simdValid ??= typeof WebAssembly !== 'undefined' && WebAssembly.validate(kernelBytes());
  return simdValid;
}

/** The compiled SIMD module, or null where the engine does not validate it (no wasm SIMD). */
function compiledSimd(): Promise<WebAssembly.Module | null> {
  simdModule ??= (async () => {
    return simdAvailable() ? WebAssembly.compile(kernelBytes()) : null;
  })();
  return simdModule;
}

/** Kernels on a fresh memory of at least `floats` floats: the SIMD build unless `build` asks for JavaScript or wasm SIMD is missing. */
export async function createKernels(floats: number, build: KernelBuild = 'wasm-simd'): Promise<Kernels> {
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((floats * 4) / 65536)) });
  const module = build !== 'wasm-simd' ? null : await compiledSimd();
  if (!module) return jsKernels(memory);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const e = instance.exports as unknown as Pick<Kernels, 'dense' | 'weightGrad'>;
  return { build: 'wasm-simd', memory, dense: e.dense, weightGrad: e.weightGrad };
}

/** The same kernels in JavaScript, four rows by two columns per step (bench/CPU.md: the best blocking measured). */
function jsKernels(memory: WebAssembly.Memory): Kernels {
  const f = (): Float32Array => new Float32Array(memory.buffer);
  return {
    build: 'js',
    memory,
    dense(w, wrs, wcs, bias, n, k, src, srcStride, z, a, mask, dstStride, cols) {
      const M = f();
      // Rounded to float32 first, as the SIMD build and the GPU store it.
      const put = (o: number, sum: number): void => {
        const v = Math.fround(sum);
        if (z) M[z + o] = v;
        M[a + o] = mask ? (M[mask + o] > 0 ? v : 0) : v > 0 ? v : 0;
      };
      for (let i = 0; i < n; i += 4) {
        const rows = Math.min(4, n - i);
        const r1 = rows > 1 ? wrs : 0;
        const r2 = rows > 2 ? 2 * wrs : 0;
        const r3 = rows > 3 ? 3 * wrs : 0;
        const b0 = M[bias + i],
          b1 = M[bias + i + (rows > 1 ? 1 : 0)],
          b2 = M[bias + i + (rows > 2 ? 2 : 0)],
          b3 = M[bias + i + (rows > 3 ? 3 : 0)];
        for (let j = 0; j < cols; j += 2) {
          let s0 = b0,
            s1 = b1,
            s2 = b2,
            s3 = b3,
            t0 = b0,
            t1 = b1,
            t2 = b2,
            t3 = b3;
          let wp = w + i * wrs;
          for (let p = 0, sp = src + j; p < k; p++, sp += srcStride, wp += wcs) {
            const x = M[sp],
              y = M[sp + 1];
            const c0 = M[wp],
              c1 = M[wp + r1],
              c2 = M[wp + r2],
              c3 = M[wp + r3];
            s0 += c0 * x;
            s1 += c1 * x;
            s2 += c2 * x;
            s3 += c3 * x;
            t0 += c0 * y;
            t1 += c1 * y;
            t2 += c2 * y;
            t3 += c3 * y;
          }
          const o = i * dstStride + j;
          put(o, s0);
          put(o + 1, t0);
          if (rows > 1) {
            put(o + dstStride, s1);
            put(o + dstStride + 1, t1);
          }
          if (rows > 2) {
            put(o + 2 * dstStride, s2);
            put(o + 2 * dstStride + 1, t2);
          }
          if (rows > 3) {
            put(o + 3 * dstStride, s3);
            put(o + 3 * dstStride + 1, t3);
          }
        }
      }
    },
    weightGrad(dz, ap, n, k, stride, cols, dW, db, scale) {
      const M = f();
      for (let i = 0; i < n; i++) {
        const row = dz + i * stride;
        let s = 0;
        for (let j = 0; j < cols; j++) s += M[row + j];
        M[db + i] += Math.fround(s) * scale;
        for (let p = 0; p < k; p++) {
          const aRow = ap + p * stride;
          let t = 0;
          for (let j = 0; j < cols; j++) t += M[row + j] * M[aRow + j];
          M[dW + i * k + p] += Math.fround(t) * scale;
        }
      }
    },
  };
}
