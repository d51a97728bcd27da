// Training without WebGPU must not freeze the page: while the fast CPU trainer runs its epochs (in a worker), no
// task of the page's main thread lasts 50 ms or more. The page is loaded without the WebGPU flags, on 30 000
// synthetic rows (24 000 training examples, the size of the targets). The longest task comes from a
// Chrome trace (every RunTask of the renderer's main thread, not only the long ones); a 5 ms timer's lateness is
// printed too, but not asserted: on a shared 2-core machine it also counts time the OS gave to other processes.
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSession, openDemo, screenshot, waitForStatus } from './harness.ts';

const ROWS = 30_000;
const EPOCHS = 8;
/** The bound of issue #12. */
const MAX_STALL_MS = 50;

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

let s: DemoSession;

/**
 * Starts a 5 ms timer in the page that records how late each tick came, and marks in the trace the first tick that
 * sees the run going (`stall:start`) and the first that sees the last epoch reported (`stall:end`).
 */
async function startStallMonitor(epochs: number): Promise<void> {
  await s.page.evaluate((last) => {
    const w = window as unknown as { __late: number[]; __timer: number };
    const training = () => (window as unknown as { __demo: { training: { epochs: number; running: boolean } } }).__demo.training;
    w.__late = [];
    let phase = 0;
    let prev = performance.now();
    w.__timer = window.setInterval(() => {
      const now = performance.now();
      const t = training();
      if (phase === 0 && t.running) {
        performance.mark('stall:start');
        phase = 1;
      }
      if (phase === 1) w.__late.push(now - prev - 5);
      if (phase === 1 && t.epochs >= last) {
        performance.mark('stall:end');
        phase = 2;
      }
      prev = now;
    }, 5);
  }, epochs);
}

describe('demo page without WebGPU: training never blocks the page', () => {
  beforeAll(async () => {
    s = await openDemo({ webgpu: false, query: `?rows=${ROWS}` });
    await waitForStatus(s.page, 'the first forward pass', (st) => st.ready || st.errors.length > 0, 240_000);
  }, 300_000);

  afterAll(async () => {
    await s?.close();
  });

  it(`trains ${EPOCHS} epochs of 24 000 examples with no main-thread task of ${MAX_STALL_MS} ms or more`, async () => {
    expect(await s.page.$eval('[data-testid="backend-badge"]', (e) => (e as HTMLElement).innerText)).toMatch(/CPU/);
    await s.page.$eval(
      '#epochs',
      (e, n) => {
        (e as HTMLInputElement).value = String(n);
      },
      EPOCHS,
    );
    const tracePath = join(tmpdir(), `spotify-mlp-stall-${process.pid}.json`);
    await s.page.tracing.start({ path: tracePath, categories: ['disabled-by-default-devtools.timeline', 'blink.user_timing'] });
    await startStallMonitor(EPOCHS);
    await s.page.click('#train-start');
    const st = await waitForStatus(s.page, 'training to finish', (x) => x.training.finished > 0, 240_000);
    await s.page.tracing.stop();
    const late = await s.page.evaluate(() => {
      const w = window as unknown as { __late: number[]; __timer: number };
      clearInterval(w.__timer);
      return w.__late;
    });
    const events = (JSON.parse(readFileSync(tracePath, 'utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
    rmSync(tracePath, { force: true });
    expect(st.errors).toEqual([]);
    expect(st.training.ranOn).toBe('cpu');
    expect(st.training.trainLoss).toHaveLength(EPOCHS + 1);
    expect(st.training.trainLoss[EPOCHS]).toBeLessThan(st.training.trainLoss[0]);

    const [startMark, endMark] = [events.find((e) => e.name === 'stall:start'), events.find((e) => e.name === 'stall:end')];
    expect(startMark, 'the monitor saw the run start').toBeDefined();
    expect(endMark, 'the monitor saw the last epoch').toBeDefined();
    const [start, end] = [startMark!.ts, endMark!.ts];
    // The page's main thread is the one the marks were made on (other renderers have a CrRendererMain too).
    const tasks = events.filter((e) => e.name === 'RunTask' && e.pid === startMark!.pid && e.tid === startMark!.tid && e.dur !== undefined);
    const overlapping = tasks.filter((e) => e.ts + e.dur! >= start && e.ts <= end);
    expect(overlapping.length, 'main-thread tasks while the epochs ran').toBeGreaterThan(10);
    const longest = Math.max(...overlapping.map((e) => e.dur! / 1000));
    const longestWhole = Math.max(...tasks.map((e) => e.dur! / 1000));
    console.log(
      `[stall] ${EPOCHS} CPU epochs of 24 000 examples took ${st.training.epochMs.map((x) => x.toFixed(0)).join(', ')} ms; ` +
        `longest main-thread task while they ran: ${longest.toFixed(1)} ms (${overlapping.length} tasks); ` +
        `longest in the whole run (click to results and charts): ${longestWhole.toFixed(1)} ms; ` +
        `a 5 ms timer came at most ${Math.max(...late).toFixed(1)} ms late during the epochs`,
    );
    expect(longest).toBeLessThan(MAX_STALL_MS);
    expect(s.consoleErrors).toEqual([]);
    await screenshot(s.page, 'cpu-3-trained-24k');
  }, 300_000);
});
