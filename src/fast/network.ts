// One network in the kernels' memory: the flat parameters and gradient (src/model/flat-layout.ts) and the
// buffers of one chunk of columns, and the forward and backward passes over such a chunk.
import { type Matrix } from '../model/matrix.ts';
import { type ParamLayout, paramLayout, unflatten } from '../model/flat-layout.ts';
import type { Params } from '../model/params.ts';
import { COLUMN_ALIGN, type Kernels } from './kernels.ts';

/** Examples per chunk: wide enough to hide the calls, narrow enough that a chunk's activations stay in L2. */
export const CHUNK_COLUMNS = 256;

const alignUp = (n: number, a: number): number => Math.ceil(n / a) * a;

/** The network's buffers, as float indices into the kernels' memory (index 0 is never used: it means "none"). */
interface Buffers {
  readonly theta: number;
  readonly grad: number;
  readonly zeros: number;
  readonly x: number;
  readonly y: number;
  /** Per layer l (index l-1): Z_l, A_l and dZ_l of the chunk, each dims[l] rows of `stride` floats. */
  readonly z: number[];
  readonly a: number[];
  readonly dz: number[];
}

/** A network of `dims` on `kernels`; chunks hold at most `chunk` columns. */
export class FastNetwork {
  readonly layout: ParamLayout;
  readonly L: number;
  /** Floats per row of every chunk buffer. */
  readonly stride: number;
  private readonly buf: Buffers;

  constructor(
    readonly kernels: Kernels,
    readonly dims: readonly number[],
    readonly chunk = CHUNK_COLUMNS,
  ) {
    this.layout = paramLayout(dims);
    this.L = dims.length - 1;
    this.stride = alignUp(chunk, COLUMN_ALIGN);
    let at = COLUMN_ALIGN;
    const take = (floats: number): number => {
      const p = at;
      at = alignUp(at + floats, COLUMN_ALIGN);
      return p;
    };
    const rows = (l: number): number => dims[l] * this.stride;
    this.buf = {
      theta: take(this.layout.size),
      grad: take(this.layout.size),
      zeros: take(Math.max(...dims)),
      x: take(rows(0)),
      y: take(rows(this.L)),
      z: dims.slice(1).map((_, l) => take(rows(l + 1))),
      a: dims.slice(1).map((_, l) => take(rows(l + 1))),
      dz: dims.slice(1).map((_, l) => take(rows(l + 1))),
    };
    const need = at * 4;
    const have = kernels.memory.buffer.byteLength;
    if (need > have) kernels.memory.grow(Math.ceil((need - have) / 65536));
  }

  /** Floats of memory a network of `dims` needs: for sizing the kernels' memory up front. */
  static floatsFor(dims: readonly number[], chunk = CHUNK_COLUMNS): number {
    const s = alignUp(chunk, COLUMN_ALIGN);
    const units = dims.slice(1).reduce((t, n) => t + n, 0);
    return 2 * paramLayout(dims).size + Math.max(...dims) + s * (dims[0] + dims[dims.length - 1] + 3 * units) + 64 * COLUMN_ALIGN;
  }

  private get mem(): Float32Array {
    return new Float32Array(this.kernels.memory.buffer);
  }

  /** The flat parameters (a live view: valid until the memory grows, which it does only in the constructor). */
  theta(): Float32Array {
    return this.mem.subarray(this.buf.theta, this.buf.theta + this.layout.size);
  }

  /** The flat gradient of the last {@link backward} calls (a live view). */
  grad(): Float32Array {
    return this.mem.subarray(this.buf.grad, this.buf.grad + this.layout.size);
  }

  setParams(p: Params): void {
    const theta = this.theta();
    theta.fill(0);
    for (let l = 0; l < this.L; l++) {
      theta.set(p.W[l].data, this.layout.wOffset[l]);
      theta.set(p.b[l], this.layout.bOffset[l]);
    }
  }

  params(): Params {
    return unflatten(this.layout, this.theta());
  }

  /** Copies columns [j0, j0 + count) of `src` (rows × m) into the chunk buffer at `dst`, zeroing the padding. */
  private loadColumns(dst: number, src: Matrix, j0: number, count: number): void {
    const mem = this.mem;
    const padded = alignUp(count, COLUMN_ALIGN);
    for (let r = 0; r < src.rows; r++) {
      const o = dst + r * this.stride;
      mem.set(src.data.subarray(r * src.cols + j0, r * src.cols + j0 + count), o);
      mem.fill(0, o + count, o + padded);
    }
  }

  /** Columns order[start..start+count) of `src` into the chunk buffer at `dst` (a shuffled mini-batch). */
  private gatherColumns(dst: number, src: Matrix, order: ArrayLike<number>, start: number, count: number): void {
    const mem = this.mem;
    const padded = alignUp(count, COLUMN_ALIGN);
    const data = src.data;
    for (let r = 0; r < src.rows; r++) {
      const o = dst + r * this.stride;
      const row = r * src.cols;
      for (let j = 0; j < count; j++) mem[o + j] = data[row + order[start + j]];
      mem.fill(0, o + count, o + padded);
    }
  }

  /** Puts X's (and Y's) columns into the chunk: contiguous from `start`, or through `order` when given. */
  load(X: Matrix, Y: Matrix | null, start: number, count: number, order?: ArrayLike<number>): void {
    if (order) {
      this.gatherColumns(this.buf.x, X, order, start, count);
      if (Y) this.gatherColumns(this.buf.y, Y, order, start, count);
    } else {
      this.loadColumns(this.buf.x, X, start, count);
      if (Y) this.loadColumns(this.buf.y, Y, start, count);
    }
  }

  /** The forward pass over the chunk's first `count` columns; `keepZ` also stores every Z_l. */
  forward(count: number, keepZ: boolean): void {
    const cols = alignUp(count, COLUMN_ALIGN);
    const { theta, x, z, a } = this.buf;
    const { wOffset, bOffset } = this.layout;
    for (let l = 0; l < this.L; l++) {
      const k = this.dims[l];
      this.kernels.dense(
        theta + wOffset[l],
        k,
        1,
        theta + bOffset[l],
        this.dims[l + 1],
        k,
        l === 0 ? x : a[l - 1],
        this.stride,
        keepZ ? z[l] : 0,
        a[l],
        0,
        this.stride,
        cols,
      );
    }
  }

  /** Zeroes the gradient before a mini-batch's chunks are accumulated into it. */
  clearGrad(): void {
    this.grad().fill(0);
  }

  /**
   * Adds this chunk's share to the gradient, after forward(count, true): dZ_L = 2(A_L − Y) where Z_L > 0, then per
   * layer dW_l += scale·dZ_l·A_{l-1}ᵀ, db_l += scale·rowsum(dZ_l), dZ_{l-1} = (W_lᵀ·dZ_l) ⊙ (Z_{l-1} > 0).
   * `scale` is 1/(examples in the whole mini-batch), the reference's 1/m; `weights` (one per column, 0 on a model's
   * own fold, model/folds.ts) multiply dZ_L.
   */
  backward(count: number, scale: number, weights?: ArrayLike<number>): void {
    const cols = alignUp(count, COLUMN_ALIGN);
    const { theta, grad, zeros, x, y, z, a, dz } = this.buf;
    const { wOffset, bOffset } = this.layout;
    const L = this.L;
    const mem = this.mem;
    for (let r = 0; r < this.dims[L]; r++) {
      const o = r * this.stride;
      for (let j = 0; j < cols; j++) {
        const i = o + j;
        const d = j < count && mem[z[L - 1] + i] > 0 ? 2 * (mem[a[L - 1] + i] - mem[y + i]) : 0;
        mem[dz[L - 1] + i] = weights && j < count ? d * weights[j] : d;
      }
    }
    for (let l = L; l >= 1; l--) {
      const n = this.dims[l];
      const k = this.dims[l - 1];
      this.kernels.weightGrad(dz[l - 1], l === 1 ? x : a[l - 2], n, k, this.stride, cols, grad + wOffset[l - 1], grad + bOffset[l - 1], scale);
      if (l > 1) {
        // W_lᵀ read in place: row p of Wᵀ is column p of W (row stride 1, inner stride k).
        this.kernels.dense(theta + wOffset[l - 1], 1, k, zeros, k, n, dz[l - 1], this.stride, 0, dz[l - 2], z[l - 2], this.stride, cols);
      }
    }
  }

  /** Row r of the chunk's A_L (or of Z_l/A_l of layer l when asked), `count` values, as a view. */
  row(kind: 'z' | 'a', l: number, r: number, count: number): Float32Array {
    const base = (kind === 'z' ? this.buf.z : this.buf.a)[l - 1] + r * this.stride;
    return this.mem.subarray(base, base + count);
  }
}
