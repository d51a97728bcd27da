// Is a large distance after one Adam epoch at large m a bug or float32 drift? Compares, per tensor, how far the
// fast CPU backend (float32) ends from the float64 reference trainer with how far the float64 reference itself
// ends from a run whose only difference is the start rounded to float32 (a perturbation of about 6e-8 relative).
// If the reference moves that far from a float32-sized nudge, the trajectory is chaotic and such distances are
// drift, not a wrong update. `node bin/run-ts.mjs bench/drift.ts [m …]` (default 24000 100000 600000).
import { cloneParams, type Params } from '../src/model/params.ts';
import { matrix } from '../src/model/matrix.ts';
import { openNodeRuntime } from '../src/platform/node-runtime.ts';
import { CpuTrainer } from '../src/reference/trainer.ts';
import { makeBenchData, stepSettings, TRAIN } from './data.ts';
import { trainingLoss } from './reference.ts';
import type { BenchData } from './types.ts';

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((m) => m > 0);

const runtimes = { fast: await openNodeRuntime('cpu'), gpu: await openNodeRuntime('gpu') };

async function epochFrom(start: Params, data: BenchData, trainer: 'reference' | 'fast' | 'gpu'): Promise<Params> {
  const t = trainer === 'reference' ? new CpuTrainer(start) : await runtimes[trainer].trainer(start);
  const none = matrix(data.X.rows, 0, new Float64Array(0));
  await t.startTraining({ xTrain: data.X, yTrain: data.Y, xTest: none, yTest: matrix(1, 0, new Float64Array(0)) }, stepSettings('epoch', TRAIN));
  await t.trainEpoch();
  const p = await t.readParams();
  t.dispose();
  return p;
}

const tensors = (p: Params): Float64Array[] => p.W.flatMap((w, l) => [Float64Array.from(w.data), Float64Array.from(p.b[l])]);
const names = ['W1', 'b1', 'W2', 'b2', 'W3', 'b3', 'W4', 'b4'];
const dist = (a: ArrayLike<number>, b: ArrayLike<number>): number => Math.sqrt(Array.from(a).reduce((s, v, i) => s + (v - b[i]) ** 2, 0));

for (const m of sizes.length ? sizes : [24_000, 100_000, 600_000]) {
  const data = makeBenchData(m);
  const nudged = cloneParams(data.params);
  nudged.W.forEach((w) => w.data.forEach((v, i) => (w.data[i] = Math.fround(v))));
  const [ref, refNudged, fast, gpu] = [
    await epochFrom(data.params, data, 'reference'),
    await epochFrom(nudged, data, 'reference'),
    await epochFrom(data.params, data, 'fast'),
    await epochFrom(data.params, data, 'gpu'),
  ];
  const [s, r, rn, f, g] = [data.params, ref, refNudged, fast, gpu].map(tensors);
  console.log(`m = ${m} (${Math.ceil(m / TRAIN.batchSize)} Adam steps): distance from the float64 reference, as a share of how far the reference moved`);
  console.log('tensor  moved     fast float32   GPU float32  fast vs GPU  reference from a float32-rounded start');
  names.forEach((n, i) => {
    const moved = dist(r[i], s[i]);
    console.log(
      `${n.padEnd(6)}  ${moved.toPrecision(3).padStart(8)}  ${(dist(f[i], r[i]) / moved).toExponential(2).padStart(12)} ` +
        ` ${(dist(g[i], r[i]) / moved).toExponential(2).padStart(12)} ` +
        ` ${(dist(g[i], f[i]) / moved).toExponential(2).padStart(11)}  ${(dist(rn[i], r[i]) / moved).toExponential(2).padStart(12)}`,
    );
  });
  const [lr, lrn, lf, lg] = [ref, refNudged, fast, gpu].map((p) => trainingLoss(p, data));
  console.log(
    `training loss: reference ${lr.toPrecision(6)}, from the rounded start ${lrn.toPrecision(6)}, fast ${lf.toPrecision(6)}, GPU ${lg.toPrecision(6)}\n`,
  );
}
runtimes.fast.close();
runtimes.gpu.close();
