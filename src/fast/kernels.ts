// The fast CPU backend's two kernels, behind one interface with two builds: WebAssembly SIMD (the default, written
// in AssemblyScript in assembly/kernels.ts and compiled by tools/build-kernels.mjs) and blocked float32 JavaScript
// (where the engine has no wasm SIMD). Both work on one float32 memory, addressed in floats; every column count is a
// multiple of COLUMN_ALIGN, so the SIMD build needs no tail code.
import { KERNELS_RELAXED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels-wasm.ts';

/** Columns of every buffer are padded to a multiple of this (two f32x4 vectors). */
export const COLUMN_ALIGN = 8;

/** Which build runs: WebAssembly SIMD, the same with relaxed-SIMD fused multiply-adds, or JavaScript. */
export type KernelBuild = 'wasm-simd' | 'wasm-relaxed-simd' | 'js';

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

/** One compiled build: its bytes (decoded from base64 once), whether the engine validates it, its module. */
class WasmBuild {
  private bytes?: Uint8Array<ArrayBuffer>;
  private valid?: boolean;
  private module?: Promise<WebAssembly.Module | null>;

  constructor(private readonly base64: string) {}

  available(): boolean {
    this.valid ??= typeof WebAssembly !== 'undefined' && WebAssembly.validate(this.decoded());
    return this.valid;
  }

  compiled(): Promise<WebAssembly.Module | null> {
    this.module ??= this.available() ? WebAssembly.compile(this.decoded()) : Promise.resolve(null);
    return this.module;
  }

  private decoded(): Uint8Array<ArrayBuffer> {
    if (!this.bytes) {
      const text = atob(this.base64);
      this.bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) this.bytes[i] = text.charCodeAt(i);
    }
    return this.bytes;
  }
}

const SIMD = new WasmBuild(KERNELS_WASM_BASE64);
const RELAXED = new WasmBuild(KERNELS_RELAXED_WASM_BASE64);

/** Whether this engine validates the relaxed-SIMD kernels (Chromium does; Node 20 only with a flag). */
export function relaxedSimdAvailable(): boolean {
  return RELAXED.available();
}

/** The build {@link createKernels} takes by default on this engine. */
export function defaultBuild(): KernelBuild {
  return RELAXED.available() ? 'wasm-relaxed-simd' : SIMD.available() ? 'wasm-simd' : 'js';
}

/**
 * Kernels on a fresh memory of at least `floats` floats. By default the fastest build the engine validates: relaxed
 * SIMD (fused multiply-adds; 3–11 % faster forward, 2–3 % faster epochs, bench/CPU.md), else SIMD, else JavaScript.
 * `build` forces one; a relaxed or SIMD build the engine lacks falls back the same way.
 */
export async function createKernels(floats: number, build?: KernelBuild): Promise<Kernels> {
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((floats * 4) / 65536)) });
  const relaxed = (build === undefined || build === 'wasm-relaxed-simd') && RELAXED.available();
  const module = build === 'js' ? null : await (relaxed ? RELAXED : SIMD).compiled();
  if (!module) return jsKernels(memory);
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const e = instance.exports as unknown as Pick<Kernels, 'dense' | 'weightGrad'>;
  return { build: relaxed ? 'wasm-relaxed-simd' : 'wasm-simd', memory, dense: e.dense, weightGrad: e.weightGrad };
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
