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
