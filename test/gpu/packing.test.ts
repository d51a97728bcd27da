// The layout module on the CPU: every packed copy and index map puts each flat entry in exactly one place, leaves
// padding zero, and unpacks to its input; the row layouts never overlap.
import { describe, expect, it } from 'vitest';
import { initialization } from '../../src/reference/init.ts';
import {
  batchRows,
  cacheRowOffsets,
  forEachEntry,
  gradBlocks,
  gradSources,
  layeredRows,
  NONE,
  packDestinations,
  packedBlocks,
  packFusedParams,
  packTransposed,
  transposedDestinations,
  transposedOffsets,
  updateMaps,
} from '../../src/gpu/packing.ts';
import { flatten, paramLayout, unflatten } from '../../src/model/flat-layout.ts';

const DIMS = [
  [13, 64, 32, 16, 1],
  [3, 1],
  [1, 1],
  [5, 7, 3, 2],
  [20, 33, 17],
  [2, 70, 3],
  [4, 4, 4],
];

/** Distinct, non-integer parameter values, so a swapped pair or a dropped entry shows. */
function paramsFor(dims: number[]) {
  const params = initialization(dims, { seed: 5 });
  let v = 1;
  for (const W of params.W) for (let i = 0; i < W.data.length; i++) W.data[i] = Math.fround(v++ + 0.25);
  for (const b of params.b) for (let i = 0; i < b.length; i++) b[i] = Math.fround(v++ + 0.5);
  return params;
}

/** Checks that the non-NONE values of `map` are distinct and below `size`, and returns how many there are. */
function expectInjective(map: Uint32Array, size: number, what: string): number {
  const seen = new Set<number>();
  for (const q of map) {
    if (q === NONE) continue;
    expect(q, `${what}: index past the end`).toBeLessThan(size);
    expect(seen.has(q), `${what}: index ${q} hit twice`).toBe(false);
    seen.add(q);
  }
  return seen.size;
}

describe.each(DIMS)('the layout of dims %j', (...dims) => {
  const layout = paramLayout(dims);
  const params = paramsFor(dims);
  const flat = flatten(layout, params.W, params.b);
  const entries = dims.slice(1).reduce((a, n, l) => a + n * (dims[l] + 1), 0);

  it('flat: flatten then unflatten gives the parameters back, padding zero, every entry once', () => {
    const back = unflatten(layout, flat);
    back.W.forEach((W, l) => expect(Array.from(W.data)).toEqual(Array.from(params.W[l].data)));
    back.b.forEach((b, l) => expect(Array.from(b)).toEqual(Array.from(params.b[l])));
    const hit = new Uint8Array(layout.size);
    forEachEntry(layout, (at) => hit[at]++);
    expect(hit.reduce((a, h) => a + h, 0)).toBe(entries);
    hit.forEach((h, i) => {
      expect(h, `flat index ${i}`).toBeLessThanOrEqual(1);
      if (h === 0) expect(flat[i], `padding at ${i}`).toBe(0);
    });
    expect(layout.wOffset.every((o) => o % 64 === 0) && layout.bOffset.every((o) => o % 64 === 0)).toBe(true);
  });

  it('packed: each flat entry lands in one place of P, which unpacks to it, and the rest of P is zero', () => {
    const { P } = packFusedParams(params);
    expect(P.length).toBe(packedBlocks(dims).size * 4);
    const dst = packDestinations(layout);
    expect(expectInjective(dst, P.length, 'packDestinations')).toBe(entries);
    const placed = new Set<number>();
    dst.forEach((q, i) => {
      if (q === NONE) return;
      expect(P[q], `flat ${i} → P[${q}]`).toBe(Math.fround(flat[i]));
      placed.add(q);
    });
    P.forEach((v, q) => {
      if (!placed.has(q)) expect(v, `P padding at ${q}`).toBe(0);
    });
  });

  it('transposed: every W entry lands once in WT, biases nowhere, the rest zero', () => {
    const WT = packTransposed(layout, flat);
    const dst = transposedDestinations(layout);
    const weights = dims.slice(1).reduce((a, n, l) => a + n * dims[l], 0);
    expect(expectInjective(dst, WT.length, 'transposedDestinations')).toBe(weights);
    let nonzero = 0;
    WT.forEach((v) => (nonzero += v !== 0 ? 1 : 0));
    expect(nonzero).toBe(weights);
    forEachEntry(layout, (at, l, j, p) => {
      const q = dst[at];
      if (p === dims[l - 1]) expect(q).toBe(NONE);
      else expect(WT[q]).toBe(Math.fround(params.W[l - 1].data[j * dims[l - 1] + p]));
    });
    expect(transposedOffsets(dims).size * 4).toBeLessThanOrEqual(WT.length);
  });

  it('gradients: each entry reads its own partial sum, in its own 4×4 block', () => {
    const chunks = 3;
    const src = gradSources(layout, chunks);
    const { blocks } = gradBlocks(dims);
    expect(expectInjective(src, blocks * chunks * 16, 'gradSources')).toBe(entries);
    // The chunk sums of one entry are 16 floats apart and never collide with another entry's first sum.
    for (const q of src) if (q !== NONE) expect(Math.floor(q / 16) % chunks).toBe(0);
    const maps = updateMaps(layout, chunks);
    expect(maps.length).toBe(4 * layout.size);
    for (let i = 0; i < layout.size; i++) expect(maps[4 * i]).toBe(src[i]);
  });

  it('rows: the cache, the X copy and dZ rows are disjoint and cover their buffers', () => {
    const rows = batchRows(dims);
    const { offsets, total } = cacheRowOffsets(dims);
    expect(rows.z).toEqual(offsets);
    const spans = dims.slice(1).flatMap((n, l) => [
      [rows.z[l], n],
      [rows.z[l] + n, n],
    ]);
    spans.push([rows.x, dims[0]]);
    const used = new Uint8Array(rows.acts);
    for (const [start, n] of spans) for (let r = start; r < start + n; r++) used[r]++;
    expect(Array.from(used).every((u) => u === 1)).toBe(true);
    expect(rows.x).toBe(total);
    const dz = new Uint8Array(rows.dzRows);
    dims.slice(1).forEach((n, l) => {
      for (let r = rows.dz[l]; r < rows.dz[l] + n; r++) dz[r]++;
    });
    expect(Array.from(dz).every((u) => u === 1)).toBe(true);
  });

  it('layered rows: 256-byte aligned, disjoint, each layer of n·stride floats', () => {
    for (const stride of [4, 128, 132]) {
      const { offsets, size } = layeredRows(dims, stride);
      offsets.forEach((o, l) => {
        expect(o % 64).toBe(0);
        const end = o + dims[l + 1] * stride;
        expect(end).toBeLessThanOrEqual(l + 1 < offsets.length ? offsets[l + 1] : size);
      });
    }
  });
});
