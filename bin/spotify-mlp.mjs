#!/usr/bin/env node
// The `spotify-mlp` command: loads the TypeScript CLI through tsx, so `npx spotify-mlp …` works right after `npm ci`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
