// The fast pool in Node: one worker_threads worker per core, each running fast-pool-worker, spoken to through
// comlink's Node adapter. Workers are unref'd, so an idle pool never holds the process open, and terminate() ends
// them at once. In a checkout the worker runs from its TypeScript source through tsx, as the CLI does.
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { wrap } from 'comlink/dist/esm/comlink.mjs';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { GroupHost } from '../fast/group-host.ts';
import type { FastPool, PoolWorker } from '../fast/pool.ts';

/**
 * A worker running fast-pool-worker beside this module: the built .js in the package; in a checkout its .ts source,
 * through tsx registered inside the worker first (Node 20 workers do not inherit the parent's module hooks).
 */
function startWorker(): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const entry = new URL(`./fast-pool-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  if (!fromSource) return new Worker(entry);
  const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/package.json')), 'dist', 'esm', 'api', 'index.mjs'));
  const boot = `import(${JSON.stringify(tsx.href)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true });
}

/** A pool of at most `threads` workers (default: the cores this process may use). */
export function nodeFastPool(threads = availableParallelism()): FastPool {
  return {
    threads,
    spawn() {
      const worker = startWorker();
      worker.unref();
      const died = new Promise<never>((_, reject) => {
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`the worker thread stopped (exit code ${code})`)));
      });
      died.catch(() => {}); // observed only while a call is waiting
      const host = wrap<GroupHost>(nodeEndpoint(worker));
      const ready: PoolWorker = { host: host, died, terminate: () => void worker.terminate() };
      // Online means the thread started; a module that fails to load shows up as `error` instead.
      return new Promise((resolve, reject) => {
        worker.once('online', () => resolve(ready));
        died.catch(reject);
      });
    },
  };
}
