// Turns the records into the console's markdown table, the ratios at the target size, the JSON file and the chart page.
import { IMPLS, OPS, type BenchRecord, type Impl, type Op, type SkipRecord } from './types.ts';

/** Where and when the benchmark ran, stored next to the records. */
export interface RunInfo {
  date: string;
  browser: string;
  browserAdapter: string;
  nodeAdapter: string;
  timestampQuery: boolean;
  timing: string;
  quick: boolean;
  notes: string[];
}

/** The m at which the issue states its targets. */
export const TARGET_M = 24_000;

function fmtMs(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

function label(r: { impl: Impl; runtime: string }): string {
  return `${r.impl} (${r.runtime})`;
}

/** One markdown table per operation: a row per implementation, a column per m, cells "median ms (GFLOP/s)". */
export function markdownTables(records: BenchRecord[], skips: SkipRecord[], sizes: readonly number[]): string {
  const out: string[] = [];
  for (const op of OPS) {
    const rows = records.filter((r) => r.op === op);
    const skipped = skips.filter((s) => s.op === op);
    if (rows.length === 0 && skipped.length === 0) continue;
    out.push(`### ${op}: median ms (GFLOP/s)`, '', `| implementation | ${sizes.map((m) => `m = ${m.toLocaleString('en-US')}`).join(' | ')} |`);
    out.push(`| --- | ${sizes.map(() => '---:').join(' | ')} |`);
    const keys = [...new Set([...rows, ...skipped].map(label))].sort((a, b) => IMPLS.indexOf(a.split(' ')[0] as Impl) - IMPLS.indexOf(b.split(' ')[0] as Impl));
    for (const key of keys) {
      const cells = sizes.map((m) => {
        const r = rows.find((x) => label(x) === key && x.m === m);
        if (r) return `${fmtMs(r.median_ms)} (${r.gflops.toPrecision(3)})`;
        return skipped.some((s) => label(s) === key && s.m === m) ? 'skipped' : '';
      });
      out.push(`| ${key} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** Whom each of ours is compared with: the GPU path with every peer, the fast CPU path with the CPU peers. */
const COMPARED_WITH: Record<'spotify-mlp' | 'spotify-cpu', (impl: Impl) => boolean> = {
  'spotify-mlp': (impl) => impl !== 'spotify-mlp' && impl !== 'spotify-cpu',
  'spotify-cpu': (impl) => impl === 'ort-wasm' || impl === 'tfjs-cpu' || impl === 'cpu-reference',
};

/** How many times slower each other implementation is than each of ours in the same runtime, at TARGET_M. */
export function ratioLines(records: BenchRecord[]): string[] {
  const lines: string[] = [];
  for (const mine of ['spotify-mlp', 'spotify-cpu'] as const) {
    for (const op of OPS) {
      for (const runtime of ['chromium', 'node'] as const) {
        const ours = records.find((r) => r.impl === mine && r.op === op && r.m === TARGET_M && r.runtime === runtime);
        if (!ours) continue;
        // In the page, ours against every peer (and the CPU reference); in Node, against the CPU reference alone.
        const others = records.filter(
          (r) => r.op === op && r.m === TARGET_M && COMPARED_WITH[mine](r.impl) && (r.runtime === runtime || r.impl === 'cpu-reference'),
        );
        for (const o of others) {
          const ratio = o.median_ms / ours.median_ms;
          const text = ratio >= 1 ? `${mine} is ${ratio.toFixed(1)}× faster` : `${mine} is ${(1 / ratio).toFixed(1)}× SLOWER`;
          lines.push(`- ${op}, m = ${TARGET_M}: ${mine} (${runtime}) ${fmtMs(ours.median_ms)} ms vs ${label(o)} ${fmtMs(o.median_ms)} ms: ${text}`);
        }
      }
    }
  }
  return lines;
}

const COLORS = ['#d62728', '#9467bd', '#1f77b4', '#17becf', '#ff7f0e', '#bcbd22', '#7f7f7f'];

/** A self-contained HTML page with one log-log Chart.js plot per operation (time against m, a line per implementation). */
export function chartHtml(records: BenchRecord[], info: RunInfo, chartJs: string): string {
  const series = OPS.map((op: Op) => ({
    op,
    lines: [...new Set(records.filter((r) => r.op === op).map(label))].map((name) => {
      const [impl, runtime] = [name.split(' ')[0] as Impl, name.includes('(node)') ? 'node' : 'chromium'];
      // One colour per implementation in every chart; Node runs dashed.
      const color = COLORS[IMPLS.indexOf(impl)];
      return {
        label: name,
        borderColor: color,
        backgroundColor: color,
        borderDash: runtime === 'node' ? [6, 4] : [],
        data: records.filter((r) => r.op === op && label(r) === name).map((r) => ({ x: r.m, y: r.median_ms })),
      };
    }),
  })).filter((s) => s.lines.length > 0);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>spotify-mlp benchmark ${info.date}</title>
<style>body{font-family:system-ui,sans-serif;max-width:900px;margin:2em auto}canvas{margin-bottom:2em}</style>
<script>${chartJs.replace(/<\/script/gi, '<\\/script')}</script></head><body>
<h1>spotify-mlp benchmark</h1>
<p>${info.date}; ${escapeHtml(info.browser)}; adapter ${escapeHtml(info.browserAdapter)}; 
Node adapter ${escapeHtml(info.nodeAdapter)}; ${escapeHtml(info.timing)}.</p>
<div id="charts"></div>
<script>
const series = ${JSON.stringify(series)};
for (const s of series) {
  const c = document.createElement('canvas');
  document.getElementById('charts').append(c);
  new Chart(c, { type: 'line', data: { datasets: s.lines.map((l) => ({ ...l, showLine: true })) },
    options: { animation: false, plugins: { title: { display: true, text: s.op + ': median time per run (ms) against m' } },
      scales: { x: { type: 'logarithmic', title: { display: true, text: 'm (examples)' } },
                y: { type: 'logarithmic', title: { display: true, text: 'ms' } } } } });
}
</script></body></html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}
