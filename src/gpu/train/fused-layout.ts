// Where the fused trainer keeps things: rows of the activation and dZ buffers, the weight-gradient block table,
// and the index maps the one update kernel uses (flat parameter → partial sums, flat parameter → packed copy).
import { cacheRowOffsets, packFusedParams } from '../fused.ts';
import { matrix } from '../../model/matrix.ts';
import { paramLayout, type ParamLayout } from '../../model/flat-layout.ts';

/** Marks "no such entry" in the u32 maps (padding of the flat vector or of the packed copy). */
export const NONE = 0xffffffff;

/** Row offsets (in rows of `stride` columns) of one batch's activations and gradients. */
export interface BatchRows {
  /** Z_l's first row in the activation buffer, l = 1…L (the fused kernel's packed cache; A_l follows Z_l). */
  readonly z: readonly number[];
  /** The X copy's first row, after the cache. */
  readonly x: number;
  /** Rows of the activation buffer: the cache, then X. */
  readonly acts: number;
  /** dZ_l's first row in the dZ buffer, l = 1…L. */
  readonly dz: readonly number[];
  /** Rows of the dZ buffer. */
  readonly dzRows: number;
}

/** The row layout for `dims`. */
export function batchRows(dims: readonly number[]): BatchRows {
  const { offsets, total } = cacheRowOffsets(dims);
  const dz: number[] = [];
  let rows = 0;
  for (let l = 1; l < dims.length; l++) {
    dz.push(rows);
    rows += dims[l];
  }
  return { z: offsets, x: total, acts: total + dims[0], dz, dzRows: rows };
}

/** weight_grad4's per-layer table and the block count, for batch matrices `stride` columns wide. */
export function blockTable(dims: readonly number[], stride: number): { table: Uint32Array; blocks: number; first: number[]; perRow: number[] } {
  const rows = batchRows(dims);
  const L = dims.length - 1;
  const table = new Uint32Array(8 * L);
  const first: number[] = [];
  const perRow: number[] = [];
  let blocks = 0;
  const s4 = stride / 4;
  for (let l = 1; l <= L; l++) {
    const [n, k] = [dims[l], dims[l - 1]];
    first.push(blocks);
    perRow.push(Math.ceil((k + 1) / 4));
    const aRow = l === 1 ? rows.x : rows.z[l - 2] + dims[l - 1];
    table.set([blocks, perRow[l - 1], n, k, aRow * s4, rows.dz[l - 1] * s4], 8 * (l - 1));
    blocks += Math.ceil(n / 4) * perRow[l - 1];
  }
  return { table, blocks, first, perRow };
}

/** For each flat entry (W_l[j][p] or b_l[j] as p = k), the f32 index of its first partial sum; NONE for padding. */
export function gradSources(dims: readonly number[], chunks: number): Uint32Array {
  const layout = paramLayout(dims);
  const { first, perRow } = blockTable(dims, 4);
  const src = new Uint32Array(layout.size).fill(NONE);
  for (let l = 1; l < dims.length; l++) {
    const [n, k] = [dims[l], dims[l - 1]];
    for (let j = 0; j < n; j++) {
      for (let p = 0; p <= k; p++) {
        const blk = first[l - 1] + Math.floor(j / 4) * perRow[l - 1] + Math.floor(p / 4);
        const at = p === k ? layout.bOffset[l - 1] + j : layout.wOffset[l - 1] + j * k + p;
        src[at] = blk * chunks * 16 + (j % 4) * 4 + (p % 4);
      }
    }
  }
  return src;
}

/**
 * For each flat entry, its index in packFusedParams' layout, found by packing the entries' own indices, so the
 * map follows that layout whatever it becomes (it must stay a placement of each value, zeros elsewhere).
 */
export function packDestinations(layout: ParamLayout): Uint32Array {
  const { dims } = layout;
  const tag = (at: number): number => at + 1;
  const W = dims.slice(1).map((n, l) => matrix(n, dims[l], Float64Array.from({ length: n * dims[l] }, (_, i) => tag(layout.wOffset[l] + i))));
  const b = dims.slice(1).map((n, l) => Float64Array.from({ length: n }, (_, j) => tag(layout.bOffset[l] + j)));
  const { P } = packFusedParams({ dims: [...dims], W, b });
  const dst = new Uint32Array(layout.size).fill(NONE);
  P.forEach((v, q) => {
    if (v > 0) dst[v - 1] = q;
  });
  return dst;
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
  const { dims } = layout;
  const { offsets } = transposedOffsets(dims);
  const dst = new Uint32Array(layout.size).fill(NONE);
  for (let l = 1; l < dims.length; l++) {
    const [n, k] = [dims[l], dims[l - 1]];
    for (let j = 0; j < n; j++) {
      for (let p = 0; p < k; p++) dst[layout.wOffset[l - 1] + j * k + p] = (offsets[l - 1] + Math.floor(j / 4) * k + p) * 4 + (j % 4);
    }
  }
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

/** backward_fused's per-layer table: n, k, W_l in WT, dZ_l in dZ, Z_l and A_l in acts (vec4 offsets), 2 unused. */
export function backwardTable(dims: readonly number[], stride: number): Uint32Array {
  const rows = batchRows(dims);
  const { offsets } = transposedOffsets(dims);
  const s4 = stride / 4;
  const L = dims.length - 1;
  const table = new Uint32Array(8 * L);
  for (let l = 1; l <= L; l++) {
    const z = rows.z[l - 1];
    table.set([dims[l], dims[l - 1], offsets[l - 1], rows.dz[l - 1] * s4, z * s4, (z + dims[l]) * s4], 8 * (l - 1));
  }
  return table;
}

/** train_update's per-entry maps as vec4<u32>s: gradient source, packed-copy index, transposed-copy index, unused. */
export function updateMaps(layout: ParamLayout, chunks: number): Uint32Array {
  const columns = [gradSources(layout.dims, chunks), packDestinations(layout), transposedDestinations(layout)];
  const maps = new Uint32Array(4 * layout.size).fill(NONE);
  columns.forEach((column, c) => column.forEach((v, i) => (maps[4 * i + c] = v)));
  return maps;
}
