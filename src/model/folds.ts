// Cross-validated members: each training column belongs to one of k folds, and a model given fold f trains with
// weight 0 on that fold's columns (its loss on a mini-batch is (1/B)·Σ w_j (a_j − y_j)², B the batch's size, the
// same batches as every other model) and is validated on them. The same definition on every backend.
import type { Matrix } from './matrix.ts';
import type { StepSettings, TrainingData } from './trainable.ts';

/** Per training column, 1 where the model trains and 0 on its own fold; undefined when it has no fold. */
export function rowWeights(data: TrainingData, settings: Pick<StepSettings, 'fold'>): Float32Array | undefined {
  const { rowFold } = data;
  const fold = settings.fold;
  if (rowFold === undefined || fold === undefined) return undefined;
  if (rowFold.length !== data.xTrain.cols) throw new RangeError(`rowFold has ${rowFold.length} entries for ${data.xTrain.cols} training columns.`);
  return Float32Array.from(rowFold, (f) => (f === fold ? 0 : 1));
}

/**
 * The training and validation MSE of outputs `out` on the training set under `weights`: the rows of weight 1 and
 * those of weight 0 (the model's own fold), each summed in float64 and divided by its count of columns.
 */
export function foldLosses(out: Matrix, Y: Matrix, weights: ArrayLike<number>): { trainLoss: number; valLoss: number } {
  const sums = [0, 0];
  const counts = [0, 0];
  const m = Y.cols;
  for (let j = 0; j < m; j++) counts[weights[j] > 0 ? 0 : 1]++;
  for (let r = 0; r < Y.rows; r++) {
    for (let j = 0; j < m; j++) {
      const d = out.data[r * m + j] - Y.data[r * m + j];
      sums[weights[j] > 0 ? 0 : 1] += d * d;
    }
  }
  return { trainLoss: sums[0] / counts[0], valLoss: counts[1] > 0 ? sums[1] / counts[1] : Number.NaN };
}

/**
 * K models' weight rows back to back (model i's `folds[i]`; a model without one trains on every column), and each
 * model's count of held-out columns; null when no model has a fold.
 */
export function foldWeightRows(data: TrainingData, folds: readonly (number | undefined)[]): { weights: Float32Array<ArrayBuffer>; held: number[] } | null {
  if (data.rowFold === undefined || folds.every((f) => f === undefined)) return null;
  const m = data.xTrain.cols;
  const weights = new Float32Array(folds.length * m).fill(1);
  const held = folds.map((fold, i) => {
    const row = rowWeights(data, { fold });
    if (row) weights.set(row, i * m);
    return row ? row.filter((w) => w === 0).length : 0;
  });
  return { weights, held };
}
