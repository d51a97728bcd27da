// Launches headless Chromium through puppeteer-core, with or without WebGPU on SwiftShader: Debian's chromium
// where it is installed, else the one @sparticuz/chromium ships (SPOTIFY_MLP_CHROMIUM=system|bundled forces one).
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { bundledChromiumDir } from '../src/platform/swiftshader-bundle.ts';

/** Where Debian's chromium package puts the browser. */
const SYSTEM_CHROMIUM = '/usr/bin/chromium';

/** A headless Chromium to launch, and the environment it needs. */
export interface ChromiumLocation {
  readonly source: 'system' | 'bundled' | 'env';
  readonly executablePath: string;
  /** Variables to add to the browser's environment (the bundled one needs its NSS libraries on LD_LIBRARY_PATH). */
  readonly env: Readonly<Record<string, string>>;
}

/** `SPOTIFY_MLP_CHROMIUM`: `system` or `bundled` forces a browser; unset or `auto` prefers the system's. */
function chromiumChoice(value = process.env.SPOTIFY_MLP_CHROMIUM): 'auto' | 'system' | 'bundled' {
  const v = (value ?? 'auto').trim().toLowerCase();
  if (v === '' || v === 'auto') return 'auto';
  if (v === 'system' || v === 'bundled') return v;
  throw new Error(`SPOTIFY_MLP_CHROMIUM=${value} is not one of auto, system, bundled.`);
}

/** `dir` in front of a colon-separated path list, once. */
function prependPath(dir: string, list: string | undefined): string {
  const parts = (list ?? '').split(':').filter((p) => p !== '' && p !== dir);
  return [dir, ...parts].join(':');
}

/**
 * The headless Chromium to launch: `CHROMIUM_PATH` when set, else `SPOTIFY_MLP_CHROMIUM` (system = /usr/bin/chromium,
 * bundled = @sparticuz/chromium's), else the system one when it exists and the bundled one otherwise.
 */
export function findChromium(choice = chromiumChoice()): ChromiumLocation {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return { source: 'env', executablePath: fromEnv, env: {} };
  if (choice !== 'bundled' && existsSync(SYSTEM_CHROMIUM)) return { source: 'system', executablePath: SYSTEM_CHROMIUM, env: {} };
  if (choice === 'system') {
    throw new Error(`SPOTIFY_MLP_CHROMIUM=system, but ${SYSTEM_CHROMIUM} does not exist; install it with "apt-get install -y chromium".`);
  }
  const dir = bundledChromiumDir();
  if (!dir) {
    const why = choice === 'bundled' ? 'SPOTIFY_MLP_CHROMIUM=bundled, but' : `Chromium was not found at ${SYSTEM_CHROMIUM} and`;
    throw new Error(`${why} @sparticuz/chromium is not installed; run "npm ci" (it is a devDependency) or "apt-get install -y chromium".`);
  }
  return {
    source: 'bundled',
    executablePath: join(dir, 'chromium'),
    env: { LD_LIBRARY_PATH: prependPath(join(dir, 'lib'), prependPath(dir, process.env.LD_LIBRARY_PATH)) },
  };
}

/**
 * Flags that give headless chromium a SwiftShader WebGPU adapter on a GPU-less machine (WEBGPU-HEADLESS.md);
 * Chromium 153 (the bundled one) also wants --enable-unsafe-swiftshader, which Debian's accepts too.
 */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-unsafe-swiftshader'];

/** Flags every launch needs here: no sandbox as root, and no background network traffic on a closed network. */
export const BASE_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

/** Options of {@link launchChromium}. */
export interface LaunchOptions {
  /** Launch with the WebGPU flags (default true); false gives a browser without navigator.gpu adapters. */
  readonly webgpu?: boolean;
  /** Extra chromium flags. */
  readonly args?: readonly string[];
}

let chosen: ChromiumLocation | undefined;

/** The browser {@link launchChromium} starts (found once per process; the bundled one is unpacked on first use). */
export function chromiumLocation(): ChromiumLocation {
  chosen ??= findChromium();
  return chosen;
}

/** Starts headless chromium, or throws one sentence naming the install command when there is none. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  const chromium = chromiumLocation();
  const args = [...BASE_FLAGS, ...(options.webgpu === false ? [] : WEBGPU_FLAGS), ...(options.args ?? [])];
  return puppeteer.launch({
    executablePath: chromium.executablePath,
    env: { ...process.env, ...chromium.env },
    headless: true,
    args,
    userDataDir: mkdtempSync(join(tmpdir(), 'spotify-mlp-chromium-')),
    protocolTimeout: 600_000,
  });
}
