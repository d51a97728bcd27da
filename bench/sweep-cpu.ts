// The sweep benchmark's CPU rows, for the machines most users have (no WebGPU adapter): K models of the notebook's
// network, one epoch of mini-batch Adam each over the same rows. Ours on every core (the fast multi-trainer on the
// Node worker pool), ours one model after another in one thread, and PyTorch on the CPU (bench/peers/
// pytorch_sweep.py: one nn.Sequential per model, and K models stacked with torch.baddbmm), same X, Y, batch and
// optimizer, in the same run, with the load average beside the figures. Epochs are timed without the loss
// evaluation, as PyTorch's are. Checked first: models 0 and K − 1 trained together equal each trained alone, bit for
// bit, and model 0 matches the float64 reference's epoch.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeNpy } from '../src/model/npy.ts';
import type { Params } from '../src/model/params.ts';
import type { MultiTrainer, StepSettings, TrainingData } from '../src/model/trainable.ts';
import { openNodeRuntime } from '../src/platform/node-runtime.ts';
import { checkEpochParams, checkTrainedAlone } from './check.ts';
import { median } from './measure.ts';
import type { BenchData, TrainSettings } from './types.ts';

/** One K: ours batched and one after another, and PyTorch's two ways, in ms per epoch of all K models. */
export interface CpuSweepRow {
  readonly K: number;
  readonly batchedMs: number;
  readonly sequentialMs: number;
  readonly torchSequentialMs?: number;
  readonly torchBmmMs?: number;
}

interface TorchResult {
  torch: string;
  threads: number;
  load_before: number[];
  load_after: number[];
  rows: { K: number; way: 'sequential' | 'bmm'; epoch_ms: number }[];
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

async function epochMs(trainer: MultiTrainer): Promise<number> {
  const t0 = performance.now();
  await trainer.trainEpoch();
  return performance.now() - t0;
}

/** The Python to run PyTorch with: SPOTIFY_MLP_PYTHON, else python3; null (and one line why) when torch is absent. */
function torchPython(): string | null {
  const python = process.env.SPOTIFY_MLP_PYTHON ?? 'python3';
  try {
    execFileSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' });
    return python;
  } catch {
    console.log(
      `  PyTorch rows skipped: ${python} has no torch; python3 -m venv .venv && .venv/bin/pip install torch numpy, then SPOTIFY_MLP_PYTHON=.venv/bin/python.`,
    );
    return null;
  }
}

function runTorch(python: string, data: BenchData, ks: readonly number[], runs: number, lr: number, batch: number): TorchResult {
  const dir = mkdtempSync(join(tmpdir(), 'spotify-mlp-torch-'));
  try {
    writeFileSync(join(dir, 'X.npy'), writeNpy(data.X));
    writeFileSync(join(dir, 'Y.npy'), writeNpy(data.Y));
    const script = new URL('./peers/pytorch_sweep.py', import.meta.url).pathname;
    const args = [script, join(dir, 'X.npy'), join(dir, 'Y.npy'), '--ks', ks.join(','), '--runs', String(runs), '--lr', String(lr)];
    const out = execFileSync(python, [...args, '--batch', String(batch), '--threads', String(availableParallelism())], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop()!) as TorchResult;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The CPU rows and their markdown lines. */
export async function cpuSweep(
  data: BenchData,
  training: TrainingData,
  settings: StepSettings,
  train: TrainSettings,
  reference: Params,
  modelsOf: (K: number) => Params[],
  ks: readonly number[],
  runs: number,
): Promise<{ rows: CpuSweepRow[]; lines: string[] }> {
  const runtime = await openNodeRuntime('cpu');
  const rows: CpuSweepRow[] = [];
  const threads = availableParallelism();
  console.log(`# sweep-epoch on the CPU: ${runtime.description}, ${threads} cores; load average ${load()}`);
  const python = torchPython();
  const torch = python ? runTorch(python, data, ks, runs, settings.optimizer.lr, settings.batchSize) : null;
  if (torch) console.log(`  PyTorch ${torch.torch}, ${torch.threads} threads; load average ${torch.load_before.join(', ')} → ${torch.load_after.join(', ')}`);
  try {
    for (const K of ks) {
      const models = modelsOf(K);
      const batched = await runtime.multiTrainer(models);
      await batched.startTraining(training, settings);
      await batched.trainEpoch();
      for (const i of [...new Set([0, K - 1])]) {
        const alone = await runtime.trainer(models[i]);
        await alone.startTraining(training, settings);
        await alone.trainEpoch();
        checkTrainedAlone(`ERROR: CPU K = ${K}: model ${i}`, await batched.readParams(i), await alone.readParams());
      }
      checkEpochParams(`CPU sweep K=${K} model 0`, await batched.readParams(0), reference, data.params, Math.ceil(data.m / train.batchSize));
      const batchedTimes: number[] = [];
      for (let r = 0; r < runs; r++) batchedTimes.push(await epochMs(batched));
      batched.dispose();
      const seqRuns = K >= 16 ? 1 : runs;
      const seqTimes: number[] = [];
      const singles = [];
      for (const p of models) singles.push(await runtime.trainer(p));
      for (const s of singles) await s.startTraining(training, settings);
      for (let r = 0; r < seqRuns; r++) {
        const t0 = performance.now();
        for (const s of singles) await s.trainEpoch();
        seqTimes.push(performance.now() - t0);
      }
      singles.forEach((s) => s.dispose());
      const pick = (way: 'sequential' | 'bmm') => torch?.rows.find((r) => r.K === K && r.way === way)?.epoch_ms;
      const row = { K, batchedMs: median(batchedTimes), sequentialMs: median(seqTimes), torchSequentialMs: pick('sequential'), torchBmmMs: pick('bmm') };
      rows.push(row);
      console.log(`  CPU K = ${K}: all cores ${row.batchedMs.toFixed(0)} ms, one after another ${row.sequentialMs.toFixed(0)} ms; load ${load()}`);
    }
  } finally {
    runtime.close();
  }
  const rate = (K: number, ms?: number) => (ms === undefined ? '–' : ((K * 1000) / ms).toFixed(1));
  const k1 = rows.find((r) => r.K === 1)?.batchedMs;
  const lines = [
    `## sweep-epoch on the CPU at m = ${data.m} (batch ${train.batchSize}, Adam), ${threads} cores`,
    '',
    `${runtime.description}; PyTorch: ${torch ? `${torch.torch}, ${torch.threads} threads` : 'not run'}; load average at the end ${load()}.`,
    '',
    '| K | ours, all cores | model-epochs/s | vs K = 1 | ours, one after another | ' +
      'PyTorch nn.Sequential × K | PyTorch baddbmm | model-epochs/s | ours ÷ PyTorch best |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => {
      const best = Math.min(r.torchSequentialMs ?? Infinity, r.torchBmmMs ?? Infinity);
      const ms = (v?: number) => (v === undefined ? '–' : `${v.toFixed(0)} ms`);
      return (
        `| ${r.K} | ${ms(r.batchedMs)} | ${rate(r.K, r.batchedMs)} | ${k1 ? `${(r.batchedMs / k1).toFixed(2)}×` : '–'} | ${ms(r.sequentialMs)} | ` +
        `${ms(r.torchSequentialMs)} | ${ms(r.torchBmmMs)} | ${rate(r.K, Number.isFinite(best) ? best : undefined)} | ` +
        `${Number.isFinite(best) ? `${(best / r.batchedMs).toFixed(2)}× faster` : '–'} |`
      );
    }),
    '',
    `Medians of ${runs} timed epochs after a warm-up (one run one after another for K ≥ 16), without the loss ` +
      `evaluation. PyTorch's model-epochs/s is its faster way's. Checked first: models 0 and K − 1 trained together ` +
      `equal each trained alone, bit for bit, and model 0 matches the float64 reference's epoch.`,
  ];
  return { rows, lines };
}
