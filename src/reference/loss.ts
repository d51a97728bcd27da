// The training loss on the CPU: mean squared error on the scaled target, and its gradient with respect to A_L.
import type { Matrix } from '../model/matrix.ts';

/**
 * MSE = (1/m)·Σ (A_L − Y)², summed over every output unit and example and divided by m (the examples).
 * The constant is 1/m, not 1/(2m), so the number printed is the plain mean squared error a user expects.
 */
export function mseLoss(yOut: Matrix, Y: Matrix): number {
  checkSameShape(yOut, Y);
  let sum = 0;
  for (let i = 0; i < Y.data.length; i++) {
    const d = yOut.data[i] - Y.data[i];
    sum += d * d;
  }
  return sum / Y.cols;
}

/**
 * dA_L = 2·(A_L − Y): the derivative of m·MSE. The 1/m of the loss is applied once, in dW_l and db_l, as the
 * backward formulas dW_l = dZ_l·A_{l-1}ᵀ/m and db_l = rowsum(dZ_l)/m say; so dA_l never carries it.
 */
export function mseGradient(yOut: Matrix, Y: Matrix): Float64Array {
  checkSameShape(yOut, Y);
  const out = new Float64Array(Y.data.length);
  for (let i = 0; i < out.length; i++) out[i] = 2 * (yOut.data[i] - Y.data[i]);
  return out;
}

function checkSameShape(a: Matrix, b: Matrix): void {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new RangeError(`The output is (${a.rows}, ${a.cols}) but the target is (${b.rows}, ${b.cols}).`);
  }
}
