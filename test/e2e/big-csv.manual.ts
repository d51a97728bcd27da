// Not part of npm test: loads a 600k-row (~110 MB) tracks.csv into the demo and measures the parse time and how long
// the page's main thread was ever blocked meanwhile (the longest gap between 50 ms timer ticks).
// Usage: node bin/run-ts.mjs scripts/make_big_csv.ts /tmp/big.csv && node bin/run-ts.mjs test/e2e/big-csv.manual.ts /tmp/big.csv
import { statSync } from 'node:fs';
import type { ElementHandle } from 'puppeteer-core';
import { demoStatus, openDemo, screenshot, waitForStatus } from './harness.ts';

const path = process.argv[2];
if (path === undefined) {
  console.error('usage: node bin/run-ts.mjs test/e2e/big-csv.manual.ts BIG.csv');
  process.exit(2);
}
const s = await openDemo({ webgpu: true });
try {
  await waitForStatus(s.page, 'the page', (st) => st.ready, 180_000);
  await s.page.evaluate(() => {
    const w = window as unknown as { __maxGap: number };
    w.__maxGap = 0;
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      w.__maxGap = Math.max(w.__maxGap, now - last - 50);
      last = now;
    }, 50);
  });
  const before = (await demoStatus(s.page))?.data?.loads ?? 0;
  const input = (await s.page.$('#csv-file')) as ElementHandle<HTMLInputElement>;
  const t0 = Date.now();
  await input.uploadFile(path);
  const st = await waitForStatus(s.page, 'the big CSV', (x) => (x.data?.loads ?? 0) > before || x.errors.length > 0, 600_000);
  const seconds = (Date.now() - t0) / 1000;
  const maxGap = await s.page.evaluate(() => (window as unknown as { __maxGap: number }).__maxGap);
  console.log(`file ${(statSync(path).size / 2 ** 20).toFixed(1)} MiB; loaded in ${seconds.toFixed(1)} s; longest main-thread stall ${maxGap.toFixed(0)} ms`);
  console.log(JSON.stringify(st.data), st.errors);
  await screenshot(s.page, 'big-csv-loaded', { fullPage: false });
} finally {
  await s.close();
}
process.exit(0);
