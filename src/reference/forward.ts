// The notebook's feed_forward on the CPU: Z_l = W_l·A_{l-1} + b_l, A_l = relu(Z_l), ReLU on every layer.
import { type Matrix } from '../model/matrix.ts';
import type { Params } from '../model/params.ts';
import { checkInputShape } from '../model/validate.ts';
import { relu } from './activations.ts';
import { matmulBias } from './matmul.ts';

/** The output and the cache `[Z1, A1, …, ZL, AL]`, as the notebook's `feed_forward` returns them. */
export interface FeedForwardResult {
  readonly yOut: Matrix<Float64Array>;
  readonly cache: Matrix<Float64Array>[];
}

/** `feed_forward(X, params)` in float64; X is checked first (shape, data length, finiteness; src/model/validate.ts). */
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
