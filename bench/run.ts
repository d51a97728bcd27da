// `npm run bench`: measures every implementation side by side (chromium page + Node), prints the tables, writes results.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Command } from 'commander';
import { FULL_SIZES, QUICK_SIZES } from './data.ts';
import { estimateMs } from './measure.ts';
import { createNodeRunner } from './node.ts';
import { openBenchPage } from './page-runner.ts';
import { chartHtml, markdownTables, ratioLines, type RunInfo, TARGET_M } from './report.ts';
import { IMPLS, OPS, type BenchRecord, type CaseRunner, type Impl, type Op, type SkipRecord } from './types.ts';

const RESULTS = new URL('./results/', import.meta.url);

const program = new Command('bench')
  .description('Benchmark spotify-mlp against TF.js, ONNX Runtime Web and the CPU reference (see bench/README.md).')
  .option('--quick', `only m in {${QUICK_SIZES.join(', ')}}`)
  .option('--sizes <list>', 'comma-separated m values (overrides --quick)')
  .option('--impls <list>', `comma-separated subset of: ${IMPLS.join(', ')}`)
  .option('--ops <list>', `comma-separated subset of: ${OPS.join(', ')}`)
  .option('--max-run-s <s>', 'skip a case whose single run would take longer than this', '10')
  .option('--page <query>', 'peer settings for the page, e.g. "tfjs-layout=units-m&ort-layout=units-m&ort-threads=1"', '')
  .parse();
const opts = program.opts<{ quick?: boolean; sizes?: string; impls?: string; ops?: string; maxRunS: string; page: string }>();

function list<T extends string>(text: string | undefined, all: readonly T[], what: string): T[] {
  if (!text) return [...all];
  const items = text.split(',').map((s) => s.trim()) as T[];
  const bad = items.filter((i) => !all.includes(i));
  if (bad.length) {
    console.error(`Unknown ${what} ${bad.join(', ')}; choose from ${all.join(', ')}.`);
    process.exit(2);
  }
  return items;
}

const sizes = opts.sizes ? opts.sizes.split(',').map((s) => Number(s.replace(/_/g, ''))) : opts.quick ? QUICK_SIZES : FULL_SIZES;
if (sizes.some((m) => !Number.isInteger(m) || m < 1)) {
  console.error(`--sizes needs positive integers, got "${opts.sizes}".`);
  process.exit(2);
}
const impls = list<Impl>(opts.impls, IMPLS, 'implementation');
const ops = list<Op>(opts.ops, OPS, 'operation');
const maxRunMs = Number(opts.maxRunS) * 1000;
if (!(maxRunMs > 0)) {
  console.error(`--max-run-s needs a positive number of seconds, got "${opts.maxRunS}".`);
  process.exit(2);
}

function fmtHistory(history: { m: number; ms: number }[]): string {
  return history
    .slice(-2)
    .map((h) => `${h.ms.toFixed(0)} ms at m=${h.m}`)
    .join(', ');
}

function isSkip(r: BenchRecord | SkipRecord): r is SkipRecord {
  return 'skipped' in r;
}

async function main(): Promise<void> {
  const started = Date.now();
  const pageImpls = impls.filter((i) => i !== 'cpu-reference');
  const page = pageImpls.length ? await openBenchPage(opts.page) : undefined;
  const node = await createNodeRunner(impls);
  console.log(`# spotify-mlp benchmark, ${new Date().toISOString()}`);
  if (page)
    console.log(
      `chromium: ${page.browser}; adapter: ${page.info.adapter}; timestamp-query: ${page.info.timestampQuery}; ` +
        `cross-origin isolated: ${page.info.crossOriginIsolated} (${page.info.threads} wasm threads)`,
    );
  console.log(`node: ${process.version}; Dawn adapter: ${node.adapter}`);
  console.log(
    `sizes: ${sizes.join(', ')}; a case is skipped when one run would take over ${maxRunMs / 1000} s (${(3 * maxRunMs) / 1000} s at m = ${TARGET_M})\n`,
  );

  const runners: CaseRunner[] = page ? [page.runner, node] : [node];
  const offered = new Map<CaseRunner, { impl: Impl; ops: Op[] }[]>();
  for (const r of runners)
    offered.set(
      r,
      (await r.peers()).filter((p) => impls.includes(p.impl)),
    );
  const records: BenchRecord[] = [];
  const skips: SkipRecord[] = [];
  const errors: string[] = [];
  // The medians so far per (runtime, impl, op): time is about a + c·m, so the last two predict the next size.
  const seen = new Map<string, { m: number; ms: number }[]>();
  for (const m of sizes) {
    for (const op of ops) {
      for (const runner of runners) {
        for (const { impl, ops: peerOps } of offered.get(runner) ?? []) {
          if (!peerOps.includes(op)) continue;
          const key = `${runner.runtime}|${impl}|${op}`;
          const history = seen.get(key) ?? [];
          const prev = history[history.length - 1];
          const estimate = estimateMs(history, m);
          // The issue's targets are ratios at m = 24 000: there a slow peer gets 3× the time rather than no figure.
          const limitMs = m === TARGET_M ? 3 * maxRunMs : maxRunMs;
          // A predicted miss is skipped unseen (the linear fit was within ~10% here); a case predicted under the
          // limit is tried, and skipped if even a warm run is over it.
          if (prev && estimate > limitMs) {
            const why = Number.isFinite(prev.ms)
              ? `estimated ${(estimate / 1000).toFixed(1)} s per run (from ${fmtHistory(history)}), over the ${limitMs / 1000} s limit`
              : `it was already skipped or failed at m=${prev.m}`;
            skips.push({ impl, runtime: runner.runtime, op, m, skipped: why });
            console.log(`  skip ${impl} (${runner.runtime}) ${op} m=${m}: ${why}`);
            continue;
          }
          try {
            const r = await runner.runCase(impl, op, m, limitMs);
            if (isSkip(r)) {
              skips.push(r);
              seen.set(key, [...history, { m, ms: Infinity }]);
              console.log(`  skip ${impl} (${runner.runtime}) ${op} m=${m}: ${r.skipped}`);
            } else {
              records.push(r);
              seen.set(key, [...history, { m, ms: r.median_ms }]);
              console.log(`  ${impl} (${runner.runtime}) ${op} m=${m}: median ${r.median_ms} ms, min ${r.min_ms} ms, ${r.runs} runs, ${r.gflops} GFLOP/s`);
            }
          } catch (e) {
            const msg = (e as Error).message.split('\n')[0];
            errors.push(`${impl} (${runner.runtime}) ${op} m=${m}: ${msg}`);
            skips.push({ impl, runtime: runner.runtime, op, m, skipped: `ERROR: ${msg}` });
            seen.set(key, [...history, { m, ms: Infinity }]); // a failing case is not retried at larger m
            console.log(`  ERROR ${impl} (${runner.runtime}) ${op} m=${m}: ${msg}`);
          }
        }
      }
    }
  }
  for (const r of runners) await r.close();

  const info: RunInfo = {
    date: new Date().toISOString(),
    browser: page ? `${page.browser} (${page.info.userAgent})` : 'not run',
    browserAdapter: page ? `${page.info.adapter}${page.info.isFallbackAdapter ? ' (fallback adapter)' : ''}` : 'not run',
    nodeAdapter: node.adapter,
    timestampQuery: page?.info.timestampQuery ?? false,
    timing: 'wall-clock (performance.now) around each whole run: upload of X, every pass and the read-back',
    quick: !!opts.quick,
    notes: [`ORT wasm threads: ${page?.info.threads ?? 'n/a'}`, `machine: ${(await import('node:os')).cpus().length} CPU cores`],
  };
  const table = markdownTables(records, skips, sizes);
  const ratios = ratioLines(records);
  console.log(`\n${table}\n${ratios.length ? `Ratios at m = 24000:\n${ratios.join('\n')}\n` : ''}`);
  if (skips.length) console.log(`Skipped:\n${skips.map((s) => `- ${s.impl} (${s.runtime}) ${s.op} m=${s.m}: ${s.skipped}`).join('\n')}\n`);
  mkdirSync(RESULTS, { recursive: true });
  writeFileSync(new URL('latest.json', RESULTS), `${JSON.stringify({ info, records, skipped: skips }, null, 1)}\n`);
  writeFileSync(new URL('latest.md', RESULTS), `# spotify-mlp benchmark, ${info.date}\n\n${JSON.stringify(info, null, 1)}\n\n${table}\n${ratios.join('\n')}\n`);
  const chartJs = readFileSync(join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
  writeFileSync(new URL('latest.html', RESULTS), chartHtml(records, info, chartJs));
  console.log(`Wrote bench/results/latest.json, latest.md and latest.html in ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  if (errors.length) {
    console.error(`\n${errors.length} case(s) failed:\n${errors.join('\n')}`);
    process.exit(1);
  }
  process.exit(0); // Dawn's GPU object would keep Node alive otherwise
}

await main();
