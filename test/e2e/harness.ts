// Shared by the end-to-end tests: serves the demo with Vite on a free localhost port and opens it in headless chromium.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, ConsoleMessage, Page } from 'puppeteer-core';
import { createServer, type ViteDevServer } from 'vite';
import { launchChromium } from '../../tools/chromium.ts';
import type { DemoStatus } from '../../src/demo/status.ts';

/** The repository root, where index.html and vite.config.ts live. */
export const ROOT = resolve(import.meta.dirname, '../..');

/** Where screenshots go; gitignored, kept after the run so a person can look at them. */
export const ARTIFACTS = join(ROOT, 'test/artifacts');

/** A served demo page in one browser, and what its console said. */
export interface DemoSession {
  readonly server: ViteDevServer;
  readonly browser: Browser;
  readonly page: Page;
  readonly url: string;
  /** Console errors and uncaught page errors, in order; a test asserts this stays empty. */
  readonly consoleErrors: string[];
  close(): Promise<void>;
}

/** Options of {@link openDemo}. */
export interface OpenDemoOptions {
  /** Launch chromium with the SwiftShader WebGPU flags (default true). */
  readonly webgpu?: boolean;
  /** Query string appended to the page URL, e.g. '?rows=2000'. */
  readonly query?: string;
  readonly width?: number;
  readonly height?: number;
}

/**
 * Starts Vite on a free port (localhost is a secure context, which navigator.gpu needs), launches chromium and
 * loads the page. Vite's dependency pre-bundling is skipped so the first load does not reload the page mid-test.
 */
export async function openDemo(options: OpenDemoOptions = {}): Promise<DemoSession> {
  const server = await createServer({
    root: ROOT,
    configFile: join(ROOT, 'vite.config.ts'),
    logLevel: 'error',
    clearScreen: false,
    server: { host: 'localhost', port: 0, strictPort: false, hmr: false, watch: null },
    optimizeDeps: { include: ['papaparse', 'seedrandom', 'chart.js'] },
  });
  await server.listen();
  const address = server.httpServer?.address();
  if (address === null || address === undefined || typeof address === 'string') {
    await server.close();
    throw new Error('Vite did not report a TCP port.');
  }
  const url = `http://localhost:${address.port}/${options.query ?? ''}`;
  const browser = await launchChromium({ webgpu: options.webgpu ?? true });
  const page = await browser.newPage();
  await page.setViewport({ width: options.width ?? 1280, height: options.height ?? 800 });
  const consoleErrors: string[] = [];
  page.on('console', (msg: ConsoleMessage) => {
    if (msg.type() === 'error') consoleErrors.push(`console: ${msg.text()} ${msg.location().url ?? ''}`);
  });
  page.on('pageerror', (err: unknown) => consoleErrors.push(`pageerror: ${String(err)}`));
  await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
  return {
    server,
    browser,
    page,
    url,
    consoleErrors,
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
    },
  };
}

/** The page's `window.__demo` status object, copied out of the page; null until the page's script has started. */
export async function demoStatus(page: Page): Promise<DemoStatus | null> {
  return page.evaluate(() => {
    const status = (window as unknown as { __demo?: unknown }).__demo;
    return status === undefined ? null : (JSON.parse(JSON.stringify(status)) as DemoStatus);
  });
}

/**
 * Polls the status object until `ready(status)` holds, and fails with the last status and `what` after `timeoutMs`.
 * Polling the status rather than page text keeps the tests independent of wording.
 */
export async function waitForStatus(page: Page, what: string, ready: (s: DemoStatus) => boolean, timeoutMs = 90_000): Promise<DemoStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: DemoStatus | null = null;
  while (Date.now() < deadline) {
    last = await demoStatus(page);
    if (last !== null && ready(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last status: ${JSON.stringify(last, null, 1).slice(0, 2000)}`);
}

/** Saves a screenshot (the full page, or only the viewport) as test/artifacts/NAME.png and returns its path. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`) as `${string}.png`;
  await page.screenshot({ path, fullPage: options.fullPage ?? true });
  return path;
}
