// Times GPU training in Node (Dawn) next to the CPU reference trainer in the same run: a full-batch train-step
// (forward, backward, GD update, loss read back) and one mini-batch Adam epoch. Median and minimum of the repeats.
// Usage: node bin/run-ts.mjs bench/train-node.ts [--m 24000] [--epoch-m 9600] [--batch 128] [--runs 5] [--skip-cpu] [--variant auto|fused|layered]
import { initialization } from '../src/reference/init.ts';
import { OPTIMIZER_DEFAULTS } from '../src/model/optimizer.ts';
import { createGpuTrainer } from '../src/gpu/train/create.ts';
import type { TrainerKernel } from '../src/gpu/train/program.ts';
import { matrix } from '../src/model/matrix.ts';
import { NOTEBOOK_DIMS } from '../src/model/params.ts';
import type { OptimizerKind } from '../src/model/optimizer.ts';
import type { StepSettings, TrainableBackend, TrainingData } from '../src/model/trainable.ts';
import { closeNodeGpu, openNodeGpu } from '../src/platform/node-gpu.ts';
import { createCpuTrainer } from '../src/reference/trainer.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

interface Timing {
  readonly median: number;
  readonly min: number;
  /** Median CPU time of the whole process (SwiftShader's worker threads included): steadier than wall time on a shared machine. */
  readonly cpu: number;
}

async function time(runs: number, warmup: number, fn: () => Promise<unknown>): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const t: number[] = [];
  const c: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
    const dc = process.cpuUsage(c0);
    c.push((dc.user + dc.system) / 1000);
  }
  const median = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)];
  return { median: median(t), min: Math.min(...t), cpu: median(c) };
}

const cells = (t: Timing): string => `${t.median.toFixed(1)} | ${t.min.toFixed(1)} | ${t.cpu.toFixed(0)}`;

const m = Number(arg('m', '24000'));
const epochM = Number(arg('epoch-m', '9600'));
const batch = Number(arg('batch', '128'));
const runs = Number(arg('runs', '5'));
const skipCpu = process.argv.includes('--skip-cpu');
const dims = NOTEBOOK_DIMS;
const params = initialization(dims, { seed: 42 });
// Positive output bias so the output ReLU is alive and every gradient is exercised.
params.b[params.b.length - 1].fill(0.5);
let s = 1;
const rand = (rows: number, cols: number) =>
  matrix(
    rows,
    cols,
    Float64Array.from({ length: rows * cols }, () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return Math.fround(s / 2 ** 32);
    }),
  );
const dataOf = (cols: number): TrainingData => ({
  xTrain: rand(dims[0], cols),
  yTrain: rand(1, cols),
  xTest: matrix(dims[0], 0, new Float64Array(0)),
  yTest: matrix(1, 0, new Float64Array(0)),
});
const settings = (kind: OptimizerKind, lr: number): StepSettings => ({
  optimizer: { ...OPTIMIZER_DEFAULTS, kind, lr },
  batchSize: batch,
  seed: 1,
  rng: 'seedrandom',
});

const ctx = await openNodeGpu();
console.log(`adapter: ${ctx.description}; node ${process.version}; train-step m = ${m}, epoch m = ${epochM} batch ${batch}, ${runs} runs`);
const rows = ['| what | median ms | min ms | CPU ms (median) |', '| --- | --- | --- | --- |'];

/** A train-step (as bench/peers/spotify-mlp.ts times it: loss read back, one GD step) and an epoch, on `t`. */
// Made once, so the GPU and the CPU train on the same numbers.
const stepData = dataOf(m);
const epochData = dataOf(epochM);

async function measure(name: string, make: () => TrainableBackend): Promise<number[]> {
  const a = make();
  await a.startTraining(stepData, settings('gd', 0.01));
  const step = await time(runs, 1, async () => {
    await a.evaluate();
    await a.trainEpoch();
  });
  // Its parts: the full-set loss alone, and the GD step alone.
  const evalOnly = await time(runs, 0, () => a.evaluate());
  const stepOnly = await time(runs, 0, () => a.trainEpoch());
  const stepLoss = (await a.evaluate()).trainLoss;
  a.dispose();
  const b = make();
  await b.startTraining(epochData, settings('adam', 0.002));
  const epoch = await time(runs, 1, () => b.trainEpoch());
  const epochLoss = (await b.evaluate()).trainLoss;
  b.dispose();
  rows.push(`| ${name} train-step (m ${m}) | ${cells(step)} |`);
  rows.push(`| ${name}   of which loss only | ${cells(evalOnly)} |`);
  rows.push(`| ${name}   of which GD step only | ${cells(stepOnly)} |`);
  rows.push(`| ${name} Adam epoch (m ${epochM}, batch ${batch}) | ${cells(epoch)} |`);
  return [stepLoss, epochLoss];
}

const variant = arg('variant', 'auto') as TrainerKernel;
const gpuLoss = await measure(`GPU (${variant})`, () => createGpuTrainer(ctx, params, variant));
if (!skipCpu) {
  const cpuLoss = await measure('CPU reference', () => createCpuTrainer(params));
  // Same data, same steps: the losses after the runs must agree, or the timing means nothing. Hundreds of Adam
  // steps in float32 drift from float64 a little (Adam amplifies tiny gradients), hence 1 %.
  gpuLoss.forEach((g, i) => {
    if (!(Math.abs(g - cpuLoss[i]) <= 1e-5 + 1e-2 * Math.abs(cpuLoss[i]))) throw new Error(`GPU loss ${g} disagrees with the CPU's ${cpuLoss[i]}.`);
  });
  rows.push(
    `| (losses after the runs GPU / CPU) | ${gpuLoss.map((x) => x.toPrecision(6)).join(', ')} | ${cpuLoss.map((x) => x.toPrecision(6)).join(', ')} | |`,
  );
}
console.log(rows.join('\n'));
closeNodeGpu(ctx);
process.exit(0);
