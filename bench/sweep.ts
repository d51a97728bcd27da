// `npm run bench:sweep` (also run by `npm run bench`): the sweep-epoch operation. K models of the notebook's
// network each take one epoch of mini-batch Adam (batch 128) over the same m = 24 000 rows. On the GPU: ours with
// all K in the same dispatches, ours K times one after another, and TF.js WebGPU training the same models one after
// another (measured at K = 1 in the page in the same run; K × that figure for larger K, labelled as such). On the
// CPU (bench/sweep-cpu.ts): ours on every core, ours one after another, and PyTorch. Every case is
// checked before it is timed: model 0 and model K − 1 of the batched run equal the same model trained alone, bit
// for bit, and model 0 matches the CPU reference trainer.
import { mkdirSync, writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { initialization } from '../src/reference/init.ts';
import { matrix } from '../src/model/matrix.ts';
import type { Params } from '../src/model/params.ts';
import type { MultiTrainer, TrainingData } from '../src/model/trainable.ts';
import { openNodeRuntime } from '../src/platform/node-runtime.ts';
import { checkEpochParams, checkTrainedAlone } from './check.ts';
import { makeBenchData, stepSettings, TRAIN } from './data.ts';
import { median } from './measure.ts';
import { referenceEpoch } from './reference.ts';
import { cpuSweep } from './sweep-cpu.ts';

const opts = new Command()
  .option('--ks <list>', 'model counts', '1,4,16,64')
  .option('--m <n>', 'training rows', '24000')
  .option('--runs <n>', 'timed epochs per case (after one warm-up)', '3')
  .option('--no-tfjs', 'skip TF.js WebGPU in the page')
  .option('--backends <list>', 'gpu (Dawn, K models in the same dispatches) and/or cpu (the fast backend on every core, and PyTorch)', 'gpu,cpu')
  .parse()
  .opts<{ ks: string; m: string; runs: string; tfjs: boolean; backends: string }>();
const backends = opts.backends.split(',');
const ks = opts.ks.split(',').map(Number);
const m = Number(opts.m);
const runs = Number(opts.runs);

const data = makeBenchData(m);
const training: TrainingData = {
  xTrain: data.X,
  yTrain: data.Y,
  xTest: matrix(data.X.rows, 0, new Float32Array(0)),
  yTest: matrix(1, 0, new Float32Array(0)),
};
const settings = stepSettings('epoch', TRAIN);
const modelsOf = (K: number): Params[] => Array.from({ length: K }, (_, i) => (i === 0 ? data.params : initialization(data.params.dims, { seed: 1000 + i })));

async function epochMs(trainer: MultiTrainer): Promise<number> {
  const t0 = performance.now();
  await trainer.trainEpoch();
  await trainer.evaluate();
  return performance.now() - t0;
}

interface Row {
  K: number;
  batchedMs: number;
  sequentialMs: number;
  sequentialRuns: number;
}

async function main(): Promise<void> {
  const reference = await referenceEpoch(data, TRAIN);
  const gpu = backends.includes('gpu') ? await gpuSweep(reference) : null;
  const cpu = backends.includes('cpu') ? await cpuSweep(data, training, settings, TRAIN, reference, modelsOf, ks, runs) : null;
  const lines = [...(gpu?.lines ?? []), ...(gpu && cpu ? [''] : []), ...(cpu?.lines ?? [])];
  console.log(`\n${lines.join('\n')}`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(new URL('./results/sweep.md', import.meta.url), `${lines.join('\n')}\n`);
  writeFileSync(
    new URL('./results/sweep.json', import.meta.url),
    `${JSON.stringify({ m, batch: TRAIN.batchSize, gpu: gpu?.json ?? null, cpu: cpu?.rows ?? null }, null, 2)}\n`,
  );
}

async function gpuSweep(reference: Params): Promise<{ lines: string[]; json: object }> {
  const runtime = await openNodeRuntime('gpu');
  const rows: Row[] = [];
  const started = Date.now();
  console.log(`# sweep-epoch, ${new Date().toISOString()}; node ${process.version}; ${runtime.description}; m = ${m}, batch ${TRAIN.batchSize}, Adam`);
  try {
    for (const K of ks) {
      const models = modelsOf(K);
      // The check: a fresh batched run's first and last model equal each trained alone; model 0 the CPU reference's.
      const batched = await runtime.multiTrainer(models);
      await batched.startTraining(training, settings);
      await batched.trainEpoch();
      for (const i of [...new Set([0, K - 1])]) {
        const alone = await runtime.multiTrainer([models[i]]);
        await alone.startTraining(training, settings);
        await alone.trainEpoch();
        checkTrainedAlone(`ERROR: K = ${K}: model ${i}`, await batched.readParams(i), await alone.readParams(0));
        alone.dispose();
      }
      checkEpochParams(`sweep K=${K} model 0`, await batched.readParams(0), reference, data.params, Math.ceil(m / TRAIN.batchSize));
      // Time: the batched run's epochs (it is warm now), then K single-model trainers one after another.
      const batchedTimes: number[] = [];
      for (let r = 0; r < runs; r++) batchedTimes.push(await epochMs(batched));
      batched.dispose();
      const singles = await Promise.all(models.map((p) => runtime.multiTrainer([p])));
      for (const s of singles) await s.startTraining(training, settings);
      await epochMs(singles[0]); // warm-up: the pipelines are compiled once per device
      const seqRuns = K >= 16 ? 1 : runs;
      const seqTimes: number[] = [];
      for (let r = 0; r < seqRuns; r++) {
        const t0 = performance.now();
        for (const s of singles) await epochMs(s);
        seqTimes.push(performance.now() - t0);
      }
      singles.forEach((s) => s.dispose());
      const row = { K, batchedMs: median(batchedTimes), sequentialMs: median(seqTimes), sequentialRuns: seqRuns };
      rows.push(row);
      console.log(
        `  K = ${K}: batched ${row.batchedMs.toFixed(0)} ms (${((K * 1000) / row.batchedMs).toFixed(2)} ` +
          `model-epochs/s), one after another ${row.sequentialMs.toFixed(0)} ms (${seqRuns} run${seqRuns > 1 ? 's' : ''})`,
      );
    }
  } finally {
    runtime.close();
  }
  const tfjs = opts.tfjs ? await tfjsEpochMs() : undefined;
  const k1 = rows.find((r) => r.K === 1)?.batchedMs;
  const lines = [
    `## sweep-epoch at m = ${m} (batch ${TRAIN.batchSize}, Adam), Node + Dawn (${runtime.description})`,
    '',
    '| K | ours, batched | model-epochs/s | vs K = 1 | ours, one after another | batched speed-up | TF.js WebGPU, one after another |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.K} | ${r.batchedMs.toFixed(0)} ms | ${((r.K * 1000) / r.batchedMs).toFixed(2)} | ` +
        `${k1 ? `${(r.batchedMs / k1).toFixed(2)}×` : '–'} | ${r.sequentialMs.toFixed(0)} ms | ` +
        `${(r.sequentialMs / r.batchedMs).toFixed(1)}× | ` +
        `${tfjs === undefined ? '–' : r.K === 1 ? `${tfjs.toFixed(0)} ms (measured)` : `${(r.K * tfjs).toFixed(0)} ms (K × the K = 1 figure)`} |`,
    ),
    '',
    `Medians of ${runs} timed epochs after a warm-up (one run one after another for K ≥ ` +
      `16); each epoch includes the loss read-back. Checked first: models 0 and K − 1 of ` +
      `the batched run equal the same model trained alone, bit for bit, and model 0 matches ` +
      `the CPU reference trainer. ${((Date.now() - started) / 1000).toFixed(0)} s in all.`,
  ];
  return { lines, json: { adapter: runtime.description, rows, tfjsEpochMsK1: tfjs ?? null } };
}

// TF.js WebGPU's epoch at K = 1 in the benchmark page (the same Chromium run the main benchmark uses).
async function tfjsEpochMs(): Promise<number | undefined> {
  const { openBenchPage } = await import('./page-runner.ts');
  const page = await openBenchPage();
  try {
    const r = await page.runner.runCase('tfjs-webgpu', 'epoch', m, 180_000);
    if ('skipped' in r) {
      console.log(`  tfjs-webgpu epoch skipped: ${r.skipped}`);
      return undefined;
    }
    console.log(`  tfjs-webgpu (chromium, ${page.info.adapter}) epoch at K = 1: ${r.median_ms.toFixed(0)} ms`);
    return r.median_ms;
  } finally {
    await page.runner.close();
  }
}

await main();
