// The one interface that the CPU reference and the GPU backend both implement, so callers switch with one word.
import type { Matrix } from './matrix.ts';
import type { Params } from './params.ts';

/** What a forward pass returns: the output A_L and, when asked, the notebook's cache [Z1, A1, …, ZL, AL]. */
export interface ForwardResult {
  /** A_L, shape (dims[L], m). */
  readonly out: Matrix;
  /** [Z1, A1, …, ZL, AL], each (dims[l], m); present only when `cache: true` was asked. */
  readonly cache?: Matrix[];
}

/** Options of a forward pass. */
export interface ForwardOptions {
  /** Read back the whole Z/A cache, not only the output. */
  readonly cache?: boolean;
}

/** Which implementation a backend is. */
export type BackendKind = 'cpu' | 'gpu';

/**
 * An MLP bound to one set of parameters on one device. The CPU reference computes in float64, the GPU in
 * float32; both take and return the notebook's (units, m) layout.
 */
export interface MlpBackend {
  readonly kind: BackendKind;
  /** A one-line description of where it runs, e.g. the adapter name. */
  readonly description: string;
  readonly dims: readonly number[];
  /** Replaces the parameters (uploads them on the GPU). */
  setParams(params: Params): Promise<void>;
  /** Runs the network on X of shape (dims[0], m). */
  forward(X: Matrix, options?: ForwardOptions): Promise<ForwardResult>;
  /** Frees what the backend holds; the backend is unusable afterwards. */
  dispose(): void;
}

/**
 * K networks of the same dims whose outputs are averaged (an ensemble); `forward` returns the average and no cache,
 * `forwardMembers` each member's A_L.
 */
export interface EnsembleBackend extends MlpBackend {
  readonly members: number;
  /** Each member's A_L for X, shape (dims[L], m) each. */
  forwardMembers(X: Matrix): Promise<Matrix[]>;
}

/** The element-wise mean of K equally shaped outputs. */
export function averageOutputs(outputs: readonly Matrix[]): Matrix<Float64Array> {
  const [first] = outputs;
  const sum = new Float64Array(first.data.length);
  for (const o of outputs) for (let i = 0; i < sum.length; i++) sum[i] += o.data[i];
  for (let i = 0; i < sum.length; i++) sum[i] /= outputs.length;
  return { rows: first.rows, cols: first.cols, data: sum };
}
