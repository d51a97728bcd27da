// The package as a consumer gets it: `npm pack` (which builds dist/), the tarball installed into a fresh project
// from npm's cache, the Node examples run there, the browser example built with Vite and run in headless
// Chromium; every result is checked against the float64 CPU reference computed here from the sources.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, resolve } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialization } from '../../src/reference/init.ts';
import { feedForward } from '../../src/reference/forward.ts';
import { matrix } from '../../src/model/matrix.ts';
import { parseModel } from '../../src/model/model-file.ts';
import { launchChromium } from '../../tools/chromium.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_fund: 'false', npm_config_audit: 'false' },
  });

/** The examples' input: X (13, m), a fixed pattern in [0, 1). */
const exampleX = (m: number) =>
  matrix(
    13,
    m,
    Float64Array.from({ length: 13 * m }, (_, i) => Math.fround(((i * 7919) % 1000) / 1000)),
  );
const reference = (m: number): Float64Array => {
  const { cache } = feedForward(exampleX(m), initialization([13, 64, 32, 16, 1], { seed: 42, rng: 'numpy' }));
  return cache[cache.length - 1].data;
};
const expectClose = (found: readonly number[], expected: Float64Array): void => {
  expect(found.length).toBe(expected.length);
  const bad = found.map((v, i) => ({ i, v, e: expected[i] })).filter(({ v, e }) => !(Math.abs(v - e) <= 1e-5 + 1e-4 * Math.abs(e)));
  expect(bad.slice(0, 5), `${bad.length} outputs differ from the CPU reference`).toEqual([]);
};

describe('the packed package, installed into a fresh project', () => {
  let project = '';
  let tarball = '';
  beforeAll(() => {
    project = mkdtempSync(join(tmpdir(), 'spotify-mlp-consumer-'));
    // prepack builds dist/; --ignore-scripts=false keeps that true under a global ignore-scripts setting.
    const packed = JSON.parse(npm(['pack', '--json', '--ignore-scripts=false', '--pack-destination', project], ROOT)) as {
      filename: string;
      size: number;
      unpackedSize: number;
    }[];
    tarball = join(project, packed[0].filename);
    console.log(`[package] ${packed[0].filename}: ${packed[0].size} bytes packed, ${packed[0].unpackedSize} unpacked`);
    // As the README tells a user on a machine without a GPU or Debian's chromium: @sparticuz/chromium beside the
    // package gives Dawn its SwiftShader, which the package finds and loads by itself (no environment to set).
    const sparticuz = (JSON.parse(readFileSync(join(ROOT, 'node_modules/@sparticuz/chromium/package.json'), 'utf8')) as { version: string }).version;
    writeFileSync(
      join(project, 'package.json'),
      JSON.stringify({
        name: 'consumer',
        private: true,
        type: 'module',
        dependencies: { 'spotify-mlp': `file:${tarball}` },
        devDependencies: { '@sparticuz/chromium': sparticuz },
      }),
    );
    // From npm's cache: every dependency was fetched when this repository was installed.
    npm(['install', '--prefer-offline', '--no-package-lock'], project);
    cpSync(join(ROOT, 'examples'), join(project, 'examples'), { recursive: true, filter: (src) => !src.endsWith('package.json') });
  }, 240_000);
  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('installs only dist/, the bin and the model-format doc, with no TypeScript sources', () => {
    const pkg = join(project, 'node_modules/spotify-mlp');
    expect(existsSync(join(pkg, 'dist/index.js'))).toBe(true);
    expect(existsSync(join(pkg, 'dist/index.d.ts'))).toBe(true);
    expect(existsSync(join(pkg, 'dist/browser.js'))).toBe(true);
    expect(existsSync(join(pkg, 'src'))).toBe(false);
    expect(existsSync(join(pkg, 'shaders'))).toBe(false);
  });

  it("runs examples/node/forward.mjs on WebGPU with the CPU reference's outputs", () => {
    const run = spawnSync(process.execPath, ['examples/node/forward.mjs', '1000'], { cwd: project, encoding: 'utf8', timeout: 180_000 });
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
      kind: string;
      out: number[];
      firstMs: number;
      laterMs: number;
      description: string;
    };
    console.log(`[package] node forward on ${result.description}: first ${result.firstMs.toFixed(1)} ms, later ${result.laterMs.toFixed(1)} ms`);
    expect(result.kind).toBe('gpu');
    expectClose(result.out, reference(1000));
  });

  it('runs examples/node/train.mjs on WebGPU: the loss falls, as on the CPU reference, and model.json loads', () => {
    const run = (backend: string) => {
      const r = spawnSync(process.execPath, ['examples/node/train.mjs', backend], { cwd: project, encoding: 'utf8', timeout: 300_000 });
      expect(r.status, r.stderr).toBe(0);
      return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as { kind: string; losses: number[]; test: { r2: number } };
    };
    const gpu = run('gpu');
    const cpu = run('cpu');
    expect(gpu.kind).toBe('gpu');
    expect(cpu.kind).toBe('cpu');
    expect(gpu.losses.at(-1)).toBeLessThan(gpu.losses[0]);
    // float32 Adam against float64 Adam over a few hundred steps: the same run, within a few per cent.
    gpu.losses.forEach((loss, i) => expect(Math.abs(loss - cpu.losses[i]) / cpu.losses[i], `epoch ${i}`).toBeLessThan(0.05));
    const model = parseModel(readFileSync(join(project, 'model.json'), 'utf8'));
    expect(model.scaler).toBeDefined();
  });

  it('runs the CLI from the installed package (dist/)', () => {
    const run = spawnSync(join(project, 'node_modules/.bin/spotify-mlp'), ['--version'], { cwd: project, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim()).toBe((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version);
  });

  describe('examples/browser, built with Vite', () => {
    let server: Server | undefined;
    let origin = '';
    beforeAll(async () => {
      const root = join(project, 'examples/browser');
      await build({ root, configFile: false, logLevel: 'error', build: { outDir: join(root, 'dist'), target: 'es2022' } });
      const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript' };
      server = createServer((req, res) => {
        const path = join(root, 'dist', (req.url ?? '/').split('?')[0].replace(/\/$/, '/index.html'));
        if (!path.startsWith(join(root, 'dist')) || !existsSync(path)) return void res.writeHead(404).end();
        res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
      });
      await new Promise<void>((done) => server!.listen(0, 'localhost', done));
      const address = server.address();
      origin = `http://localhost:${typeof address === 'object' && address ? address.port : 0}`;
    }, 180_000);
    afterAll(() => server?.close());

    it('inlines the WGSL: the bundle loads no shader file', () => {
      const html = readFileSync(join(project, 'examples/browser/dist/index.html'), 'utf8');
      expect(html).toContain('<script type="module"');
    });

    for (const webgpu of [true, false]) {
      it(`runs the forward pass in headless Chromium ${webgpu ? 'on WebGPU' : 'without WebGPU (CPU reference)'}`, async () => {
        const browser = await launchChromium({ webgpu });
        try {
          const page = await browser.newPage();
          const errors: string[] = [];
          page.on('pageerror', (e) => errors.push(String(e)));
          await page.goto(`${origin}/`, { waitUntil: 'load' });
          await page.waitForFunction(() => (window as unknown as { __result?: unknown }).__result !== undefined, { timeout: 120_000 });
          const result = await page.evaluate(() => (window as unknown as { __result: { kind: string; out: number[] } }).__result);
          expect(errors).toEqual([]);
          if (webgpu) expect(result.kind).toBe('gpu');
          expectClose(result.out, reference(256));
        } finally {
          await browser.close();
        }
      });
    }
  });
});
