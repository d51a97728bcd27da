// The notebook's feed_forward on the CPU: Z_l = W_l·A_{l-1} + b_l, A_l = relu(Z_l), ReLU on every layer.
import { UserError } from '../errors.ts';
import { type Matrix } from '../model/matrix.ts';
import type { Params } from '../model/params.ts';
import { relu } from './activations.ts';
import { matmulBias } from './matmul.ts';

/** The output and the cache `[Z1, A1, …, ZL, AL]`, as the notebook's `feed_forward` returns them. */
export interface FeedForwardResult {
  readonly yOut: Matrix<Float64Array>;
  readonly cache: Matrix<Float64Array>[];
}

/** Checks that X has shape (dims[0], m) for these parameters, with one sentence if not. */
export function checkInputShape(X: Matrix, dims: readonly number[]): void {
  if (X.rows !== dims[0]) {
    throw new UserError(
      `The input has ${X.rows} rows (features) but the model expects ${dims[0]}; X must have shape (${dims[0]}, m).`,
    );
  }
}

/** `feed_forward(X, params)` in float64. */
export function feedForward(X: Matrix, params: Params): FeedForwardResult {
  checkInputShape(X, params.dims);
  const cache: Matrix<Float64Array>[] = [];
  let A: Matrix = X;
  for (let l = 0; l < params.W.length; l++) {
    const Z = matmulBias(params.W[l], A, params.b[l]);
    const Al = relu(Z);
    cache.push(Z, Al);
    A = Al;
  }
  return { yOut: cache[cache.length - 1], cache };
}
