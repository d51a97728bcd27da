// The same MLP in TF.js, on whichever backend is asked for (webgpu or cpu): forward, forward+cache, SGD step, Adam epoch.
import * as tf from '@tensorflow/tfjs';
import { OPTIMIZER_DEFAULTS } from '../../src/model/optimizer.ts';
import { matrix } from '../../src/model/matrix.ts';
import type { Params } from '../../src/model/params.ts';
import { firstEpochOrder } from '../reference.ts';
import type { BenchData, Op, OpOutput, Peer, PeerCase, TrainSettings } from '../types.ts';

/**
 * How the tensors are laid out. `rows`: X (m, 13), W_lᵀ, one `tf.fused.matMul` with bias and ReLU per layer.
 * `units-m`: the notebook's W_l·A + b_l with tf.matMul/tf.add/tf.relu (fused matMul with a column bias returned
 * zeros on SwiftShader, WEBGPU-HEADLESS.md). bench/README.md records which was faster.
 */
export type TfjsLayout = 'rows' | 'units-m';

function transpose(data: ArrayLike<number>, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/** X (m, n0) and y with their examples in `order`. */
function permuteRows(xRows: Float32Array, y: Float32Array, n0: number, order: Int32Array): [Float32Array, Float32Array] {
  const px = new Float32Array(xRows.length);
  const py = new Float32Array(y.length);
  order.forEach((src, j) => {
    px.set(xRows.subarray(src * n0, (src + 1) * n0), j * n0);
    py[j] = y[src];
  });
  return [px, py];
}

/** The weights as tensors in `layout`; in `rows` W_l is stored transposed (n_in, n_out) and b_l as a row. */
function weightTensors(p: Params, layout: TfjsLayout): { W: tf.Tensor2D[]; b: tf.Tensor[] } {
  const W = p.W.map((w) =>
    layout === 'rows' ? tf.tensor2d(transpose(w.data, w.rows, w.cols), [w.cols, w.rows]) : tf.tensor2d(Float32Array.from(w.data), [w.rows, w.cols]),
  );
  const b = p.b.map((v) => (layout === 'rows' ? tf.tensor1d(Float32Array.from(v)) : tf.tensor2d(Float32Array.from(v), [v.length, 1])));
  return { W, b };
}

/** The forward pass; returns [Z1, A1, …, ZL, AL] when `cache`, else just [AL]. */
function feedForward(X: tf.Tensor2D, W: tf.Tensor2D[], b: tf.Tensor[], layout: TfjsLayout, cache: boolean): tf.Tensor2D[] {
  const kept: tf.Tensor2D[] = [];
  let A = X;
  for (let l = 0; l < W.length; l++) {
    if (layout === 'rows' && !cache) {
      A = tf.fused.matMul({ a: A, b: W[l], bias: b[l], activation: 'relu' }) as tf.Tensor2D;
      continue;
    }
    const Z = layout === 'rows' ? tf.add(tf.matMul(A, W[l]), b[l]) : tf.add(tf.matMul(W[l], A), b[l]);
    A = tf.relu(Z) as tf.Tensor2D;
    if (cache) kept.push(Z as tf.Tensor2D, A);
  }
  return cache ? kept : [A];
}

/** Reads a (units, m) matrix back in the notebook's layout whatever `layout` the tensor has. */
async function readUnitsM(t: tf.Tensor2D, layout: TfjsLayout): Promise<Float32Array> {
  const data = (await t.data()) as Float32Array;
  return layout === 'rows' ? transpose(data, t.shape[0], t.shape[1]) : data;
}

/** A TF.js peer on `backend`; the caller has registered that backend (importing tfjs-backend-webgpu for webgpu). */
export async function createTfjsPeer(impl: 'tfjs-webgpu' | 'tfjs-cpu', backend: 'webgpu' | 'cpu', layout: TfjsLayout): Promise<Peer> {
  if (!(await tf.setBackend(backend))) throw new Error(`TF.js could not start its ${backend} backend.`);
  await tf.ready();
  const adapter = backend === 'cpu' ? 'CPU (TF.js JavaScript kernels)' : 'WebGPU (same adapter as the page)';
  return {
    impl,
    // The epoch slices contiguous mini-batches, which only the rows layout has.
    ops: layout === 'rows' ? ['forward', 'forward+cache', 'train-step', 'epoch'] : ['forward', 'forward+cache', 'train-step'],
    adapter,
    variant: layout,
    async prepare(op: Op, data: BenchData, train: TrainSettings): Promise<PeerCase> {
      await tf.setBackend(backend); // several TF.js peers share the one engine: make this one current
      const { W, b } = weightTensors(data.params, layout);
      if (op === 'forward' || op === 'forward+cache') return forwardCase(data, W, b, layout, op === 'forward+cache');
      return trainCase(op, data, W, b, layout, train);
    },
    dispose() {},
  };
}

function forwardCase(data: BenchData, W: tf.Tensor2D[], b: tf.Tensor[], layout: TfjsLayout, cache: boolean): PeerCase {
  const { m } = data;
  const n0 = data.X.rows;
  return {
    async run(): Promise<OpOutput> {
      const outs = tf.tidy(() => {
        const X = layout === 'rows' ? tf.tensor2d(data.Xrows, [m, n0]) : tf.tensor2d(data.X.data, [n0, m]);
        return feedForward(X, W, b, layout, cache);
      });
      try {
        const read = await Promise.all(outs.map((t) => readUnitsM(t, layout)));
        return cache ? { out: read[read.length - 1], cache: read } : { out: read[0] };
      } finally {
        tf.dispose(outs);
      }
    },
    dispose: () => tf.dispose([...W, ...b]),
  };
}

function trainCase(op: Op, data: BenchData, W0: tf.Tensor2D[], b0: tf.Tensor[], layout: TfjsLayout, train: TrainSettings): PeerCase {
  const { m } = data;
  const n0 = data.X.rows;
  const W = W0.map((w) => tf.variable(w, true));
  const b = b0.map((v) => tf.variable(v, true));
  tf.dispose([...W0, ...b0]);
  const vars = [...W, ...b];
  // The data stays on the device, as it does for our trainer: the step is timed, not the upload. The epoch walks
  // the examples in our trainer's first-epoch order (permuted here, untimed), so both can be checked alike.
  let [xRows, y] = [data.Xrows, data.Y.data];
  if (op === 'epoch') [xRows, y] = permuteRows(xRows, y, n0, firstEpochOrder(m, train));
  const X = layout === 'rows' ? tf.tensor2d(xRows, [m, n0]) : tf.tensor2d(data.X.data, [n0, m]);
  const Y = layout === 'rows' ? tf.tensor2d(y, [m, 1]) : tf.tensor2d(y, [1, m]);
  const sgd = tf.train.sgd(train.sgdLearningRate);
  const adam = tf.train.adam(train.adamLearningRate, OPTIMIZER_DEFAULTS.beta1, OPTIMIZER_DEFAULTS.beta2, OPTIMIZER_DEFAULTS.epsilon);
  const mse = (x: tf.Tensor2D, y: tf.Tensor2D) => () => tf.losses.meanSquaredError<tf.Tensor2D, tf.Scalar>(y, feedForward(x, W, b, layout, false)[0]);
  const batches: [tf.Tensor2D, tf.Tensor2D][] = [];
  if (op === 'epoch') {
    if (layout !== 'rows') throw new Error('The TF.js epoch is written for the rows layout, where a mini-batch is a contiguous slice.');
    for (let s = 0; s < m; s += train.batchSize) {
      const size = Math.min(train.batchSize, m - s);
      batches.push([tf.slice(X, [s, 0], [size, n0]), tf.slice(Y, [s, 0], [size, 1])]);
    }
  }
  return {
    async run(): Promise<OpOutput> {
      let cost: tf.Scalar | null = null;
      if (op === 'train-step') cost = sgd.minimize(mse(X, Y), true, vars);
      else {
        batches.forEach(([bx, by], i) => {
          const c = adam.minimize(mse(bx, by), i === batches.length - 1, vars);
          if (c) cost = c;
        });
      }
      if (!cost) throw new Error('TF.js returned no loss.');
      const loss = (await cost.data())[0];
      cost.dispose();
      return { loss };
    },
    async readParams(): Promise<Params> {
      const Wd = await Promise.all(W.map((w) => w.data()));
      const bd = await Promise.all(b.map((v) => v.data()));
      return {
        dims: data.params.dims,
        W: data.params.W.map((w, l) => {
          const flat = layout === 'rows' ? transpose(Wd[l], w.cols, w.rows) : Wd[l];
          return matrix(w.rows, w.cols, Float64Array.from(flat));
        }),
        b: bd.map((v) => Float64Array.from(v)),
      };
    },
    dispose() {
      tf.dispose([X, Y, ...vars, ...batches.flat()]);
      sgd.dispose();
      adam.dispose();
    },
  };
}
