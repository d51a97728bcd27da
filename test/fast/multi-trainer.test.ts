// The fast multi-trainer, in this thread and on a pool of worker threads: each of K models trained together equals
// it trained alone by the fast backend, bit for bit (same batches, same order, same kernels); a worker that throws
// or dies ends the call with one sentence; closing the runtime ends every worker.
import { describe, expect, test } from 'vitest';
import { createFastEnsemble } from '../../src/fast/ensemble.ts';
import { createFastMultiTrainer } from '../../src/fast/multi-trainer.ts';
import type { FastPool, PoolWorker } from '../../src/fast/pool.ts';
import { createFastTrainer } from '../../src/fast/trainer.ts';
import type { Params } from '../../src/model/params.ts';
import { nodeFastPool } from '../../src/platform/node-fast-pool.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { problem, settings } from './problems.ts';

const DIMS = [13, 16, 8, 1];
const LRS = [0.001, 0.004, 0.002, 0.008, 0.003];

/** A Node pool that keeps the workers it starts, so a test can reach them. */
function watchedPool(threads = 2): FastPool & { readonly started: PoolWorker[] } {
  const base = nodeFastPool(threads);
  const started: PoolWorker[] = [];
  return {
    threads,
    started,
    async spawn() {
      const w = await base.spawn();
      started.push(w);
      return w;
    },
  };
}

/** Model i alone on the fast backend, active in the epochs `active` marks for it (skipping the others). */
async function alone(params: Params, i: number, active: boolean[][]): Promise<Params> {
  const { data } = problem(DIMS, 90, 10, 4);
  const t = await createFastTrainer(params);
  await t.startTraining(data, { ...settings('adam', 16), optimizer: { ...settings('adam', 16).optimizer, lr: LRS[i] } });
  for (const epoch of active) await (epoch[i] ? t.trainEpoch() : t.skipEpoch());
  const p = await t.readParams();
  t.dispose();
  return p;
}

describe('fast multi-trainer', () => {
  const K = LRS.length;
  const params = Array.from({ length: K }, (_, i) => problem(DIMS, 90, 10, 10 + i).params);
  // Epoch 2 leaves models 1 and 3 out, as early stopping does.
  const active = [Array(K).fill(true), LRS.map((_, i) => i % 2 === 0), Array(K).fill(true)];

  for (const where of ['one thread', 'two worker threads'] as const) {
    test(`${where}: each of ${K} models equals it trained alone, bit for bit`, async () => {
      const pool = where === 'one thread' ? undefined : watchedPool(2);
      const { data } = problem(DIMS, 90, 10, 4);
      const multi = await createFastMultiTrainer(params, { pool });
      try {
        expect(multi.description).toMatch(where === 'one thread' ? /5 models on 1 thread/ : /5 models on 2 threads/);
        await multi.startTraining(
          data,
          settings('adam', 16),
          LRS.map((lr) => ({ lr })),
        );
        for (const epoch of active) await multi.trainEpoch(epoch);
        const together = await multi.readAllParams();
        expect(together).toHaveLength(K);
        for (let i = 0; i < K; i++) {
          const want = await alone(params[i], i, active);
          expect(
            together[i].W.map((w) => Array.from(w.data)),
            `model ${i}`,
          ).toEqual(want.W.map((w) => Array.from(w.data)));
          expect(
            together[i].b.map((b) => Array.from(b)),
            `model ${i}`,
          ).toEqual(want.b.map((b) => Array.from(b)));
          expect(Array.from(together[i].W[0].data)).not.toEqual(Array.from(params[i].W[0].data));
        }
        const evals = await multi.evaluate();
        expect(evals.map((e) => Number.isFinite(e.trainLoss))).toEqual(Array(K).fill(true));
        expect((await multi.readParams(3)).W[1].data).toEqual(together[3].W[1].data);
        // The members' outputs where they live (the workers' own models) equal the fast ensemble's of the params read back.
        const here = await createFastEnsemble(together);
        const there = multi.membersEnsemble?.() ?? here;
        const outs = await there.forwardMembers(data.xTest);
        expect(outs.map((o) => Array.from(o.data))).toEqual((await here.forwardMembers(data.xTest)).map((o) => Array.from(o.data)));
        expect(Array.from((await there.forward(data.xTest)).out.data)).toEqual(Array.from((await here.forward(data.xTest)).out.data));
        here.dispose();
      } finally {
        multi.dispose();
      }
    });
  }

  test('a worker that throws fails the call in one sentence, and the pool still answers', async () => {
    const pool = watchedPool(2);
    const multi = await createFastMultiTrainer(params, { pool });
    try {
      await expect(pool.started[1].host.fail('the kernels ran out of memory')).rejects.toThrow('the kernels ran out of memory');
      await expect(multi.trainEpoch()).rejects.toThrow('A CPU training worker failed: startTraining must be called before training.');
      // trainEpoch before startTraining is the workers' own error, reported as one sentence each time.
      const { data } = problem(DIMS, 90, 10, 4);
      await multi.startTraining(data, settings('adam', 16));
      await multi.trainEpoch();
      expect((await multi.evaluate()).length).toBe(K);
    } finally {
      multi.dispose();
    }
  });

  test('a worker that dies fails the next call in one sentence instead of hanging', async () => {
    const pool = watchedPool(2);
    const multi = await createFastMultiTrainer(params, { pool });
    const { data } = problem(DIMS, 90, 10, 4);
    await multi.startTraining(data, settings('adam', 16));
    pool.started[0].terminate();
    await expect(multi.trainEpoch()).rejects.toThrow(/^A CPU training worker failed: the worker thread stopped \(exit code 1\)$/);
    multi.dispose();
  });

  test('closing the runtime ends every worker', async () => {
    const pool = watchedPool(2);
    const runtime = createRuntime(null, undefined, 'fast', pool);
    await runtime.multiTrainer(params);
    await runtime.multiTrainer(params.slice(0, 2));
    expect(pool.started).toHaveLength(4);
    runtime.close();
    const ends = await Promise.allSettled(pool.started.map((w) => w.died));
    expect(ends.map((e) => (e.status === 'rejected' ? String(e.reason) : 'still running'))).toEqual(
      Array(4).fill('Error: the worker thread stopped (exit code 1)'),
    );
  });
});
