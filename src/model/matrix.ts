// The one layout used everywhere: a (rows, cols) matrix stored row-major, so row i is unit i across all examples.

/** Float storage a matrix may use: float64 for the CPU reference and numpy parity, float32 on the GPU. */
export type FloatArray = Float32Array | Float64Array;

/** A dense row-major (rows, cols) matrix; for activations rows are units and cols are examples (the notebook's layout). */
export interface Matrix<T extends FloatArray = FloatArray> {
  readonly rows: number;
  readonly cols: number;
  readonly data: T;
}

/** Wraps `data` as a (rows, cols) matrix, checking that the sizes agree. */
export function matrix<T extends FloatArray>(rows: number, cols: number, data: T): Matrix<T> {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(`A matrix needs non-negative integer dimensions, got (${rows}, ${cols}).`);
  }
  if (data.length !== rows * cols) {
    throw new RangeError(`A (${rows}, ${cols}) matrix needs ${rows * cols} values, got ${data.length}.`);
  }
  return { rows, cols, data };
}

/** A zero-filled float64 (rows, cols) matrix. */
export function zeros64(rows: number, cols: number): Matrix<Float64Array> {
  return matrix(rows, cols, new Float64Array(rows * cols));
}

/** A zero-filled float32 (rows, cols) matrix. */
export function zeros32(rows: number, cols: number): Matrix<Float32Array> {
  return matrix(rows, cols, new Float32Array(rows * cols));
}

/** `(rows, cols)` as numpy prints a shape. */
export function shapeOf(m: Matrix): string {
  return `(${m.rows}, ${m.cols})`;
}

/** The columns [start, end) of `m` as a new matrix of the same storage type. */
export function sliceCols<T extends FloatArray>(m: Matrix<T>, start: number, end: number): Matrix<T> {
  const width = end - start;
  const out = new (m.data.constructor as { new (n: number): T })(m.rows * width);
  for (let r = 0; r < m.rows; r++) {
    out.set(m.data.subarray(r * m.cols + start, r * m.cols + end), r * width);
  }
  return matrix(m.rows, width, out);
}

/** A copy of `m` converted to float32, the GPU's storage. */
export function toFloat32(m: Matrix): Matrix<Float32Array> {
  return m.data instanceof Float32Array ? (m as Matrix<Float32Array>) : matrix(m.rows, m.cols, Float32Array.from(m.data));
}
