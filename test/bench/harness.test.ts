// The benchmark's own checks must reject wrong results (zeros, a wrong value, a transposed cache) and time only checked cases.
import { describe, expect, it } from 'vitest';
import { measureCase } from '../../bench/cases.ts';
import { checkEpochParams, checkForward, checkParams, WrongResultError } from '../../bench/check.ts';
import { makeBenchData, TRAIN } from '../../bench/data.ts';
import { estimateMs, median } from '../../bench/measure.ts';
import { createCpuReferencePeer } from '../../bench/peers/cpu-reference.ts';
import { referenceEpoch, referenceSgdStep } from '../../bench/reference.ts';
import { markdownTables, ratioLines } from '../../bench/report.ts';
import type { BenchRecord, Peer } from '../../bench/types.ts';
import { feedForward } from '../../src/reference/forward.ts';
import { cloneParams } from '../../src/model/params.ts';

const data = makeBenchData(300);
const ref = feedForward(data.X, data.params);

describe('checkForward', () => {
  it('accepts the reference rounded to float32, output and cache', () => {
    expect(() =>
      checkForward(
        'f32',
        data,
        Float32Array.from(ref.yOut.data),
        ref.cache.map((c) => Float32Array.from(c.data)),
      ),
    ).not.toThrow();
  });

  it('rejects an output that is all zeros', () => {
    expect(() => checkForward('zeros', data, new Float32Array(data.m))).toThrow(/every output is zero/);
  });

  it('rejects one wrong value and names its index', () => {
    const out = Float32Array.from(ref.yOut.data);
    const i = out.findIndex((v) => v > 0);
    out[i] += 0.01;
    expect(() => checkForward('one off', data, out)).toThrow(new RegExp(`\\[${i}\\] expected`));
  });

  it('rejects a cache entry in the transposed layout', () => {
    const cache = ref.cache.map((c) => Float32Array.from(c.data));
    const Z1 = ref.cache[0];
    cache[0] = Float32Array.from(Z1.data, (_, i) => Z1.data[(i % Z1.rows) * Z1.cols + Math.floor(i / Z1.rows)]);
    expect(() => checkForward('transposed', data, Float32Array.from(ref.yOut.data), cache)).toThrow(WrongResultError);
  });

  it('rejects an output of the wrong length', () => {
    expect(() => checkForward('short', data, Float32Array.from(ref.yOut.data).subarray(1))).toThrow(/expected 300 outputs/);
  });
});

describe('checkParams', () => {
  it('rejects parameters that are off in one bias', () => {
    const want = referenceSgdStep(data.params, data.X, data.Y, TRAIN.sgdLearningRate).params;
    const got = cloneParams(want);
    expect(() => checkParams('same', got, want)).not.toThrow();
    got.b[2][3] += 1e-2;
    expect(() => checkParams('bias off', got, want)).toThrow(/b3:.*\[3\]/);
  });
});

describe('checkEpochParams', () => {
  it('accepts the reference trainer and small drift, rejects no training and a doubled update', async () => {
    const want = await referenceEpoch(data, TRAIN);
    const start = data.params;
    expect(() => checkEpochParams('same', want, want, start)).not.toThrow();
    const drift = cloneParams(want);
    drift.W[0].data.forEach((v, i) => (drift.W[0].data[i] = v + (i % 2 ? 1e-5 : -1e-5)));
    expect(() => checkEpochParams('drift', drift, want, start)).not.toThrow();
    expect(() => checkEpochParams('untrained', cloneParams(start), want, start)).toThrow(/W1 is/);
    const doubled = cloneParams(want);
    doubled.W[1].data.forEach((v, i) => (doubled.W[1].data[i] = 2 * v - start.W[1].data[i]));
    expect(() => checkEpochParams('doubled', doubled, want, start)).toThrow(/W2 is/);
  });

  it('past 1 000 steps allows the float32 drift bench/drift.ts measured, and still rejects no training and a doubled update', async () => {
    const want = await referenceEpoch(data, TRAIN);
    const start = data.params;
    const steps = 4688;
    const drifted = cloneParams(want);
    // Half of the reference's movement, off in another direction: float32 trainers end up to 0.50 apart at 4 688 steps.
    drifted.W.forEach((w, l) => w.data.forEach((v, i) => (w.data[i] = v + 0.5 * (i % 2 ? 1 : -1) * Math.abs(v - start.W[l].data[i]))));
    expect(() => checkEpochParams('drift at 4688 steps', drifted, want, start, steps)).not.toThrow();
    expect(() => checkEpochParams('drift at 188 steps', drifted, want, start, 188)).toThrow(/more than 0.3 of its movement/);
    expect(() => checkEpochParams('untrained', cloneParams(start), want, start, steps)).toThrow(/W1 is/);
    const doubled = cloneParams(want);
    doubled.W[1].data.forEach((v, i) => (doubled.W[1].data[i] = 2 * v - start.W[1].data[i]));
    expect(() => checkEpochParams('doubled', doubled, want, start, steps)).toThrow(/W2 is/);
  });
});

describe('measureCase', () => {
  it('checks and times every operation of the CPU reference', async () => {
    const peer = createCpuReferencePeer();
    for (const op of peer.ops) {
      const r = (await measureCase(peer, 'node', op, 64, 60_000)) as BenchRecord;
      expect(r, op).toMatchObject({ impl: 'cpu-reference', runtime: 'node', op, m: 64 });
      expect(r.runs, op).toBeGreaterThanOrEqual(3);
      expect(r.min_ms, op).toBeLessThanOrEqual(r.median_ms);
    }
  });

  it('refuses to time a peer whose forward is wrong', async () => {
    let timedRuns = 0;
    const wrong: Peer = {
      impl: 'tfjs-cpu',
      ops: ['forward'],
      adapter: 'test',
      async prepare(_op, d) {
        return {
          async run() {
            timedRuns++;
            const out = Float32Array.from(feedForward(d.X, d.params).yOut.data, (v) => v * 1.01);
            return { out };
          },
          dispose() {},
        };
      },
      dispose() {},
    };
    await expect(measureCase(wrong, 'chromium', 'forward', 64, 60_000)).rejects.toThrow(WrongResultError);
    expect(timedRuns).toBe(1);
  });
});

describe('timing helpers and report', () => {
  it('takes the median of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('predicts the next size from the line through the last two', () => {
    const history = [
      { m: 100, ms: 10 },
      { m: 1000, ms: 19 },
    ];
    expect(estimateMs(history, 10_000)).toBeCloseTo(19 + (9 / 900) * 9000);
    expect(estimateMs([{ m: 100, ms: Infinity }], 1000)).toBe(Infinity);
  });

  it('prints skipped cases in the table and ratios at m = 24000', () => {
    const rec = (impl: BenchRecord['impl'], ms: number): BenchRecord => ({
      impl,
      runtime: 'chromium',
      adapter: 'a',
      op: 'forward',
      m: 24_000,
      median_ms: ms,
      min_ms: ms,
      runs: 3,
      gflops: 1,
      timing: 'wall-clock',
    });
    const records = [rec('spotify-mlp', 10), rec('tfjs-webgpu', 150)];
    const table = markdownTables(records, [{ impl: 'ort-webgpu', runtime: 'chromium', op: 'forward', m: 24_000, skipped: 'too slow' }], [24_000]);
    expect(table).toMatch(/\| ort-webgpu \(chromium\) \| skipped \|/);
    expect(ratioLines(records).join('\n')).toMatch(/tfjs-webgpu \(chromium\) 150 ms: spotify-mlp is 15\.0× faster/);
  });
});
