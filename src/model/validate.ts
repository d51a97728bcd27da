// The one check at the boundary: what the CLI, the page and the library API hand to a backend (dims, parameters,
// X) is refused here in one sentence, so no backend ever computes on a short buffer, NaN or a mis-shaped X.
import { UserError } from '../errors.ts';
import type { Matrix } from './matrix.ts';
import type { Params } from './params.ts';

/** Options of {@link checkInputShape}. */
export interface InputCheckOptions {
  /** How the message names X, starting with a capital, e.g. `The input 'X.npy'` (default `The input`). */
  readonly label?: string;
  /** Refuse an X with no columns (the CLI does; the library allows an empty batch). */
  readonly requireExamples?: boolean;
}

/**
 * Checks that `dims` describes a network: at least an input and an output width, every width a positive
 * integer. Throws one sentence (a UserError) naming what is wrong.
 */
export function checkDims(dims: readonly number[]): void {
  if (!Array.isArray(dims) || dims.length < 2) {
    throw new UserError(`The layer widths (dims) need at least an input and an output width, got [${Array.isArray(dims) ? dims.join(', ') : String(dims)}].`);
  }
  const bad = dims.findIndex((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 1);
  if (bad >= 0) {
    throw new UserError(`Every layer width must be a positive integer, but dims[${bad}] is ${String(dims[bad])} in [${dims.join(', ')}].`);
  }
}

/**
 * Checks parameters before a backend takes them: the dims, each W_l of shape (dims[l], dims[l-1]) with that many
 * values, each b_l of dims[l] values, and every weight and bias finite.
 */
export function checkParams(params: Params): void {
  checkDims(params.dims);
  const L = params.dims.length - 1;
  if (!Array.isArray(params.W) || params.W.length !== L || !Array.isArray(params.b) || params.b.length !== L) {
    throw new UserError(
      `Parameters for dims [${params.dims.join(', ')}] need ${L} weight matrices and ` +
        `${L} bias vectors, got ${params.W?.length ?? 0} and ${params.b?.length ?? 0}.`,
    );
  }
  for (let l = 0; l < L; l++) {
    const rows = params.dims[l + 1];
    const cols = params.dims[l];
    const W = params.W[l];
    if (W.rows !== rows || W.cols !== cols) {
      throw new UserError(`W${l + 1} has shape (${W.rows}, ${W.cols}) but dims [${params.dims.join(', ')}] needs (${rows}, ${cols}).`);
    }
    checkMatrixData(W, `W${l + 1}`);
    const b = params.b[l];
    if (b.length !== rows) throw new UserError(`b${l + 1} has ${b.length} values but dims [${params.dims.join(', ')}] needs ${rows}.`);
    const at = firstNonFinite(b);
    if (at >= 0) throw new UserError(`b${l + 1}[${at}] is ${b[at]}; every bias must be a finite number.`);
  }
}

/**
 * Checks that X can go into a network with these dims: its data holds exactly rows × cols values, it has dims[0]
 * rows (features), and every value is finite. One sentence names the problem and the fix; a transposed X says so.
 */
export function checkInputShape(X: Matrix, dims: readonly number[], options: InputCheckOptions = {}): void {
  const label = options.label ?? 'The input';
  const features = dims[0];
  const shape = `(${X.rows}, ${X.cols})`;
  if (!Number.isSafeInteger(X.rows) || !Number.isSafeInteger(X.cols) || X.rows < 0 || X.cols < 0) {
    throw new UserError(`${label} has shape ${shape}; a matrix needs non-negative integer rows and columns.`);
  }
  if (X.data.length !== X.rows * X.cols) {
    throw new UserError(
      `${label} claims shape ${shape}, which needs ${X.rows * X.cols} values, but ` +
        `its data holds ${X.data.length}; build it with createMatrix(rows, cols, data).`,
    );
  }
  if (X.rows !== features) {
    const transposed = X.cols === features ? '; it looks transposed, so save X.T (one column per example)' : '';
    throw new UserError(`${label} has shape ${shape} but the model expects ${features} features, shape (${features}, m)${transposed}.`);
  }
  if (options.requireExamples && X.cols === 0) {
    throw new UserError(`${label} has no examples (shape ${shape}); it needs at least one column.`);
  }
  const first = firstNonFinite(X.data);
  if (first >= 0) {
    let bad = 0;
    for (let i = first; i < X.data.length; i++) if (!Number.isFinite(X.data[i])) bad++;
    const row = Math.floor(first / X.cols);
    const col = first % X.cols;
    throw new UserError(
      `${label} has ${bad} non-finite value${bad > 1 ? 's' : ''} (NaN or Inf); the first is ${X.data[first]} ` +
        `at row ${row}, column ${col} (feature ${row} of example ${col}), so clean the data first.`,
    );
  }
}

function checkMatrixData(m: Matrix, name: string): void {
  if (m.data.length !== m.rows * m.cols) {
    throw new UserError(`${name} claims shape (${m.rows}, ${m.cols}), which needs ${m.rows * m.cols} values, but its data holds ${m.data.length}.`);
  }
  const at = firstNonFinite(m.data);
  if (at >= 0) {
    throw new UserError(`${name}[${Math.floor(at / m.cols)}][${at % m.cols}] is ${m.data[at]}; every weight must be a finite number.`);
  }
}

// A plain loop: this runs on every forward pass, and Array.prototype.findIndex on a typed array is several times slower.
function firstNonFinite(data: ArrayLike<number>): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v - v !== 0) return i; // NaN - NaN and Inf - Inf are NaN; every finite v gives 0
  }
  return -1;
}
