// The page's fast pool: one module Web Worker per core (pool-worker.ts), spoken to through comlink. Where the page
// is cross-origin isolated (the dev server and `vite preview` send COOP/COEP), the training data goes over once in
// a SharedArrayBuffer; elsewhere each worker gets its own copy (src/fast/pool.ts's shareable).
import { wrap } from 'comlink';
import type { GroupHost } from '../fast/group-host.ts';
import type { FastPool, PoolWorker } from '../fast/pool.ts';

/** A pool of at most `threads` workers (default: the cores the browser reports, at least 2). */
export function browserFastPool(threads = Math.max(2, navigator.hardwareConcurrency || 2)): FastPool {
  return {
    threads,
    async spawn() {
      const worker = new Worker(new URL('./pool-worker.ts', import.meta.url), { type: 'module', name: 'fast-pool' });
      const died = new Promise<never>((_, reject) => {
        worker.addEventListener('error', (e) => reject(new Error(e.message || 'the worker could not start')));
      });
      died.catch(() => {}); // observed only while a call is waiting
      return { host: wrap<GroupHost>(worker) as unknown as PoolWorker['host'], died, terminate: () => worker.terminate() };
    },
  };
}
