#!/usr/bin/env node
// The `spotify-mlp` command: loads the TypeScript CLI through tsx, so `npx spotify-mlp …` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
const code = await main(process.argv.slice(2));
process.exitCode = code;
// All work is done once main resolves. Node normally exits now; if a native handle still holds the event loop
// (Dawn's GPU instance when a command forgot to dispose), this timer ends the process after output has flushed.
// unref() keeps the timer itself from holding the loop, so a clean run exits at once.
setTimeout(() => process.exit(code), 500).unref();
