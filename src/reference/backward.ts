// The CPU reference backward pass: gradients of the MSE loss for every W_l and b_l, from the forward cache.
import { type Matrix, matrix } from '../model/matrix.ts';
import type { Params } from '../model/params.ts';
import { feedForward } from './forward.ts';
import { mseGradient, mseLoss } from './loss.ts';

/** dW_l and db_l for every layer, in the shapes of W_l and b_l (index l-1 holds layer l). */
export interface Gradients {
  readonly dW: Matrix<Float64Array>[];
  readonly db: Float64Array[];
}

/**
 * Back-propagates through the cache `[Z1, A1, …, ZL, AL]` of `feedForward(X, params)`. Per layer l, from L down:
 * dZ_l = dA_l ⊙ reluMask(Z_l), dW_l = dZ_l·A_{l-1}ᵀ/m, db_l = rowsum(dZ_l)/m, dA_{l-1} = W_lᵀ·dZ_l, with
 * A_0 = X and dA_L = 2(A_L − Y) (see loss.ts for why the 1/m sits in dW and db only), times each column's weight
 * when `weights` are given.
 */
export function backward(X: Matrix, Y: Matrix, params: Params, cache: readonly Matrix[], weights?: ArrayLike<number>): Gradients {
  const L = params.W.length;
  const m = X.cols;
  const dW = new Array<Matrix<Float64Array>>(L);
  const db = new Array<Float64Array>(L);
  let dA = mseGradient(cache[2 * L - 1], Y);
  // Per-column weights (a model's own fold is 0, folds.ts): dA_L = 2·w·(A_L − Y).
  if (weights) for (let i = 0; i < dA.length; i++) dA[i] *= weights[i % m];
  for (let l = L; l >= 1; l--) {
    const W = params.W[l - 1];
    const Z = cache[2 * l - 2];
    const Aprev = l === 1 ? X : cache[2 * l - 3];
    const n = W.rows;
    const k = W.cols;
    // dZ_l = dA_l ⊙ reluMask(Z_l), the notebook's drelu: 1 only where Z > 0.
    const dZ = new Float64Array(n * m);
    for (let i = 0; i < dZ.length; i++) dZ[i] = Z.data[i] > 0 ? dA[i] : 0;
    const dWl = new Float64Array(n * k);
    const dbl = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const dzRow = dZ.subarray(i * m, (i + 1) * m);
      let rowSum = 0;
      for (let j = 0; j < m; j++) rowSum += dzRow[j];
      dbl[i] = rowSum / m;
      for (let p = 0; p < k; p++) {
        let s = 0;
        const aRow = p * m;
        for (let j = 0; j < m; j++) s += dzRow[j] * Aprev.data[aRow + j];
        dWl[i * k + p] = s / m;
      }
    }
    dW[l - 1] = matrix(n, k, dWl);
    db[l - 1] = dbl;
    if (l > 1) {
      // dA_{l-1} = W_lᵀ·dZ_l, in k-i-j order so the inner loop walks rows of dZ and dA.
      const next = new Float64Array(k * m);
      for (let p = 0; p < k; p++) {
        const out = next.subarray(p * m, (p + 1) * m);
        for (let i = 0; i < n; i++) {
          const w = W.data[i * k + p];
          if (w === 0) continue;
          const dzRow = i * m;
          for (let j = 0; j < m; j++) out[j] += w * dZ[dzRow + j];
        }
      }
      dA = next;
    }
  }
  return { dW, db };
}

/** The loss and the gradients of `params` on (X, Y): a forward pass with cache, then {@link backward}. */
export function lossAndGradients(X: Matrix, Y: Matrix, params: Params, weights?: ArrayLike<number>): { loss: number; grads: Gradients } {
  const { yOut, cache } = feedForward(X, params);
  return { loss: mseLoss(yOut, Y), grads: backward(X, Y, params, cache, weights) };
}
