// The demo page in headless chromium WITHOUT the WebGPU flags: it must say so and keep working on the CPU reference.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DemoSession, demoStatus, openDemo, screenshot, waitForStatus } from './harness.ts';

const ROWS = 1500;
const EPOCHS = 2;

let s: DemoSession;

describe('demo page without WebGPU', () => {
  beforeAll(async () => {
    s = await openDemo({ webgpu: false, query: `?rows=${ROWS}` });
    await waitForStatus(s.page, 'the first forward pass', (st) => st.ready || st.errors.length > 0);
  }, 180_000);

  afterAll(async () => {
    await s?.close();
  });

  it('says that there is no WebGPU and that it runs on the CPU', async () => {
    const st = await demoStatus(s.page);
    expect(st?.backend).toBe('cpu');
    expect(st?.adapter).toBeNull();
    expect(st?.gpuUnavailable, 'the one-sentence reason').toMatch(/WebGPU|adapter/);
    expect(await s.page.$eval('[data-testid="no-webgpu"]', (e) => (e as HTMLElement).hidden)).toBe(false);
    const note = await s.page.$eval('[data-testid="no-webgpu"]', (e) => (e as HTMLElement).innerText);
    expect(note).toMatch(/CPU reference/);
    expect(note).toMatch(/Chrome/);
    expect(await s.page.$eval('[data-testid="backend-badge"]', (e) => (e as HTMLElement).innerText)).toMatch(/CPU/);
    expect(st?.errors).toEqual([]);
    expect(s.consoleErrors).toEqual([]);
    await screenshot(s.page, 'cpu-1-loaded');
  });

  it('runs the forward pass on the CPU reference, labelled as such', async () => {
    const f = (await demoStatus(s.page))?.forward;
    expect(f?.ranOn).toBe('cpu');
    expect(f?.m).toBe(ROWS - Math.ceil(0.2 * ROWS));
    expect(f?.maxAbsDiff).toBeNull();
    expect(await s.page.$eval('[data-testid="max-diff"]', (e) => (e as HTMLElement).innerText)).toMatch(/skipped/);
  });

  it('trains on the CPU and the loss falls', async () => {
    await s.page.$eval(
      '#epochs',
      (e, n) => {
        (e as HTMLInputElement).value = String(n);
      },
      EPOCHS,
    );
    await s.page.click('#train-start');
    const st = await waitForStatus(s.page, 'training to finish', (x) => x.training.finished > 0, 150_000);
    expect(st.errors).toEqual([]);
    expect(st.training.ranOn).toBe('cpu');
    expect(st.training.trainLoss).toHaveLength(EPOCHS + 1);
    expect(st.training.trainLoss[EPOCHS]).toBeLessThan(st.training.trainLoss[0]);
    expect(s.consoleErrors).toEqual([]);
    await screenshot(s.page, 'cpu-2-trained');
  }, 180_000);

  it('explains the trained model off the page thread: importance bars, a year curve, and another feature on request', async () => {
    // Training set a new model, which the explain panel explains in its worker on the fast CPU backend.
    const st = await waitForStatus(s.page, 'the explanation', (x) => (x.explain?.runs ?? 0) >= 1 && x.explain!.rows > 0, 90_000);
    expect(st.explain!.rows).toBe(Math.ceil(0.2 * ROWS));
    expect(Object.keys(st.explain!.importances)).toHaveLength(13);
    expect(st.explain!.top).toBe('year'); // the synthetic popularity leans on year most
    expect(st.explain!).toMatchObject({ pdpFeature: 'year', pdpPoints: 20 });
    expect(await s.page.$eval('[data-testid="explain-info"]', (e) => (e as HTMLElement).innerText)).toMatch(/^year matters most: shuffling it adds/);
    await (await s.page.$('#explain'))!.screenshot({ path: await screenshot(s.page, 'cpu-5-explained', { fullPage: false }) });
    await s.page.select('[data-testid="explain-feature"]', 'loudness');
    const again = await waitForStatus(s.page, 'the loudness curve', (x) => x.explain?.pdpFeature === 'loudness', 90_000);
    expect(again.explain!.runs).toBe(st.explain!.runs + 1);
    expect(again.errors).toEqual([]);
    expect(s.consoleErrors).toEqual([]);
  }, 180_000);

  it('builds model.onnx for the current model', async () => {
    await s.page.click('[data-testid="model-onnx"]');
    const st = await waitForStatus(s.page, 'the ONNX export', (x) => (x.onnx?.exports ?? 0) >= 1);
    expect(st.onnx!.bytes).toBeGreaterThan(4 * 3000); // the notebook network's 3 009 weights in float32, and the graph
    expect(st.errors).toEqual([]);
  });

  it('stops a long run between epochs when Stop is pressed', async () => {
    await s.page.$eval('#epochs', (e) => {
      (e as HTMLInputElement).value = '500';
    });
    await s.page.$eval('#train-form', (e) => {
      (e.querySelector('#lr') as HTMLInputElement).value = '0.001';
    });
    await s.page.click('#train-start');
    await waitForStatus(s.page, 'the first epoch', (x) => x.training.running && x.training.epochs >= 1);
    await s.page.click('#train-stop');
    const st = await waitForStatus(s.page, 'the run to stop', (x) => x.training.finished > 1, 60_000);
    expect(st.training.stoppedBy).toBe('user');
    expect(st.training.epochs).toBeLessThan(500);
    expect(st.errors).toEqual([]);
  }, 120_000);
});
