// What the GPU trainer writes before an epoch: the step table's rows (where each mini-batch starts, its size, and
// the step-size factor, Adam's depending on t), and the check of the data it is given.
import { type BatchPlan, batchRange } from '../../model/batches.ts';
import { adamStepScale } from '../../model/optimizer.ts';
import type { StepSettings, TrainingData } from '../../model/trainable.ts';
import { Step } from '../structs.ts';

/** One epoch's rows of the step table, after `t` steps so far; each model multiplies lrT by its own lr. */
export function epochStepTable(plan: BatchPlan, settings: StepSettings, t: number): ArrayBuffer {
  const entries = new ArrayBuffer(plan.count * Step.bytes);
  const o = settings.optimizer;
  for (let s = 0; s < plan.count; s++) {
    const { lrT, epsT } = o.kind === 'adam' ? adamStepScale({ ...o, lr: 1 }, t + s + 1) : { lrT: 1, epsT: 0 };
    const { start, count } = batchRange(plan, s);
    Step.write({ start, count, usePerm: 1, lrT, epsT, momentum: 0, beta1: o.beta1, beta2: o.beta2 }, entries, s);
  }
  return entries;
}

/**
 * The step table before its first epoch: plan.count rows for an epoch's batches (written per epoch), the program's
 * fixed entries from `fixedBase` on, then one `scratch` entry.
 */
export function fixedStepTable(
  plan: BatchPlan,
  fixed: readonly Parameters<typeof Step.write>[0][],
): { fixedBase: number; scratch: number; tableData: ArrayBuffer } {
  const fixedBase = plan.count;
  const scratch = fixedBase + fixed.length;
  const tableData = new ArrayBuffer((scratch + 1) * Step.bytes);
  fixed.forEach((entry, i) => Step.write(entry, tableData, fixedBase + i));
  return { fixedBase, scratch, tableData };
}

/** Every matrix of `data` has the rows `dims` needs, and there is at least one training example. */
export function checkTrainingData(dims: readonly number[], data: TrainingData): void {
  const [n0, nL] = [dims[0], dims[dims.length - 1]];
  const named = [
    ['xTrain', data.xTrain, n0],
    ['yTrain', data.yTrain, nL],
    ['xTest', data.xTest, n0],
    ['yTest', data.yTest, nL],
    ['xVal', data.xVal, n0],
    ['yVal', data.yVal, nL],
  ] as const;
  for (const [name, x, rows] of named) {
    if (x && x.rows !== rows) throw new RangeError(`${name} has ${x.rows} rows; the model needs ${rows}.`);
  }
  if (data.xTrain.cols < 1) throw new RangeError('Training needs at least one training example.');
}
