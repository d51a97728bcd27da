#!/usr/bin/env node
// The `spotify-mlp` command. In the installed package it runs the built dist/; in a checkout (src/ present) it
// runs the TypeScript sources through tsx, so `npx spotify-mlp …` works right after `npm ci` with no build.
// SPOTIFY_MLP_FROM=dist forces the built output in a checkout (the package test does this).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const fromSource = process.env.SPOTIFY_MLP_FROM !== 'dist' && existsSync(new URL('../src/cli/main.ts', import.meta.url));
if (fromSource) (await import('tsx/esm/api')).register();
const load = (src, built) => import(fromSource ? src : built);
const env = await load('../src/platform/node-webgpu-env.ts', '../dist/platform/node-webgpu-env.js');

// On a machine with no GPU and no system SwiftShader, Dawn can use the bundled one only if this process STARTS
// with LD_LIBRARY_PATH naming its libvulkan.so.1: so run the CLI again, once, in a child with that environment.
let webgpu = { env: {} };
try {
  webgpu = env.webgpuProcessEnv();
} catch (e) {
  process.stderr.write(`spotify-mlp: ${e.message}\n`);
  process.exit(1);
}
if (webgpu.env.LD_LIBRARY_PATH && !env.envApplied(webgpu.env) && process.env.SPOTIFY_MLP_REEXEC !== '1') {
  // Ctrl-C reaches the child too (same process group), and the child decides: `train` stops after the epoch and
  // exits 130. Without a handler this waiting parent would die at once and return the shell while the child runs.
  process.on('SIGINT', () => {});
  const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1], ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, ...webgpu.env, SPOTIFY_MLP_REEXEC: '1' },
  });
  if (child.signal) process.kill(process.pid, child.signal);
  process.exit(child.status ?? 1);
}
Object.assign(process.env, webgpu.env);

const { main } = await load('../src/cli/main.ts', '../dist/cli/main.js');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// All work is done once main resolves. Node normally exits now; if a native handle still holds the event loop
// (Dawn's GPU instance when a command forgot to dispose), this timer ends the process after output has flushed.
// unref() keeps the timer itself from holding the loop, so a clean run exits at once.
setTimeout(() => process.exit(code), 500).unref();
