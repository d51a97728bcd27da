// `npm run bench:explain`: explain's forward work, batched against the naive loop, in the same run on the same rows.
// One copy of the rows per (feature, shuffle) and per curve point: batched, all of them go to the model in one
// forward call (on the GPU, the ensemble's fused forward over every member and every copy, chunked only by the
// device's buffer limits); naive, one call per copy. Both are checked equal before they are timed. The rows are
// the random sample's test split when ../shared/data has it, else the synthetic tracks'; the model is a qple
// ensemble of --members networks (He init: the time does not depend on the weights).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { createModel, prepareTable } from '../src/index.ts';
import { syntheticDataset } from '../src/data/synthetic.ts';
import { explainTable } from '../src/explain/explain-table.ts';
import { fitEncoder } from '../src/model/encoding.ts';
import { parseEncoding } from '../src/data/encoding-spec.ts';
import { loadCsvFile } from '../src/platform/node-csv.ts';
import { openNodeRuntime } from '../src/platform/node-runtime.ts';
import { median } from './measure.ts';

const opts = new Command()
  .option('--members <n>', 'networks in the ensemble', '16')
  .option('--repeats <n>', 'shuffles per feature (R)', '5')
  .option('--runs <n>', 'timed runs per case (after one warm-up)', '3')
  .option('--backends <list>', 'gpu and/or cpu', 'gpu,cpu')
  .parse()
  .opts<{ members: string; repeats: string; runs: string; backends: string }>();

const SAMPLE = fileURLToPath(new URL('../../shared/data/spotify_tracks_random10k.csv', import.meta.url));
const table = existsSync(SAMPLE) ? await loadCsvFile(SAMPLE) : syntheticDataset({ rows: 10_000 });
const data = prepareTable(table);
const encoder = fitEncoder(data.xTrain, parseEncoding('qple').parts, 'qple');
const members = Array.from({ length: Number(opts.members) }, (_, i) => createModel({ dims: [encoder.width, 64, 32, 16, 1], seed: i + 1 }));
const model = { params: members[0], members, scaler: data.scaler, encoder };
const settings = { repeats: Number(opts.repeats), seed: 42 };
console.log(`rows: ${table.name}, test split; ensemble of ${members.length} qple networks [${members[0].dims.join(', ')}]; R = ${settings.repeats}`);

for (const kind of opts.backends.split(',') as ('gpu' | 'cpu')[]) {
  const runtime = await openNodeRuntime(kind);
  try {
    const time = async (batched: boolean) => {
      await explainTable(runtime, model, table, { ...settings, batched }); // warm-up: pipelines, JIT
      const ms: number[] = [];
      let calls = 0;
      for (let r = 0; r < Number(opts.runs); r++) {
        const t0 = performance.now();
        calls = (await explainTable(runtime, model, table, { ...settings, batched })).forwardCalls;
        ms.push(performance.now() - t0);
      }
      return { ms: median(ms), calls };
    };
    const a = await explainTable(runtime, model, table, settings);
    console.log(`  ${runtime.kind}: the batched check run is done`);
    const b = await explainTable(runtime, model, table, { ...settings, batched: false });
    console.log(`  ${runtime.kind}: the naive check run is done`);
    const worst = Math.max(...a.importances.flatMap((f, j) => f.increases.map((v, r) => Math.abs(v - b.importances[j].increases[r]))));
    if (worst > 1e-6) throw new Error(`batched and naive differ by ${worst} points on ${runtime.description}`);
    const batched = await time(true);
    const naive = await time(false);
    console.log(
      `${runtime.description}: ${a.rows} rows × ${a.copies} copies. batched ${batched.ms.toFixed(0)} ms in ${batched.calls} forward call; ` +
        `naive ${naive.ms.toFixed(0)} ms in ${naive.calls} calls; batched is ${(naive.ms / batched.ms).toFixed(2)}× faster (medians of ${opts.runs})`,
    );
  } finally {
    runtime.close();
  }
}
