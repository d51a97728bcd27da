// The timing loop every case goes through, in the page and in Node: check once, warm up, repeat, take median and min.
import { gflopsOf } from './data.ts';
import type { BenchRecord, Op, PeerCase, Runtime, Impl } from './types.ts';

/** How long to keep repeating a case, and the bounds on the repeat count. */
export interface RepeatPolicy {
  readonly targetMs: number;
  readonly minRuns: number;
  readonly maxRuns: number;
  readonly warmups: number;
}

/** The default: at least 3 timed runs, more for fast cases until about 1.5 s of timing, at most 30. */
export const DEFAULT_POLICY: RepeatPolicy = { targetMs: 1500, minRuns: 3, maxRuns: 30, warmups: 1 };

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Identifies a case in a record. */
export interface CaseId {
  readonly impl: Impl;
  readonly runtime: Runtime;
  readonly adapter: string;
  readonly op: Op;
  readonly m: number;
  readonly variant?: string;
}

/**
 * Times `c.run` after it was checked: `warmups` untimed runs, then repeats until `targetMs` has passed (within
 * the run bounds). The time is wall-clock around the whole run, upload and read-back included.
 */
export async function timeCase(id: CaseId, c: PeerCase, policy: RepeatPolicy = DEFAULT_POLICY): Promise<BenchRecord> {
  for (let i = 0; i < policy.warmups; i++) await c.run();
  const times: number[] = [];
  let spent = 0;
  while (times.length < policy.minRuns || (spent < policy.targetMs && times.length < policy.maxRuns)) {
    const t0 = performance.now();
    await c.run();
    const dt = performance.now() - t0;
    times.push(dt);
    spent += dt;
  }
  const med = median(times);
  return {
    impl: id.impl,
    runtime: id.runtime,
    adapter: id.adapter,
    op: id.op,
    m: id.m,
    median_ms: round(med),
    min_ms: round(Math.min(...times)),
    runs: times.length,
    gflops: round(gflopsOf(id.op, id.m, med)),
    timing: 'wall-clock',
    ...(id.variant ? { variant: id.variant } : {}),
  };
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}

/** Predicted ms per run at m from earlier sizes: the line through the last two points (never below the last). */
export function estimateMs(history: { m: number; ms: number }[], m: number): number {
  if (history.length === 0) return 0;
  const b = history[history.length - 1];
  if (history.length === 1 || !Number.isFinite(b.ms)) return (b.ms * m) / b.m;
  const a = history[history.length - 2];
  const slope = Math.max(0, (b.ms - a.ms) / (b.m - a.m));
  return Math.max(b.ms, b.ms + slope * (m - b.m));
}
