// Launches Debian's headless chromium through puppeteer-core, with or without WebGPU on SwiftShader.
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags that give headless chromium a SwiftShader WebGPU adapter on a GPU-less machine (WEBGPU-HEADLESS.md). */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

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

/** Starts headless chromium, or throws one sentence naming the install command when it is missing. */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium was not found at ${CHROMIUM_PATH}; install it with "apt-get install -y chromium".`);
  }
  const args = [...BASE_FLAGS, ...(options.webgpu === false ? [] : WEBGPU_FLAGS), ...(options.args ?? [])];
  return puppeteer.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args,
    userDataDir: mkdtempSync(join(tmpdir(), 'spotify-mlp-chromium-')),
    protocolTimeout: 600_000,
  });
}
