// Launches headless Chromium through puppeteer-core, with or without WebGPU on SwiftShader: Debian's chromium
// where it is installed, else the one @sparticuz/chromium ships (SPOTIFY_MLP_CHROMIUM=system|bundled forces one).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';
import { type ChromiumLocation, findChromium } from '../src/platform/node-webgpu-env.ts';

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
