// Times the GPU forward pass in Node (Dawn) against the CPU reference in the same run. On a shared machine the
// load drifts, so the variants take turns (round-robin) instead of running one block each; median and min per case.
// Usage: node bin/run-ts.mjs bench/kernels-node.ts [--m 24000] [--runs 10] [--variant NAME]…
import { feedForward } from '../src/reference/forward.ts';
import { initialization } from '../src/reference/init.ts';
import { createGpuBackend, type GpuBackendOptions } from '../src/gpu/backend.ts';
import { MATMUL_TILINGS } from '../src/gpu/kernels/matmul-bias.ts';
import { matrix } from '../src/model/matrix.ts';
import { forwardFlops, NOTEBOOK_DIMS } from '../src/model/params.ts';
import { closeNodeGpu, openNodeGpu } from '../src/platform/node-gpu.ts';

/** The kernel paths the scheduler can take, by name. */
const VARIANTS: Record<string, GpuBackendOptions> = {
  auto: {},
  fused: { kernel: 'fused' },
  'fused-unrolled': { kernel: 'fused', fusedVariant: 'unrolled' },
  'fused-unrolled3': { kernel: 'fused', fusedVariant: 'unrolled3' },
  'fused-loop': { kernel: 'fused', fusedVariant: 'loop' },
  layered: { kernel: 'layered' },
  tiled: { kernel: 'layered', tiling: MATMUL_TILINGS.tiled },
  direct: { kernel: 'layered', tiling: MATMUL_TILINGS.direct },
  'separate-relu': { kernel: 'layered', separateRelu: true },
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

function args(name: string): string[] {
  return process.argv.flatMap((a, i) => (a === `--${name}` ? [process.argv[i + 1]] : []));
}

interface Case {
  readonly name: string;
  readonly run: () => unknown;
  readonly times: number[];
}

const m = Number(arg('m', '24000'));
const runs = Number(arg('runs', '10'));
const variants = args('variant').length ? args('variant') : ['auto'];
const dims = NOTEBOOK_DIMS;
const params = initialization(dims, { seed: 42 });
let s = 1;
const X = matrix(
  dims[0],
  m,
  Float64Array.from({ length: dims[0] * m }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround(s / 2 ** 32);
  }),
);
const ctx = await openNodeGpu();
console.log(`adapter: ${ctx.description}; node ${process.version}; m = ${m}, dims [${dims.join(', ')}], ${runs} runs each, round-robin`);
const want = feedForward(X, params);
const cases: Case[] = [{ name: 'CPU reference (float64 JS), forward', run: () => feedForward(X, params), times: [] }];
const backends = [];
for (const name of variants) {
  const options = VARIANTS[name];
  if (!options) throw new Error(`Unknown variant '${name}'; have ${Object.keys(VARIANTS).join(', ')}.`);
  const backend = await createGpuBackend(ctx, params, options);
  backends.push(backend);
  // Check before timing: a fast wrong kernel is worth nothing.
  const got = await backend.forward(X, { cache: true });
  let worst = 0;
  got.cache!.forEach((c, i) => c.data.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - want.cache[i].data[j])))));
  if (!(worst < 1e-3)) throw new Error(`Variant ${name} disagrees with the CPU reference by ${worst}.`);
  cases.push({ name: `GPU ${name}, forward`, run: () => backend.forward(X), times: [] });
  cases.push({ name: `GPU ${name}, forward+cache`, run: () => backend.forward(X, { cache: true }), times: [] });
}
for (const c of cases) await c.run(); // warm-up: pipelines compiled, staging buffers pooled
for (let i = 0; i < runs; i++) {
  for (const c of cases) {
    const t0 = performance.now();
    await c.run();
    c.times.push(performance.now() - t0);
  }
}
const stat = (t: number[]) => {
  const sorted = [...t].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0] };
};
const cpu = stat(cases[0].times).median;
const rows = ['| what | median ms | min ms | GFLOP/s (median) | CPU reference / this |', '| --- | --- | --- | --- | --- |'];
for (const c of cases) {
  const { median, min } = stat(c.times);
  const gflops = forwardFlops(dims, m) / (median * 1e-3) / 1e9;
  rows.push(`| ${c.name} | ${median.toFixed(1)} | ${min.toFixed(1)} | ${gflops.toFixed(2)} | ${(cpu / median).toFixed(2)}× |`);
}
console.log(rows.join('\n'));
for (const b of backends) b.dispose();
closeNodeGpu(ctx);
process.exit(0);
