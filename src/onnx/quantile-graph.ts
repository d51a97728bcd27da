// QuantileTransformer(output_distribution='normal') as ONNX nodes, in raw units (see encoder-graph.ts). Which
// segment of the K quantiles x falls in is counted in float32, where a raw value meets a tied quantile exactly;
// the place in the segment, the probability and Φ⁻¹ are computed in float64, and the result is float32 again.
import { type FittedPart, normalQuantile } from '../model/encoding.ts';
import type { GraphBuilder } from './graph.ts';
import { scaleFeature, type ScalerParams, unscaleFeature } from '../model/scaler.ts';
import { normalQuantileGraph } from './normal-quantile-graph.ts';

// QuantileTransformer's bound threshold and clip, as in model/encoding.ts.
const BOUNDS_THRESHOLD = 1e-7;
const CLIP = -normalQuantile(BOUNDS_THRESHOLD - 2 ** -52);
/** Quantiles are searched a block at a time: first among block starts, then inside the block. */
const BLOCK = 32;
const TO_FLOAT = { to: 1 };
const TO_DOUBLE = { to: 11 };
const TO_INT64 = { to: 7 };

/**
 * np.interp forward and backward through each column's K quantiles, averaged (sklearn's tie rule), then Φ⁻¹ and
 * the clip; a value within 1e-7 (scaled) of the first quantile or below it is −clip, of the last or above it +clip.
 */
export function quantileGraph(g: GraphBuilder, X: string, part: FittedPart & { kind: 'quantile' }, scaler: ScalerParams, name: string): string {
  const F = part.columns.length;
  const K = part.quantiles[0].length;
  const G = g.op('Gather', [X, g.ints(`${name}_cols`, [F], part.columns)], `${name}_x`, { axis: 1 });
  const loT = part.columns.map((f, i) => unscaleFeature(scaler, f, part.quantiles[i][0] + BOUNDS_THRESHOLD));
  const hiT = part.columns.map((f, i) => unscaleFeature(scaler, f, part.quantiles[i][K - 1] - BOUNDS_THRESHOLD));
  const low = g.op('LessOrEqual', [G, g.floats(`${name}_lo_t`, [F], loT)], `${name}_low`);
  const negClip = g.floats(`${name}_nclip`, [], [-CLIP]);
  const posClip = g.floats(`${name}_pclip`, [], [CLIP]);
  // Fitted on one row: every value is at or past the bounds.
  if (K < 2) return g.op('Where', [low, negClip, posClip], name);
  const high = g.op('GreaterOrEqual', [G, g.floats(`${name}_hi_t`, [F], hiT)], `${name}_high`);

  const blocks = Math.ceil(K / BLOCK);
  const padded = blocks * BLOCK;
  // (F, padded) raw quantiles, +∞ past the K-th so that no comparison counts them.
  const q = new Float64Array(F * padded).fill(Infinity);
  part.columns.forEach((f, i) => part.quantiles[i].forEach((v, k) => (q[i * padded + k] = unscaleFeature(scaler, f, v))));
  const q32 = new Float64Array(q);
  for (let i = 0; i < F; i++)
    q32.set(
      orderKeeping(q.subarray(i * padded, i * padded + K), part.quantiles[i], (v) => scaleFeature(scaler, part.columns[i], v)),
      i * padded,
    );
  const starts = Array.from({ length: F * blocks }, (_, j) => q32[Math.floor(j / blocks) * padded + (j % blocks) * BLOCK]);
  const Gx = g.op('Unsqueeze', [G, g.ints(`${name}_ax2`, [1], [2])], `${name}_x3`);
  const G64 = g.op('Cast', [G], `${name}_x64`, TO_DOUBLE);
  const qStarts = g.floats(`${name}_starts`, [F, blocks], starts);
  const qBlocks = g.floats(`${name}_blocks`, [F * blocks, BLOCK], q32);
  const q64 = g.doubles(`${name}_q64`, [F * padded], q);
  const q32Flat = g.floats(`${name}_q32`, [F * padded], q32);
  const blockBase = g.ints(
    `${name}_fb`,
    [F],
    Array.from({ length: F }, (_, i) => i * blocks),
  );
  const rowBase = g.ints(
    `${name}_fk`,
    [F],
    Array.from({ length: F }, (_, i) => i * padded),
  );
  const axis2 = g.ints(`${name}_sum_ax`, [1], [2]);
  const [zeroI, oneI, lastI, blockI] = [0, 1, K - 2, BLOCK].map((v, i) => g.ints(`${name}_i${i}`, [], [v]));
  const [zero, one] = [0, 1].map((v) => g.doubles(`${name}_d${v}`, [], [v]));
  const count = (values: string, cmp: string, tag: string) =>
    g.op('ReduceSum', [g.op('Cast', [g.op(cmp, [values, Gx], `${tag}_cmp`)], `${tag}_n`, TO_INT64), axis2], `${tag}_count`, { keepdims: 0 });

  // One side of np.interp: the segment [q_a, q_a+1] x falls in (the last a with q_a ≤ x forward, q_a < x backward)
  // and x's place in it, in [0, 1]. Where x is the segment's end quantile in float32 (a tie, forward at a, backward
  // at a + 1) the place is exactly 0 or 1: in float64 the rounded input would sit a float32 ulp off it.
  const side = (cmp: 'LessOrEqual' | 'Less', tag: string) => {
    const block = g.op('Max', [g.op('Sub', [count(qStarts, cmp, `${tag}_s`), oneI], `${tag}_b1`), zeroI], `${tag}_block`);
    const inBlock = g.op('Gather', [qBlocks, g.op('Add', [block, blockBase], `${tag}_bi`)], `${tag}_vals`, { axis: 0 });
    const below = g.op('Add', [g.op('Mul', [block, blockI], `${tag}_bs`), count(inBlock, cmp, `${tag}_v`)], `${tag}_below`);
    const a = g.op('Clip', [g.op('Sub', [below, oneI], `${tag}_am`), zeroI, lastI], `${tag}_a`);
    const at = g.op('Add', [a, rowBase], `${tag}_at`);
    const at1 = g.op('Add', [at, oneI], `${tag}_at1`);
    const qa = g.op('Gather', [q64, at], `${tag}_qa`, { axis: 0 });
    const qb = g.op('Gather', [q64, at1], `${tag}_qb`, { axis: 0 });
    const frac = g.op('Div', [g.op('Sub', [G64, qa], `${tag}_dx`), g.op('Sub', [qb, qa], `${tag}_dq`)], `${tag}_fr`);
    const clipped = g.op('Clip', [frac, zero, one], `${tag}_clip`);
    const forward = cmp === 'LessOrEqual';
    const end = g.op('Gather', [q32Flat, forward ? at : at1], `${tag}_end`, { axis: 0 });
    const tie = g.op('Equal', [G, end], `${tag}_tie`);
    return { a: g.op('Cast', [a], `${tag}_af`, TO_DOUBLE), frac: g.op('Where', [tie, forward ? zero : one, clipped], `${tag}_frac`) };
  };
  const fwd = side('LessOrEqual', `${name}_fw`);
  const bwd = side('Less', `${name}_bw`);
  // p = (a + frac + a' + frac') / 2(K−1), and 1 − p counted from the other end, so each tail keeps its precision.
  const twoK = g.doubles(`${name}_2k`, [], [2 * (K - 1)]);
  const up = g.op('Add', [g.op('Add', [fwd.a, fwd.frac], `${name}_pf`), g.op('Add', [bwd.a, bwd.frac], `${name}_pb`)], `${name}_psum`);
  const rest = g.op('Sub', [g.op('Sub', [twoK, fwd.a], `${name}_r1`), bwd.a], `${name}_r2`);
  const down = g.op('Sub', [rest, g.op('Add', [fwd.frac, bwd.frac], `${name}_fsum`)], `${name}_qsum`);
  const p = g.op('Div', [up, twoK], `${name}_p`);
  const qc = g.op('Div', [down, twoK], `${name}_qc`);
  const bound = (v: number, tag: string) => g.doubles(`${name}_${tag}`, [], [v]);
  const z64 = g.op('Clip', [normalQuantileGraph(g, p, qc, name), bound(-CLIP, 'lo_clip'), bound(CLIP, 'hi_clip')], `${name}_z64`);
  const z = g.op('Cast', [z64], `${name}_z32`, TO_FLOAT);
  return g.op('Where', [low, negClip, g.op('Where', [high, posClip, z], `${name}_zh`)], name);
}

const bits = new Float32Array(1);
const word = new Int32Array(bits.buffer);
// The next float32 above (dir 1) or below (dir −1) a finite non-zero float32 v.
function step32(v: number, dir: 1 | -1): number {
  bits[0] = v;
  if (v === 0) return dir * 2 ** -149;
  word[0] += v > 0 === dir > 0 ? 1 : -1;
  return bits[0];
}

/**
 * The float32 quantiles to count with: each rounded, except where numpy's interpolation left float64 quantiles an
 * ulp apart around a value that rounds to the same float32 (with fewer training rows than quantiles, most of them).
 * In such a group one value is the data value that a raw input equals: the one that is the scaling (`toScaled`,
 * scaleX's arithmetic) of the shortest decimal, as CSV values are, or else the one the most quantiles share. The
 * others step one float32 below or above it, so they compare with that input as they do in float64.
 */
export function orderKeeping(raw: ArrayLike<number>, scaled: readonly number[], toScaled: (raw: number) => number): Float64Array {
  const out = Float64Array.from(raw, (v) => Math.fround(v));
  for (let start = 0; start < raw.length;) {
    let end = start + 1;
    while (end < raw.length && out[end] === out[start]) end++;
    // Compared in scaled units, as fitted: two scaled quantiles an ulp apart can map back to one raw float64.
    if (scaled[start] !== scaled[end - 1]) {
      const anchor = dataValue(raw, scaled, start, end, toScaled);
      for (let k = start; k < end; k++) if (scaled[k] !== anchor) out[k] = step32(out[k], scaled[k] < anchor ? -1 : 1);
    }
    start = end;
  }
  return out;
}

// Which scaled quantile of [start, end) is a data value (see orderKeeping).
function dataValue(raw: ArrayLike<number>, scaled: readonly number[], start: number, end: number, toScaled: (raw: number) => number): number {
  for (let digits = 1; digits <= 17; digits++) {
    for (let k = start; k < end; k++) if (toScaled(Number(raw[k].toPrecision(digits))) === scaled[k]) return scaled[k];
  }
  const counts = new Map<number, number>();
  for (let k = start; k < end; k++) counts.set(scaled[k], (counts.get(scaled[k]) ?? 0) + 1);
  return [...counts].reduce((best, c) => (c[1] > best[1] ? c : best))[0];
}
