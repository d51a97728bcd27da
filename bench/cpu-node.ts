// Re-measures the attempts of bench/CPU.md in Node: plain-JavaScript blockings of the forward layer, the fast
// backend's two builds and the float64 reference, forward at m and one Adam epoch (batch 128), round-robin.
// `node bin/run-ts.mjs bench/cpu-node.ts [--m 24000] [--runs 9]`
import { feedForward } from '../src/reference/forward.ts';
import { createFastBackend } from '../src/fast/backend.ts';
import type { KernelBuild } from '../src/fast/kernels.ts';
import { createFastTrainer } from '../src/fast/trainer.ts';
import { matrix } from '../src/model/matrix.ts';
import type { TrainableBackend } from '../src/model/trainable.ts';
import { CpuTrainer } from '../src/reference/trainer.ts';
import { makeBenchData, stepSettings, TRAIN } from './data.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const m = arg('m', 24_000);
const runs = arg('runs', 9);
const data = makeBenchData(m);
const dims = data.params.dims;
const W = data.params.W.map((w) => Float32Array.from(w.data));
const b = data.params.b.map((v) => Float32Array.from(v));

type Layer = (w: Float32Array, bias: Float32Array, n: number, k: number, A: Float32Array, Z: Float32Array, cols: number) => void;

/** i-p-j: Z row i += W(i,p)·A row p, the reference's loop order, in float32 storage. */
const axpy: Layer = (w, bias, n, k, A, Z, cols) => {
  for (let i = 0; i < n; i++) {
    const o = i * cols;
    Z.fill(bias[i], o, o + cols);
    for (let p = 0; p < k; p++) {
      const wp = w[i * k + p];
      const a = p * cols;
      for (let j = 0; j < cols; j++) Z[o + j] += wp * A[a + j];
    }
    for (let j = 0; j < cols; j++) if (!(Z[o + j] > 0)) Z[o + j] = 0;
  }
};

/** 4 rows × 1 column of accumulators, p innermost. */
const rows4: Layer = (w, bias, n, k, A, Z, cols) => {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    for (let j = 0; j < cols; j++) {
      let s0 = bias[i],
        s1 = bias[i + 1],
        s2 = bias[i + 2],
        s3 = bias[i + 3];
      for (let p = 0, a = j; p < k; p++, a += cols) {
        const x = A[a];
        s0 += w[i * k + p] * x;
        s1 += w[(i + 1) * k + p] * x;
        s2 += w[(i + 2) * k + p] * x;
        s3 += w[(i + 3) * k + p] * x;
      }
      Z[i * cols + j] = s0 > 0 ? s0 : 0;
      Z[(i + 1) * cols + j] = s1 > 0 ? s1 : 0;
      Z[(i + 2) * cols + j] = s2 > 0 ? s2 : 0;
      Z[(i + 3) * cols + j] = s3 > 0 ? s3 : 0;
    }
  }
  for (; i < n; i++) {
    for (let j = 0; j < cols; j++) {
      let s = bias[i];
      for (let p = 0; p < k; p++) s += w[i * k + p] * A[p * cols + j];
      Z[i * cols + j] = s > 0 ? s : 0;
    }
  }
};

/** The whole forward with one layer kernel, over all m columns, or over chunks of `chunk` columns. */
function jsForward(layer: Layer, chunk = m): Float32Array {
  const out = new Float32Array(m);
  const bufs = dims.map((d) => new Float32Array(d * chunk));
  for (let j0 = 0; j0 < m; j0 += chunk) {
    const c = Math.min(chunk, m - j0);
    for (let r = 0; r < dims[0]; r++) bufs[0].set(data.X.data.subarray(r * m + j0, r * m + j0 + c), r * c);
    for (let l = 0; l < W.length; l++) layer(W[l], b[l], dims[l + 1], dims[l], bufs[l], bufs[l + 1], c);
    out.set(bufs[dims.length - 1].subarray(0, c), j0);
  }
  return out;
}

const want = feedForward(data.X, data.params).yOut.data;
const maxAbsDiff = (got: ArrayLike<number>, ref: ArrayLike<number>): number => {
  let d = 0;
  for (let i = 0; i < ref.length; i++) d = Math.max(d, Math.abs(got[i] - ref[i]));
  return d;
};
const fast = async (build: KernelBuild) => {
  const backend = await createFastBackend(data.params, { build });
  return async () => (await backend.forward(data.X)).out.data;
};
const forwards: Record<string, () => Promise<ArrayLike<number>> | ArrayLike<number>> = {
  'reference (float64)': () => feedForward(data.X, data.params).yOut.data,
  'js i-p-j (axpy rows)': () => jsForward(axpy),
  'js 4 rows × 1 column': () => jsForward(rows4),
  'js 4×1, chunks of 256': () => jsForward(rows4, 256),
  'fast js build (4×2, chunks of 256)': await fast('js'),
  'fast wasm-simd build (4 rows × 8 columns, the default)': await fast('wasm-simd'),
};

async function epochCase(make: () => Promise<TrainableBackend>): Promise<() => Promise<number>> {
  const t = await make();
  const none = matrix(13, 0, new Float32Array(0));
  await t.startTraining({ xTrain: data.X, yTrain: data.Y, xTest: none, yTest: matrix(1, 0, new Float32Array(0)) }, stepSettings('epoch', TRAIN));
  return async () => {
    await t.trainEpoch();
    return (await t.evaluate()).trainLoss;
  };
}
const epochs: Record<string, () => Promise<number>> = {
  'reference (float64)': await epochCase(async () => new CpuTrainer(data.params)),
  'fast js build': await epochCase(() => createFastTrainer(data.params, { build: 'js' })),
  'fast wasm-simd build': await epochCase(() => createFastTrainer(data.params, { build: 'wasm-simd' })),
};

async function measure(cases: Record<string, () => unknown>, check?: (name: string, v: unknown) => void): Promise<void> {
  const times = new Map<string, number[]>(Object.keys(cases).map((k) => [k, []]));
  for (const [name, f] of Object.entries(cases)) check?.(name, await f()); // checked, and warm
  for (let r = 0; r < runs; r++) {
    for (const [name, f] of Object.entries(cases)) {
      const t0 = performance.now();
      await f();
      times.get(name)!.push(performance.now() - t0);
    }
  }
  const refMedian = (name: string) => [...times.get(name)!].sort((x, y) => x - y)[runs >> 1];
  const first = Object.keys(cases)[0];
  console.log('| what | median ms | min ms | reference / this |\n| --- | ---: | ---: | ---: |');
  for (const name of Object.keys(cases)) {
    const t = [...times.get(name)!].sort((x, y) => x - y);
    console.log(`| ${name} | ${t[runs >> 1].toFixed(1)} | ${t[0].toFixed(1)} | ${(refMedian(first) / t[runs >> 1]).toFixed(1)}× |`);
  }
}

console.log(`m = ${m}, ${runs} round-robin runs, Node ${process.version}\n\nforward (output only):`);
await measure(forwards, (name, out) => {
  const d = maxAbsDiff(out as ArrayLike<number>, want);
  if (!(d < 1e-4)) throw new Error(`${name}: largest difference from the reference ${d}`);
});
console.log('\nepoch (Adam, batch 128) and the training loss read back:');
await measure(epochs);
