// `npm run bench`: the main benchmark (bench/run.ts) and then the sweep benchmark (bench/sweep.ts), with the flags
// the user gave handed to each part in its own terms, so `--quick`, `--sizes`, `--impls` and `--ops` reach both:
//   --quick        main at m ∈ {100, 1 000, 24 000}; sweep at m = 24 000 with K ∈ {1, 4, 16}
//   --sizes a,b    main at those m; sweep at the one m named (24 000 when several include it; else the largest)
//   --impls …      main on those; sweep only when spotify-mlp is named, TF.js in it only when tfjs-webgpu is
//   --ops …        main on those of forward, forward+cache, train-step, epoch; sweep only when sweep-epoch is named
// The exit code is the first non-zero of the two (a wrong result is exit 1), after both have run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { QUICK_SIZES } from './data.ts';
import { IMPLS, OPS } from './types.ts';

const SWEEP_OP = 'sweep-epoch';
const opts = new Command('bench')
  .description('Every benchmark: bench/run.ts, then bench/sweep.ts (see bench/README.md).')
  .option('--quick', `small sizes only: m in {${QUICK_SIZES.join(', ')}}, and K up to 16 for the sweep`)
  .option('--sizes <list>', 'comma-separated m values (overrides --quick)')
  .option('--impls <list>', `comma-separated subset of: ${IMPLS.join(', ')}`)
  .option('--ops <list>', `comma-separated subset of: ${[...OPS, SWEEP_OP].join(', ')}`)
  .option('--ks <list>', 'model counts of the sweep benchmark (default 1,4,16,64; 1,4,16 with --quick)')
  .option('--max-run-s <s>', 'passed to bench/run.ts')
  .option('--page <query>', 'passed to bench/run.ts')
  .parse()
  .opts<{ quick?: boolean; sizes?: string; impls?: string; ops?: string; ks?: string; maxRunS?: string; page?: string }>();

const split = (text: string | undefined): string[] | undefined =>
  text
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const ops = split(opts.ops);
const impls = split(opts.impls);
const mainOps = ops?.filter((o) => o !== SWEEP_OP);
const runMain = !ops || mainOps!.length > 0;
const runSweep = (!ops || ops.includes(SWEEP_OP)) && (!impls || impls.includes('spotify-mlp'));

const mainArgs = [
  ...(opts.quick ? ['--quick'] : []),
  ...(opts.sizes ? ['--sizes', opts.sizes] : []),
  ...(impls ? ['--impls', impls.join(',')] : []),
  ...(mainOps ? ['--ops', mainOps.join(',')] : []),
  ...(opts.maxRunS ? ['--max-run-s', opts.maxRunS] : []),
  ...(opts.page ? ['--page', opts.page] : []),
];

function sweepM(): string {
  const sizes = split(opts.sizes)?.map((s) => Number(s.replace(/_/g, '')));
  if (!sizes) return '24000';
  return String(sizes.length === 1 ? sizes[0] : sizes.includes(24_000) ? 24_000 : Math.max(...sizes));
}
const sweepArgs = [
  '--m',
  sweepM(),
  ...(opts.ks ? ['--ks', opts.ks] : opts.quick ? ['--ks', '1,4,16'] : []),
  ...(impls && !impls.includes('tfjs-webgpu') ? ['--no-tfjs'] : []),
];

const runTs = fileURLToPath(new URL('../bin/run-ts.mjs', import.meta.url));
function part(script: string, args: string[]): number {
  console.log(`\n## bench/${script} ${args.join(' ')}\n`);
  const r = spawnSync(process.execPath, [runTs, fileURLToPath(new URL(script, import.meta.url)), ...args], { stdio: 'inherit' });
  return r.status ?? 128 + (r.signal === 'SIGINT' ? 2 : 15);
}

const codes = [runMain ? part('run.ts', mainArgs) : 0, runSweep ? part('sweep.ts', sweepArgs) : 0];
if (!runMain && !runSweep) console.error('Nothing to run: --ops and --impls leave no case.');
process.exitCode = codes.find((c) => c !== 0) ?? (runMain || runSweep ? 0 : 2);
