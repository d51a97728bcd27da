#!/usr/bin/env node
// The `spotify-mlp` command. In the installed package it runs the built dist/; in a checkout (src/ present) it
// runs the TypeScript sources through tsx, so `npx spotify-mlp …` works right after `npm ci` with no build.
// SPOTIFY_MLP_FROM=dist forces the built output in a checkout (the package test does this).
// It runs in this one process: the Vulkan loader Dawn needs is loaded by path when a GPU is opened
// (src/platform/vulkan-probe.ts), so no re-run with LD_LIBRARY_PATH, and every signal reaches the work itself.
import { existsSync } from 'node:fs';

const fromSource = process.env.SPOTIFY_MLP_FROM !== 'dist' && existsSync(new URL('../src/cli/main.ts', import.meta.url));
if (fromSource) (await import('tsx/esm/api')).register();
const { main } = await import(fromSource ? '../src/cli/main.ts' : '../dist/cli/main.js');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// All work is done once main resolves. Node normally exits now; if a native handle still holds the event loop
// (Dawn's GPU instance when a command forgot to dispose), this timer ends the process after output has flushed.
// unref() keeps the timer itself from holding the loop, so a clean run exits at once.
setTimeout(() => process.exit(code), 500).unref();
