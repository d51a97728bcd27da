// The MLP's parameters in the notebook's shapes: W_l is (dims[l], dims[l-1]) and b_l is (dims[l], 1).
import { type Matrix, matrix } from './matrix.ts';
import { checkDims } from './validate.ts';

/** The notebook's network: 13 inputs, hidden layers of 64, 32 and 16 units, one output. */
export const NOTEBOOK_DIMS: readonly number[] = [13, 64, 32, 16, 1];

/**
 * Parameters of an L-layer MLP. `W[l-1]` is the notebook's `W_l` (dims[l] rows, dims[l-1] columns) and
 * `b[l-1]` is `b_l` flattened to dims[l] values. Stored in float64 so numpy-seeded inits are exact.
 */
export interface Params {
  readonly dims: readonly number[];
  readonly W: Matrix<Float64Array>[];
  readonly b: Float64Array[];
}

/** Number of layers L (weight matrices) for these dims. */
export function layerCount(dims: readonly number[]): number {
  return dims.length - 1;
}

/** Parameters with every weight and bias zero, with the shapes `dims` asks for. */
export function zeroParams(dims: readonly number[]): Params {
  checkDims(dims);
  const W: Matrix<Float64Array>[] = [];
  const b: Float64Array[] = [];
  for (let l = 1; l < dims.length; l++) {
    W.push(matrix(dims[l], dims[l - 1], new Float64Array(dims[l] * dims[l - 1])));
    b.push(new Float64Array(dims[l]));
  }
  return { dims: [...dims], W, b };
}

/** A deep copy of `p`. */
export function cloneParams(p: Params): Params {
  return {
    dims: [...p.dims],
    W: p.W.map((w) => matrix(w.rows, w.cols, w.data.slice())),
    b: p.b.map((v) => v.slice()),
  };
}

/** Total number of weights and biases. */
export function parameterCount(dims: readonly number[]): number {
  let n = 0;
  for (let l = 1; l < dims.length; l++) n += dims[l] * dims[l - 1] + dims[l];
  return n;
}

/** FLOPs of one forward pass over m examples: 2·m·Σ n_in·n_out (the bias and ReLU are not counted). */
export function forwardFlops(dims: readonly number[], m: number): number {
  let macs = 0;
  for (let l = 1; l < dims.length; l++) macs += dims[l] * dims[l - 1];
  return 2 * m * macs;
}
