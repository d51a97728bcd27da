// Where every GPU path keeps things, computed from the dims alone (pure TypeScript, no GPU code): the fused
// kernels' packed parameters and transposed weights, the rows of the cache and dZ buffers, the per-layer tables,
// and the index maps the update kernel uses. Every generator, trainer and the forward path import it.
import type { ParamLayout } from '../model/flat-layout.ts';
import type { Params } from '../model/params.ts';

/** Marks "no such entry" in the u32 maps (padding of the flat vector or of a packed copy). */
export const NONE = 0xffffffff;

/** `n` rounded up to a multiple of 4 (one vec4). */
export const pad4 = (n: number): number => Math.ceil(n / 4) * 4;

/** Rows of the packed cache [Z1, A1, …, ZL, AL] in front of each Z_l, and in total. */
export function cacheRowOffsets(dims: readonly number[]): { offsets: number[]; total: number } {
  const offsets: number[] = [];
  let rows = 0;
  for (let l = 1; l < dims.length; l++) {
    offsets.push(rows);
    rows += 2 * dims[l];
  }
  return { offsets, total: rows };
}

/**
 * The fused kernels' parameter blocks: per layer and group g of 4 output units, pad4(k) vec4s holding
 * W[4g..4g+3][p], then one vec4 of the 4 biases. Offsets and size in vec4s.
 */
export function packedBlocks(dims: readonly number[]): { offsets: number[]; size: number } {
  const offsets: number[] = [];
  let size = 0;
  for (let l = 1; l < dims.length; l++) {
    offsets.push(size);
    size += Math.ceil(dims[l] / 4) * (pad4(dims[l - 1]) + 1);
  }
  return { offsets, size };
}

/** W_l[j][p] (p < k) or b_l[j] (p = k): its f32 index in the packed blocks. */
function packedIndex(dims: readonly number[], blocks: readonly number[], l: number, j: number, p: number): number {
  const kPad = pad4(dims[l - 1]);
  const base = (blocks[l - 1] + Math.floor(j / 4) * (kPad + 1)) * 4;
  return base + 4 * (p === dims[l - 1] ? kPad : p) + (j % 4);
}

/** The parameters in the packed layout (zeros in padding), and the shape table mlp_fused.wgsl reads. */
export function packFusedParams(params: Params): { P: Float32Array<ArrayBuffer>; shape: Uint32Array } {
  const { dims } = params;
  const { offsets, size } = packedBlocks(dims);
  const P = new Float32Array(size * 4);
  for (let l = 1; l < dims.length; l++) {
    const [n, k] = [dims[l], dims[l - 1]];
    const W = params.W[l - 1].data;
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < k; p++) P[packedIndex(dims, offsets, l, j, p)] = W[j * k + p];
      P[packedIndex(dims, offsets, l, j, k)] = params.b[l - 1][j];
    }
  }
  return { P, shape: Uint32Array.from([...dims, ...offsets, ...cacheRowOffsets(dims).offsets]) };
}

/** For each flat entry (model/flat-layout.ts), its f32 index in the packed blocks; NONE for padding. */
export function packDestinations(layout: ParamLayout): Uint32Array {
  const { dims } = layout;
  const { offsets } = packedBlocks(dims);
  const dst = new Uint32Array(layout.size).fill(NONE);
  forEachEntry(layout, (at, l, j, p) => (dst[at] = packedIndex(dims, offsets, l, j, p)));
  return dst;
}

/** Calls `f(flat index, l, j, p)` for every W_l[j][p] and every b_l[j] (as p = k) of the flat layout. */
export function forEachEntry(layout: ParamLayout, f: (at: number, l: number, j: number, p: number) => void): void {
  const { dims } = layout;
  for (let l = 1; l < dims.length; l++) {
    const [n, k] = [dims[l], dims[l - 1]];
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < k; p++) f(layout.wOffset[l - 1] + j * k + p, l, j, p);
      f(layout.bOffset[l - 1] + j, l, j, k);
    }
  }
}

/** backward_fused's copy of every W_l: per group g of 4 units, k vec4s holding W[4g..4g+3][p]; offsets in vec4s. */
export function transposedOffsets(dims: readonly number[]): { offsets: number[]; size: number } {
  const offsets: number[] = [];
  let at = 0;
  for (let l = 1; l < dims.length; l++) {
    offsets.push(at);
    at += Math.ceil(dims[l] / 4) * dims[l - 1];
  }
  return { offsets, size: at };
}

/** Each flat W entry's f32 index in the transposed copy; NONE for biases and padding. */
export function transposedDestinations(layout: ParamLayout): Uint32Array {
  const { offsets } = transposedOffsets(layout.dims);
  const dst = new Uint32Array(layout.size).fill(NONE);
  forEachEntry(layout, (at, l, j, p) => {
    if (p < layout.dims[l - 1]) dst[at] = (offsets[l - 1] + Math.floor(j / 4) * layout.dims[l - 1] + p) * 4 + (j % 4);
  });
  return dst;
}

/** The transposed copy of the flat parameters `flat` (zeros for units past n). */
export function packTransposed(layout: ParamLayout, flat: ArrayLike<number>): Float32Array<ArrayBuffer> {
  const dst = transposedDestinations(layout);
  const out = new Float32Array(Math.max(4, transposedOffsets(layout.dims).size * 4));
  dst.forEach((q, i) => {
    if (q !== NONE) out[q] = flat[i];
  });
  return out;
}

/**
 * Row offsets (in rows of `stride` columns) of one batch's activations and gradients on the fused path, for K
 * models: model i's cache starts i·cacheRows rows in, its dZ i·dzRows rows in; X is shared, after every cache.
 */
export interface BatchRows {
  /** Z_l's first row within a model's cache, l = 1…L (A_l follows Z_l). */
  readonly z: readonly number[];
  /** Rows of one model's cache [Z1, A1, …, ZL, AL]. */
  readonly cacheRows: number;
  /** The shared X copy's first row, after the K caches. */
  readonly x: number;
  /** Rows of the activation buffer: K caches, then X. */
  readonly acts: number;
  /** dZ_l's first row within a model's dZ, l = 1…L. */
  readonly dz: readonly number[];
  /** Rows of one model's dZ. */
  readonly dzRows: number;
}

/** The fused path's row layout for `dims` and `models` models. */
export function batchRows(dims: readonly number[], models = 1): BatchRows {
  const { offsets, total } = cacheRowOffsets(dims);
  const dz: number[] = [];
  let rows = 0;
  for (let l = 1; l < dims.length; l++) {
    dz.push(rows);
    rows += dims[l];
  }
  return { z: offsets, cacheRows: total, x: models * total, acts: models * total + dims[0], dz, dzRows: rows };
}

/** weight_grad4's 4×4 blocks of [dW_l | db_l]: each layer's first block and blocks per row of units. */
export function gradBlocks(dims: readonly number[]): { first: number[]; perRow: number[]; blocks: number } {
  const first: number[] = [];
  const perRow: number[] = [];
  let blocks = 0;
  for (let l = 1; l < dims.length; l++) {
    first.push(blocks);
    perRow.push(Math.ceil((dims[l - 1] + 1) / 4));
    blocks += Math.ceil(dims[l] / 4) * perRow[l - 1];
  }
  return { first, perRow, blocks };
}

/** For each flat entry, the f32 index of its first partial sum in weight_grad4's output; NONE for padding. */
export function gradSources(layout: ParamLayout, chunks: number): Uint32Array {
  const { first, perRow } = gradBlocks(layout.dims);
  const src = new Uint32Array(layout.size).fill(NONE);
  forEachEntry(layout, (at, l, j, p) => {
    const blk = first[l - 1] + Math.floor(j / 4) * perRow[l - 1] + Math.floor(p / 4);
    src[at] = blk * chunks * 16 + (j % 4) * 4 + (p % 4);
  });
  return src;
}

/** train_update's per-entry maps as vec4<u32>s: gradient source, packed-copy index, transposed-copy index, unused. */
export function updateMaps(layout: ParamLayout, chunks: number): Uint32Array {
  const columns = [gradSources(layout, chunks), packDestinations(layout), transposedDestinations(layout)];
  const maps = new Uint32Array(4 * layout.size).fill(NONE);
  columns.forEach((column, c) => column.forEach((v, i) => (maps[4 * i + c] = v)));
  return maps;
}

/** The layered path's batch buffers: Z_l, mask_l and dZ_l each start on a 64-float (256-byte) boundary. */
export function layeredRows(dims: readonly number[], stride: number): { offsets: number[]; size: number } {
  const offsets: number[] = [];
  let at = 0;
  for (let l = 1; l < dims.length; l++) {
    offsets.push(at);
    at += Math.ceil((dims[l] * stride) / 64) * 64;
  }
  return { offsets, size: at };
}
