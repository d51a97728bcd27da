// The fused trainer's kernels one at a time against float64 references built from the CPU reference's pieces:
// train_gather, backward_fused, weight_grad4, train_update (every rule) and loss_sum, on edge shapes (widths 1,
// tile ± 1 and primes; strides around the 128-example chunk; a short last batch), with atol + rtol·|ref| growing
// with the inner dimension of each sum.
import { describe, expect } from 'vitest';
import { feedForward } from '../../src/reference/forward.ts';
import { initialization } from '../../src/reference/init.ts';
import { FlatOptimizer } from '../../src/model/flat-optimizer.ts';
import {
  batchRows,
  gradBlocks,
  gradSources,
  NONE,
  packDestinations,
  packFusedParams,
  packTransposed,
  pad4,
  transposedDestinations,
  transposedOffsets,
  updateMaps,
} from '../../src/gpu/packing.ts';
import { BackwardLayer, GradLayer, Step } from '../../src/gpu/structs.ts';
import { prepareBackwardFused } from '../../src/gpu/kernels/backward-fused.ts';
import { prepareLossSum } from '../../src/gpu/kernels/loss-sum.ts';
import { prepareGather } from '../../src/gpu/kernels/train-gather.ts';
import { prepareFusedUpdate } from '../../src/gpu/kernels/train-update.ts';
import { prepareWeightGrad4, WEIGHT_GRAD_CHUNK } from '../../src/gpu/kernels/weight-grad4.ts';
import { flatten, paramLayout } from '../../src/model/flat-layout.ts';
import { matrix } from '../../src/model/matrix.ts';
import { adamStepScale, OPTIMIZER_DEFAULTS, type OptimizerKind } from '../../src/model/optimizer.ts';
import { gatherColumns } from '../../src/reference/trainer.ts';
import { expectClose } from '../helpers/compare.ts';
import { testWithDevice } from '../helpers/gpu.ts';
import { KernelRig, sumTolerance, values } from '../helpers/kernel-rig.ts';

const step = (rig: KernelRig, v: Partial<Parameters<typeof Step.write>[0]>) =>
  rig.buffers.uniform(Step.write({ start: 0, usePerm: 0, count: 0, lrT: 0, epsT: 0, momentum: 0, beta1: 0, beta2: 0, ...v }));

/** The networks and batch shapes: [dims, stride, count]; stride is a multiple of 4, count ≤ stride. */
const SHAPES: [number[], number, number][] = [
  [[1, 1], 4, 1],
  [[3, 5, 1], 8, 7],
  [[4, 4, 4], 128, 128],
  [[5, 3, 2], 132, 129],
  [[13, 64, 32, 16, 1], 128, 128],
  [[13, 64, 32, 16, 1], 260, 257],
  [[17, 31, 7], 124, 61],
  [[70, 9, 3], 128, 100],
];

/** The packed cache [Z1, A1, …] and the X copy, as the fused forward leaves them, for X (n0, stride). */
function activations(dims: number[], stride: number, count: number, seed: number) {
  const params = initialization(dims, { seed });
  params.b.forEach((b, l) => b.set(values(b.length, seed + l, -0.3, 0.3)));
  const X = matrix(dims[0], stride, values(dims[0] * stride, seed + 9, 0, 1));
  for (let r = 0; r < dims[0]; r++) for (let j = count; j < stride; j++) X.data[r * stride + j] = 0;
  const { cache } = feedForward(X, params);
  const rows = batchRows(dims);
  const acts = new Float64Array(rows.acts * stride);
  cache.forEach((m, i) => acts.set(Array.from(m.data, Math.fround), rows.z[i >> 1] * stride + (i % 2) * dims[(i >> 1) + 1] * stride));
  acts.set(X.data, rows.x * stride);
  return { params, X, cache: cache.map((m) => ({ ...m, data: Float64Array.from(m.data, Math.fround) })), acts, rows };
}

describe('train_gather', () => {
  testWithDevice('copies a shuffled or plain range of columns, zero-pads to the stride, and copies X into the activations', async (ctx) => {
    for (const [n0, nL, m, start, count, perm] of [
      [13, 1, 37, 5, 13, true],
      [3, 2, 9, 0, 9, false],
      [1, 1, 1, 0, 1, true],
      [5, 3, 300, 171, 129, true],
    ] as const) {
      const rig = new KernelRig(ctx);
      try {
        const stride = pad4(count);
        const X = matrix(n0, m, values(n0 * m, m));
        const Y = matrix(nL, m, values(nL * m, m + 1));
        const order = Uint32Array.from({ length: m }, (_, i) => (i * 7 + 3) % m);
        const used = perm && m % 7 !== 0 ? order : Uint32Array.from({ length: m }, (_, i) => i);
        const [Xb, Yb, acts] = [rig.zeros('Xb', n0 * stride), rig.zeros('Yb', nL * stride), rig.zeros('acts', (n0 + 2) * stride)];
        const gather = prepareGather(ctx, rig.buffers, {
          step: step(rig, { start, count, usePerm: perm ? 1 : 0 }),
          X: rig.f32('X', X.data),
          Y: rig.f32('Y', Y.data),
          order: rig.u32('order', used),
          Xb,
          Yb,
          acts,
          n0,
          nL,
          srcCols: m,
          stride,
          xCopy: 2 * stride,
        });
        const [xb, yb, a] = await rig.run([gather], [Xb, Yb, acts]);
        const pad = (src: typeof X) => {
          const g = gatherColumns(src, perm ? used : Uint32Array.from({ length: m }, (_, i) => i), start, count);
          const out = new Float64Array(src.rows * stride);
          for (let r = 0; r < src.rows; r++) out.set(g.data.subarray(r * count, (r + 1) * count), r * stride);
          return out;
        };
        expectClose(xb, pad(X), { atol: 0, rtol: 0 }, `Xb (${n0}, ${m}, start ${start}, count ${count})`);
        expectClose(yb, pad(Y), { atol: 0, rtol: 0 }, 'Yb');
        expectClose(a.subarray(2 * stride), pad(X), { atol: 0, rtol: 0 }, 'X copy in acts');
        expect(Array.from(a.subarray(0, 2 * stride)).every((v) => v === 0)).toBe(true);
      } finally {
        rig.dispose();
      }
    }
  });
});

describe('backward_fused', () => {
  testWithDevice('gives every dZ_l = (W_{l+1}ᵀ·dZ_{l+1}) ⊙ mask(Z_l) from dZ_L = 2(A_L − Y)·w ⊙ mask(Z_L), zero past the count', async (ctx) => {
    // Plain (no weights), then cross-validated weights (0 on every third training column) read through the batch
    // order as the epoch's shuffle gives it, and without it.
    for (const [[dims, stride, count], mode] of SHAPES.flatMap((shape) => (['plain', 'weights', 'weights+order'] as const).map((m) => [shape, m] as const))) {
      const weights = Float32Array.from({ length: stride }, (_, j) => (j % 3 === 1 ? 0 : 1));
      const order = Uint32Array.from({ length: stride }, (_, j) => stride - 1 - j);
      const usePerm = mode === 'weights+order' ? 1 : 0;
      const weightOf = (j: number) => (mode === 'plain' ? 1 : weights[usePerm ? order[j] : j]);
      const rig = new KernelRig(ctx);
      try {
        const { params, cache, acts, rows } = activations(dims, stride, count, dims.length * 11 + stride);
        const L = dims.length - 1;
        const Y = values(dims[L] * stride, 77, 0, 1);
        const layout = paramLayout(dims);
        const flat = flatten(layout, params.W, params.b);
        const s4 = stride / 4;
        const { offsets } = transposedOffsets(dims);
        const table = BackwardLayer.table(
          dims.slice(1).map((n, i) => ({
            n,
            k: dims[i],
            wOffset: offsets[i],
            dzOffset: rows.dz[i] * s4,
            zOffset: rows.z[i] * s4,
            aOffset: (rows.z[i] + n) * s4,
          })),
        );
        const dZ = rig.zeros('dZ', rows.dzRows * stride);
        const p = prepareBackwardFused(ctx, rig.buffers, {
          step: step(rig, { count, usePerm }),
          table: rig.u32('table', table),
          WT: rig.f32('WT', packTransposed(layout, flat)),
          acts: rig.f32('acts', acts),
          Yb: rig.f32('Y', Y),
          dZ,
          order: rig.u32('order', order),
          weights: rig.f32('weights', weights),
          weightStride: mode === 'plain' ? 0 : stride,
          layers: L,
          stride,
          models: 1,
          wtStride4: 0,
          actsStride4: 0,
          dzStride4: 0,
        });
        const [got] = await rig.run([p], [dZ]);
        // The float64 reference, layer by layer from the output down.
        let upper = new Float64Array(dims[L] * stride);
        const A = cache[2 * L - 1].data;
        const ZL = cache[2 * L - 2].data;
        for (let i = 0; i < upper.length; i++) upper[i] = i % stride < count && ZL[i] > 0 ? 2 * (A[i] - Y[i]) * weightOf(i % stride) : 0;
        for (let l = L; l >= 1; l--) {
          const n = dims[l];
          expectClose(
            got.subarray(rows.dz[l - 1] * stride, (rows.dz[l - 1] + n) * stride),
            upper,
            sumTolerance(dims[l + 1] ?? 1, 4),
            `dZ${l} of dims [${dims}], stride ${stride}, count ${count}, ${mode}`,
          );
          if (l === 1) break;
          const k = dims[l - 1];
          const Z = cache[2 * (l - 1) - 2].data;
          const W = params.W[l - 1].data;
          const lower = new Float64Array(k * stride);
          for (let q = 0; q < k; q++) {
            for (let j = 0; j < stride; j++) {
              let s = 0;
              for (let i = 0; i < n; i++) s += Math.fround(W[i * k + q]) * upper[i * stride + j];
              lower[q * stride + j] = Z[q * stride + j] > 0 ? s : 0;
            }
          }
          upper = lower;
        }
      } finally {
        rig.dispose();
      }
    }
  });
});

describe('weight_grad4', () => {
  testWithDevice('sums dZ_l·[A_{l-1}; 1]ᵀ per 4×4 block and chunk of examples; the chunks add up to the whole', async (ctx) => {
    for (const [dims, stride] of SHAPES) {
      const rig = new KernelRig(ctx);
      try {
        const { acts, rows } = activations(dims, stride, stride, 5 + stride);
        const s4 = stride / 4;
        const chunk4 = WEIGHT_GRAD_CHUNK / 4;
        const chunks = Math.ceil(s4 / chunk4);
        const blocks = gradBlocks(dims);
        const dZ = values(rows.dzRows * stride, stride + 3);
        const table = GradLayer.table(
          dims.slice(1).map((n, i) => ({
            firstBlock: blocks.first[i],
            perRow: blocks.perRow[i],
            n,
            k: dims[i],
            aOffset: (i === 0 ? rows.x : rows.z[i - 1] + dims[i]) * s4,
            dzOffset: rows.dz[i] * s4,
            aStride: 0,
          })),
        );
        const partial = rig.zeros('partial', blocks.blocks * chunks * 16);
        const p = prepareWeightGrad4(ctx, rig.buffers, {
          table: rig.u32('table', table),
          acts: rig.f32('acts', acts),
          dZ: rig.f32('dZ', dZ),
          partial,
          stride,
          chunks,
          chunk4,
          layers: dims.length - 1,
          blocks: blocks.blocks,
          models: 1,
          dzStride4: 0,
        });
        const [got] = await rig.run([p], [partial]);
        const layout = paramLayout(dims);
        const src = gradSources(layout, chunks);
        const want: number[] = [];
        const have: number[] = [];
        for (let l = 1; l < dims.length; l++) {
          const [n, k] = [dims[l], dims[l - 1]];
          const aRow = l === 1 ? rows.x : rows.z[l - 2] + k;
          for (let j = 0; j < n; j++) {
            for (let q = 0; q <= k; q++) {
              let s = 0;
              for (let c = 0; c < stride; c++) s += dZ[(rows.dz[l - 1] + j) * stride + c] * (q === k ? 1 : acts[(aRow + q) * stride + c]);
              want.push(s);
              const at = src[q === k ? layout.bOffset[l - 1] + j : layout.wOffset[l - 1] + j * k + q];
              let g = 0;
              for (let c = 0; c < chunks; c++) g += got[at + 16 * c];
              have.push(g);
            }
          }
        }
        expectClose(have, want, sumTolerance(stride, 4), `[dW | db] sums of dims [${dims}], stride ${stride}`);
      } finally {
        rig.dispose();
      }
    }
  });
});

describe('train_update', () => {
  const KINDS: (OptimizerKind | 'none')[] = ['none', 'sgd', 'momentum', 'adam'];
  testWithDevice('reduces the partial sums, applies each rule for two steps as the float64 FlatOptimizer does, and refreshes P and WT', async (ctx) => {
    for (const kind of KINDS) {
      for (const dims of [
        [13, 64, 32, 16, 1],
        [3, 5, 2],
        [1, 1],
      ]) {
        const rig = new KernelRig(ctx);
        try {
          const layout = paramLayout(dims);
          const params = initialization(dims, { seed: 8 });
          const flat = Float64Array.from(flatten(layout, params.W, params.b), Math.fround);
          const chunks = 3;
          const count = 37;
          const partial = values(gradBlocks(dims).blocks * chunks * 16, 41, -2, 2);
          const theta = rig.f32('theta', flat);
          const [grad, m1, m2] = ['grad', 'm1', 'm2'].map((n) => rig.zeros(n, layout.size));
          const P = rig.zeros('P', packFusedParams(params).P.length);
          const WT = rig.zeros('WT', packTransposed(layout, flat).length);
          const settings = { ...OPTIMIZER_DEFAULTS, kind: kind === 'none' ? ('sgd' as const) : kind, lr: 0.05 };
          const maps = rig.u32('maps', updateMaps(layout, chunks));
          const stepAt = (t: number) => {
            const { lrT, epsT } = kind === 'adam' ? adamStepScale({ ...settings, lr: 1 }, t) : { lrT: 1, epsT: 0 };
            return step(rig, { count, lrT, epsT, beta1: settings.beta1, beta2: settings.beta2 });
          };
          const hyper = rig.hyper([{ lr: settings.lr, momentum: settings.momentum }]);
          const common = {
            maps,
            partial: rig.f32('partial', partial),
            theta,
            grad,
            m1,
            m2,
            P,
            WT,
            count: layout.size,
            chunks,
            kind,
            hyper,
            models: 1,
            partialStrideF: 0,
            pStrideF: 0,
            wtStrideF: 0,
          };
          const [g1, t1, p1, w1] = await rig.run(
            [prepareFusedUpdate(ctx, rig.buffers, { ...common, step: stepAt(1) }), prepareFusedUpdate(ctx, rig.buffers, { ...common, step: stepAt(2) })],
            [grad, theta, P, WT],
          );
          // The reference: g = Σ chunks / count on every real entry, zero on padding; two optimizer steps.
          const src = gradSources(layout, chunks);
          const g = Float64Array.from(src, (q) => (q === NONE ? 0 : (partial[q] + partial[q + 16] + partial[q + 32]) / count));
          expectClose(g1, g, sumTolerance(chunks), `gradient (${kind}, dims [${dims}])`);
          const want = flat.slice();
          if (kind !== 'none') {
            const opt = new FlatOptimizer(settings, layout.size, Float64Array);
            opt.step(want, g);
            opt.step(want, g);
          }
          expectClose(t1, want, { atol: 1e-6, rtol: 1e-5 }, `θ after two ${kind} steps, dims [${dims}]`);
          if (kind !== 'none') {
            const pd = packDestinations(layout);
            const td = transposedDestinations(layout);
            for (let i = 0; i < layout.size; i++) {
              if (pd[i] !== NONE) expect(p1[pd[i]]).toBe(t1[i]);
              if (td[i] !== NONE) expect(w1[td[i]]).toBe(t1[i]);
            }
          }
        } finally {
          rig.dispose();
        }
      }
    }
  });
});

describe('loss_sum', () => {
  testWithDevice('adds Σ(A − Y)² and #(A > 0) of a (rows, cols) block stored stride wide to its slot', async (ctx) => {
    for (const [rows, cols, stride] of [
      [1, 1, 1],
      [1, 255, 256],
      [1, 257, 260],
      [3, 1000, 1003],
      [2, 24000, 24000],
    ]) {
      const rig = new KernelRig(ctx);
      try {
        const A = values(rows * stride, cols, -0.5, 1);
        // Outputs of exactly 0 and -0 (a dead ReLU) count as not live.
        for (let i = 0; i < A.length; i += 5) A[i] = i % 10 === 0 ? 0 : -0;
        const Y = values(rows * stride, cols + 1, 0, 1);
        const acc = rig.f32('acc', [1, 2, 3, 4]);
        const weights = rig.f32('weights', [1]);
        const make = (slot: number) => prepareLossSum(ctx, rig.buffers, { A: rig.f32('A', A), Y: rig.f32('Y', Y), acc, rows, cols, stride, slot, weights });
        const [got] = await rig.run([make(0), make(1)], [acc]);
        let sse = 0;
        let live = 0;
        for (let r = 0; r < rows; r++) {
          for (let j = 0; j < cols; j++) {
            const i = r * stride + j;
            sse += (A[i] - Y[i]) ** 2;
            if (A[i] > 0) live++;
          }
        }
        expectClose(got, [1 + sse, 2 + live, 3 + sse, 4 + live], sumTolerance(rows * cols, 2), `loss sums of (${rows}, ${cols}) stride ${stride}`);
      } finally {
        rig.dispose();
      }
    }
  });

  testWithDevice("with folds, puts each model's own-fold squares in its validation sum and the rest in its training sum", async (ctx) => {
    const [models, rows, cols, offset, m] = [2, 1, 300, 40, 400];
    const rig = new KernelRig(ctx);
    try {
      const A = values(models * rows * cols, 5, 0, 1);
      const Y = values(rows * cols, 6, 0, 1);
      // Model 0 holds out columns ≡ 0 mod 3 of the training set, model 1 those ≡ 1; this chunk starts at column 40.
      const weights = Float32Array.from({ length: models * m }, (_, i) => ((i % m) % 3 === Math.floor(i / m) ? 0 : 1));
      const acc = rig.zeros('acc', models * 8);
      const p = prepareLossSum(ctx, rig.buffers, {
        A: rig.f32('A', A),
        Y: rig.f32('Y', Y),
        acc,
        rows,
        cols,
        stride: cols,
        slot: 0,
        models,
        modelStrideF: rows * cols,
        weights: rig.f32('weights', weights),
        weightStride: m,
        colOffset: offset,
      });
      const [got] = await rig.run([p], [acc]);
      for (let k = 0; k < models; k++) {
        const sums = [0, 0];
        for (let j = 0; j < cols; j++) sums[weights[k * m + offset + j] === 0 ? 1 : 0] += (A[k * cols + j] - Y[j]) ** 2;
        expectClose([got[8 * k], got[8 * k + 4]], sums, sumTolerance(cols, 2), `model ${k}: training and own-fold sums`);
        expect(sums[1], 'the held-out share is not empty').toBeGreaterThan(0);
      }
    } finally {
      rig.dispose();
    }
  });
});
