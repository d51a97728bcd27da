// Reference matrix products for the forward and backward passes, in float64, in the (units, m) layout.
import { type Matrix, matrix } from '../model/matrix.ts';

/** Z = W·A + b, with W (n, k), A (k, m) and b (n) broadcast over the m columns, as `W @ A + b` in numpy. */
export function matmulBias(W: Matrix, A: Matrix, b: ArrayLike<number>): Matrix<Float64Array> {
  if (W.cols !== A.rows) {
    throw new RangeError(`Cannot multiply W (${W.rows}, ${W.cols}) by A (${A.rows}, ${A.cols}): inner sizes differ.`);
  }
  if (b.length !== W.rows) throw new RangeError(`The bias has ${b.length} values but W has ${W.rows} rows.`);
  const n = W.rows;
  const k = W.cols;
  const m = A.cols;
  const out = new Float64Array(n * m);
  const a = A.data;
  const w = W.data;
  for (let i = 0; i < n; i++) {
    const row = out.subarray(i * m, (i + 1) * m);
    // i-k-j order: the inner loop walks contiguous rows of A and Z.
    for (let p = 0; p < k; p++) {
      const wip = w[i * k + p];
      if (wip === 0) continue;
      const aRow = p * m;
      for (let j = 0; j < m; j++) row[j] += wip * a[aRow + j];
    }
    const bi = b[i];
    for (let j = 0; j < m; j++) row[j] += bi;
  }
  return matrix(n, m, out);
}
