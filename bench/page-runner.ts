// The benchmark page as a CaseRunner: Vite serves bench/index.html cross-origin isolated, headless Chromium loads it
// with WebGPU on, and each case is one page.evaluate of window.bench.
import { launchChromium } from '../tools/chromium.ts';
import { startVite } from '../tools/vite-server.ts';
import type { PageInfo } from './page.ts';
import type { CaseRunner } from './types.ts';

/** The page as a CaseRunner: each call is one page.evaluate of window.bench. */
export async function openBenchPage(query = ''): Promise<{ runner: CaseRunner; info: PageInfo; browser: string }> {
  // Pre-bundle TF.js up front so Vite does not discover it mid-load and reload the page; ORT must stay unbundled so
  // that it finds its .wasm files under ORT_WASM_PATH.
  const vite = await startVite({
    crossOriginIsolated: true,
    overrides: { optimizeDeps: { include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu'], exclude: ['onnxruntime-web'] } },
  });
  const browser = await launchChromium({ webgpu: true });
  const page = await browser.newPage();
  page.on('response', (res) => {
    if (res.status() >= 400 && !res.url().endsWith('/favicon.ico')) console.log(`  [page] ${res.status()} for ${res.url()}`);
  });
  page.on('console', (msg) => {
    if (msg.text().startsWith('Failed to load resource')) return; // reported with its URL by the response handler
    if (msg.type() === 'error' || msg.type() === 'warn') console.log(`  [page ${msg.type()}] ${msg.text()}`);
  });
  await page.goto(`${vite.origin}/bench/index.html${query ? `?${query}` : ''}`);
  await page.waitForFunction(() => 'bench' in window, { timeout: 120_000 });
  const info = await page.evaluate(() => window.bench.info());
  const runner: CaseRunner = {
    runtime: 'chromium',
    peers: () => page.evaluate(() => window.bench.peers()),
    runCase: (impl, op, m, limit) => page.evaluate((i, o, n, l) => window.bench.runCase(i, o, n, l), impl, op, m, limit),
    async close() {
      await browser.close();
      await vite.close();
    },
  };
  return { runner, info, browser: await browser.version() };
}
