// The fast backend's forward pass on every core: a large X split over the pool's workers gives the same A_L, bit
// for bit, as the fast backend in this thread; small inputs and cached passes stay here; setParams reaches the
// workers; dispose ends them.
import { afterEach, describe, expect, test } from 'vitest';
import { createFastBackend } from '../../src/fast/backend.ts';
import type { FastPool, PoolWorker } from '../../src/fast/pool.ts';
import { MIN_POOLED_COLUMNS, PooledBackend } from '../../src/fast/pooled-backend.ts';
import { nodeFastPool } from '../../src/platform/node-fast-pool.ts';
import { inputs, paramsFor } from './problems.ts';

const DIMS = [13, 64, 32, 16, 1];
let started: PoolWorker[] = [];
const pool = (threads: number): FastPool => {
  const base = nodeFastPool(threads);
  return {
    threads,
    async spawn() {
      const w = await base.spawn();
      started.push(w);
      return w;
    },
  };
};

afterEach(() => {
  started.forEach((w) => w.terminate());
  started = [];
});

describe('pooled fast forward', () => {
  for (const threads of [2, 3]) {
    test(`${threads} workers: a large ragged X gives the fast backend's A_L bit for bit`, async () => {
      const params = paramsFor(DIMS, 7);
      const X = inputs(13, MIN_POOLED_COLUMNS + 13, 'random', 5);
      const pooled = await PooledBackend.open(pool(threads), params);
      const local = await createFastBackend(params);
      const got = (await pooled.forward(X)).out;
      const want = (await local.forward(X)).out;
      expect(started).toHaveLength(threads);
      expect([got.rows, got.cols]).toEqual([want.rows, want.cols]);
      expect(Array.from(got.data)).toEqual(Array.from(want.data));
      expect(got.data.some((v) => v > 0)).toBe(true);
      // New parameters reach the workers.
      const next = paramsFor(DIMS, 8);
      await pooled.setParams(next);
      await local.setParams(next);
      expect(Array.from((await pooled.forward(X)).out.data)).toEqual(Array.from((await local.forward(X)).out.data));
      pooled.dispose();
      local.dispose();
      const ends = await Promise.allSettled(started.map((w) => w.died));
      expect(ends.every((e) => e.status === 'rejected')).toBe(true);
    });
  }

  test('a small X and a pass that keeps the cache run in this thread, starting no worker', async () => {
    const params = paramsFor(DIMS, 7);
    const pooled = await PooledBackend.open(pool(2), params);
    const small = await pooled.forward(inputs(13, 100));
    const cached = await pooled.forward(inputs(13, MIN_POOLED_COLUMNS + 1), { cache: true });
    expect(small.out.cols).toBe(100);
    expect(cached.cache).toHaveLength(8);
    expect(started).toHaveLength(0);
    pooled.dispose();
  });
});
