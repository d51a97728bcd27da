// Times the GPU forward pass in Node (Dawn) against the CPU reference in the same run: warm-up, repeats, median/min.
// Usage: node bin/run-ts.mjs bench/kernels-node.ts [--m 24000] [--runs 10] [--variant NAME]…
import { feedForward } from '../src/cpu/forward.ts';
import { initialization } from '../src/cpu/init.ts';
import { createGpuBackend, type GpuBackendOptions } from '../src/gpu/backend.ts';
import { MATMUL_TILINGS } from '../src/gpu/tuning.ts';
import { matrix } from '../src/model/matrix.ts';
import { forwardFlops, NOTEBOOK_DIMS } from '../src/model/params.ts';
import { closeNodeGpu, openNodeGpu } from '../src/platform/node-gpu.ts';

/** The kernel paths the scheduler can take, by name. */
const VARIANTS: Record<string, GpuBackendOptions> = {
  auto: {},
  fused: { kernel: 'fused' },
  layered: { kernel: 'layered' },
  tiled: { kernel: 'layered', tiling: MATMUL_TILINGS.tiled },
  direct: { kernel: 'layered', tiling: MATMUL_TILINGS.direct },
  'separate-relu': { separateRelu: true },
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function args(name: string): string[] {
  return process.argv.flatMap((a, i) => (a === `--${name}` ? [process.argv[i + 1]] : []));
}

async function time(runs: number, warmup: number, fn: () => Promise<unknown> | unknown): Promise<{ median: number; min: number }> {
  for (let i = 0; i < warmup; i++) await fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return { median: t[Math.floor(t.length / 2)], min: t[0] };
}

const m = Number(arg('m', '24000'));
const runs = Number(arg('runs', '10'));
const variants = args('variant').length ? args('variant') : ['auto'];
const dims = NOTEBOOK_DIMS;
const params = initialization(dims, { seed: 42 });
let s = 1;
const X = matrix(dims[0], m, Float64Array.from({ length: dims[0] * m }, () => {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  return Math.fround(s / 2 ** 32);
}));
const gflops = (ms: number) => (forwardFlops(dims, m) / (ms * 1e-3) / 1e9).toFixed(2);
const ctx = await openNodeGpu();
console.log(`adapter: ${ctx.description}; node ${process.version}; m = ${m}, dims [${dims.join(', ')}], ${runs} runs`);
const want = feedForward(X, params);
const rows: string[] = ['| what | median ms | min ms | GFLOP/s |', '| --- | --- | --- | --- |'];
const cpu = await time(Math.min(runs, 5), 1, () => feedForward(X, params));
rows.push(`| CPU reference (float64 JS) | ${cpu.median.toFixed(1)} | ${cpu.min.toFixed(1)} | ${gflops(cpu.median)} |`);
for (const name of variants) {
  const options = VARIANTS[name];
  if (!options) throw new Error(`Unknown variant '${name}'; have ${Object.keys(VARIANTS).join(', ')}.`);
  const backend = await createGpuBackend(ctx, params, options);
  // Check before timing: a fast wrong kernel is worth nothing.
  const got = await backend.forward(X, { cache: true });
  let worst = 0;
  got.cache!.forEach((c, i) => c.data.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - want.cache[i].data[j])))));
  if (!(worst < 1e-3)) throw new Error(`Variant ${name} disagrees with the CPU reference by ${worst}.`);
  const fwd = await time(runs, 3, () => backend.forward(X));
  const fwdCache = await time(runs, 2, () => backend.forward(X, { cache: true }));
  rows.push(`| GPU ${name}, forward | ${fwd.median.toFixed(1)} | ${fwd.min.toFixed(1)} | ${gflops(fwd.median)} |`);
  rows.push(`| GPU ${name}, forward+cache | ${fwdCache.median.toFixed(1)} | ${fwdCache.min.toFixed(1)} | ${gflops(fwdCache.median)} |`);
  rows.push(`| (ratio CPU / GPU ${name} forward) | ${(cpu.median / fwd.median).toFixed(2)}× | | |`);
  backend.dispose();
}
console.log(rows.join('\n'));
closeNodeGpu(ctx);
process.exit(0);
