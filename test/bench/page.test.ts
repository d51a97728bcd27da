// The benchmark page in headless chromium: every in-page implementation passes its check and is timed at a small m.
import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchRecord, Impl, SkipRecord } from '../../bench/types.ts';
import { launchChromium } from '../../tools/chromium.ts';
import { type RunningVite, startVite } from '../../tools/vite-server.ts';

let vite: RunningVite;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

describe('bench page', () => {
  beforeAll(async () => {
    vite = await startVite({
      crossOriginIsolated: true,
      overrides: { logLevel: 'error', optimizeDeps: { include: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu'], exclude: ['onnxruntime-web'] } },
    });
    browser = await launchChromium({ webgpu: true });
    page = await browser.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${vite.origin}/bench/index.html`);
    await page.waitForFunction(() => 'bench' in window, { timeout: 120_000 });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await vite?.close();
  });

  it('reports a WebGPU adapter and a cross-origin isolated page (for ORT threads)', async () => {
    const info = await page.evaluate(() => window.bench.info());
    expect(info.adapter).not.toMatch(/^none/);
    expect(info.crossOriginIsolated).toBe(true);
  });

  const impls: Impl[] = ['spotify-mlp', 'tfjs-webgpu', 'tfjs-cpu', 'ort-webgpu', 'ort-wasm'];
  for (const impl of impls) {
    it(`checks and times ${impl} forward at m = 100`, async () => {
      const r: BenchRecord | SkipRecord = await page.evaluate((i) => window.bench.runCase(i, 'forward', 100, 60_000), impl);
      expect(r).not.toHaveProperty('skipped');
      expect(r).toMatchObject({ impl, runtime: 'chromium', op: 'forward', m: 100 });
      expect((r as BenchRecord).runs).toBeGreaterThanOrEqual(3);
    }, 120_000);
  }

  it('checks the train step of spotify-mlp and tfjs-webgpu at m = 100', async () => {
    for (const impl of ['spotify-mlp', 'tfjs-webgpu'] as const) {
      const r = await page.evaluate((i) => window.bench.runCase(i, 'train-step', 100, 60_000), impl);
      expect(r, impl).toMatchObject({ impl, op: 'train-step' });
    }
    expect(pageErrors).toEqual([]);
  }, 180_000);
});
