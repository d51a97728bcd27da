// The notebook's relu and drelu, element-wise over a matrix.
import { type FloatArray, type Matrix, matrix } from '../model/matrix.ts';

function mapMatrix<T extends FloatArray>(x: Matrix<T>, f: (v: number) => number): Matrix<T> {
  const out = new (x.data.constructor as { new (n: number): T })(x.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(x.data[i]);
  return matrix(x.rows, x.cols, out);
}

/** `np.maximum(x, 0)` exactly as numpy computes it: `x >= 0 || isnan(x) ? x : 0`, so NaN and -0.0 pass through. */
export function relu<T extends FloatArray>(x: Matrix<T>): Matrix<T> {
  return mapMatrix(x, (v) => (v >= 0 || Number.isNaN(v) ? v : 0));
}

/** The notebook's `drelu`: 1 where x > 0, otherwise 0 (so 0 at x = 0). NaN gives 0, as `(x > 0)` does. */
export function reluMask<T extends FloatArray>(x: Matrix<T>): Matrix<T> {
  return mapMatrix(x, (v) => (v > 0 ? 1 : 0));
}
