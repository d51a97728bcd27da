// The demo page in headless chromium with WebGPU on SwiftShader: the whole flow, checked through window.__demo and the DOM.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCsvFile } from '../../src/platform/node-csv.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ElementHandle } from 'puppeteer-core';
import { type DemoSession, demoStatus, openDemo, ROOT, screenshot, waitForStatus } from './harness.ts';
import { type CsvFixture, fixtureDir, writeBrokenCsv, writeTracksCsv } from './fixtures.ts';

// A small synthetic dataset and a few epochs keep this file to well under a minute of browser work on 2 cores.
const ROWS = 3000;
const EPOCHS = 4;

let s: DemoSession;
const dir = fixtureDir();

/** Picks `path` in the file input `selector`, as a user choosing a file does. */
async function upload(selector: string, path: string): Promise<void> {
  const input = (await s.page.$(selector)) as ElementHandle<HTMLInputElement> | null;
  if (input === null) throw new Error(`The page has no ${selector}.`);
  await input.uploadFile(path);
}

/** The visible text of the element with this data-testid. */
async function text(testid: string): Promise<string> {
  return s.page.$eval(`[data-testid="${testid}"]`, (e) => (e as HTMLElement).innerText);
}

describe('demo page with WebGPU', () => {
  beforeAll(async () => {
    s = await openDemo({ webgpu: true, query: `?rows=${ROWS}` });
    await waitForStatus(s.page, 'the first forward check', (st) => st.ready || st.errors.length > 0);
  }, 180_000);

  afterAll(async () => {
    await s?.close();
  });

  it('loads with no console errors and shows the adapter', async () => {
    const st = await demoStatus(s.page);
    expect(st?.errors, 'errors shown on the page').toEqual([]);
    expect(s.consoleErrors, 'console errors').toEqual([]);
    expect(st?.backend).toBe('gpu');
    expect(st?.adapter?.architecture, 'the adapter chromium gives with the SwiftShader flags').toBe('swiftshader');
    expect(await text('device-info')).toContain('swiftshader');
    expect(await text('backend-badge')).toMatch(/^GPU/);
    await screenshot(s.page, 'gpu-1-loaded');
  });

  it('runs the forward pass on the GPU within the float32 tolerance of the CPU reference', async () => {
    const f = (await demoStatus(s.page))?.forward;
    expect(f?.ranOn).toBe('gpu');
    expect(f?.m).toBe(ROWS - Math.ceil(0.2 * ROWS));
    expect(f?.maxAbsDiff).not.toBeNull();
    expect(f?.maxAbsDiff as number).toBeLessThan(f?.tolerance as number);
    expect(f?.withinTolerance).toBe(true);
    expect(f?.shapes).toEqual({
      Z1: `(64, ${f?.m})`,
      A1: `(64, ${f?.m})`,
      Z2: `(32, ${f?.m})`,
      A2: `(32, ${f?.m})`,
      Z3: `(16, ${f?.m})`,
      A3: `(16, ${f?.m})`,
      Z4: `(1, ${f?.m})`,
      A4: `(1, ${f?.m})`,
    });
    expect(f?.deadFraction).toHaveLength(4);
    expect(await text('max-diff')).toContain('within float32 tolerance');
    expect(await s.page.$$eval('[data-testid^="heatmap-A"] canvas', (c) => c.length)).toBe(4);
  });

  it('labels every control so keyboard and screen-reader users can reach it', async () => {
    const unlabelled = await s.page.$$eval('input, select, button', (els) =>
      els
        .filter((e) => {
          const el = e as HTMLInputElement;
          const name = (el.labels?.length ?? 0) > 0 || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent?.trim());
          return !name;
        })
        .map((e) => e.outerHTML.slice(0, 80)),
    );
    expect(unlabelled).toEqual([]);
  });

  it('trains for a few epochs and draws a falling loss curve, then the scatter and metrics', async () => {
    await s.page.$eval(
      '#epochs',
      (e, n) => {
        (e as HTMLInputElement).value = String(n);
      },
      EPOCHS,
    );
    await s.page.focus('#train-start');
    await s.page.keyboard.press('Enter');
    const st = await waitForStatus(s.page, 'training to finish', (x) => x.training.finished > 0, 150_000);
    const t = st.training;
    expect(st.errors).toEqual([]);
    expect(t.ranOn).toBe('gpu');
    expect(t.epochs).toBe(EPOCHS);
    expect(t.trainLoss).toHaveLength(EPOCHS + 1);
    expect(t.trainLoss[EPOCHS], `train loss per epoch: ${t.trainLoss.join(', ')}`).toBeLessThan(t.trainLoss[0]);
    expect(t.testLoss[EPOCHS], `test loss per epoch: ${t.testLoss.join(', ')}`).toBeLessThan(t.testLoss[0]);
    expect(t.valLoss, 'a validation loss per epoch, epoch 0 included').toHaveLength(EPOCHS + 1);
    expect(t.valLoss.every(Number.isFinite), `validation losses: ${t.valLoss.join(', ')}`).toBe(true);
    expect(t.chartPoints, 'points on the loss chart (train, validation and test, epoch 0 included)').toBe(3 * (EPOCHS + 1));
    expect(t.metrics?.rmse as number).toBeLessThan(t.metrics?.baselineRmse as number);
    expect(await text('metrics')).toMatch(/RMSE/);
    await waitForStatus(s.page, 'the forward check of the trained model', (x) => (x.forward?.runs ?? 0) >= 2);
    await screenshot(s.page, 'gpu-2-trained');
  }, 180_000);

  let fixture: CsvFixture;
  let fixtureCsvText = '';
  it('loads a CSV through the file input and shows its counts', async () => {
    fixture = writeTracksCsv(dir, 'tracks-fixture.csv', 400);
    fixtureCsvText = readFileSync(fixture.path, 'utf8');
    const before = (await demoStatus(s.page))?.data?.loads ?? 0;
    await upload('#csv-file', fixture.path);
    const st = await waitForStatus(s.page, 'the CSV to load', (x) => (x.data?.loads ?? 0) > before || x.errors.length > 0);
    const kept = fixture.rows - fixture.dropped;
    expect(st.errors).toEqual([]);
    expect(st.data).toMatchObject({
      source: fixture.name,
      read: fixture.rows,
      dropped: fixture.dropped,
      kept,
      sampled: kept,
      test: Math.ceil(0.2 * kept),
      train: kept - Math.ceil(0.2 * kept),
    });
    expect(await text('count-read')).toContain(String(fixture.rows));
    expect(await text('count-dropped')).toContain(String(fixture.dropped));
    expect(await text('data-preview')).toContain('acousticness');
    await screenshot(s.page, 'gpu-3-csv-loaded');
  });

  it('takes a CSV dropped on the drop zone', async () => {
    const before = (await demoStatus(s.page))?.data?.loads ?? 0;
    const csv = fixtureCsvText;
    await s.page.$eval(
      '#dropzone',
      (zone, text) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
        zone.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
      },
      csv,
    );
    const st = await waitForStatus(s.page, 'the dropped CSV', (x) => (x.data?.loads ?? 0) > before || x.errors.length > 0);
    expect(st.errors).toEqual([]);
    expect(st.data).toMatchObject({ source: 'dropped.csv', read: fixture.rows, dropped: fixture.dropped });
  });

  // The real samples are not in the repository; the page must count them exactly as the Node pipeline does.
  const realSample = join(ROOT, '../shared/data/spotify_tracks_top259_excel.csv');
  it.skipIf(!existsSync(realSample))('counts a real spreadsheet-saved sample as the Node pipeline does (skipped when ../shared/data is absent)', async () => {
    const expected = (await loadCsvFile(realSample)).counts;
    const before = (await demoStatus(s.page))?.data?.loads ?? 0;
    await upload('#csv-file', realSample);
    const st = await waitForStatus(s.page, 'the real sample', (x) => (x.data?.loads ?? 0) > before || x.errors.length > 0);
    expect(st.errors).toEqual([]);
    expect(st.data).toMatchObject({
      read: expected.read,
      kept: expected.kept,
      dropped: expected.dropped,
      droppedByReason: expected.droppedByReason,
    });
    await screenshot(s.page, 'gpu-3b-real-sample');
    await upload('#csv-file', fixture.path); // back to the fixture the next tests expect
    await waitForStatus(s.page, 'the fixture again', (x) => x.data?.source === fixture.name);
  });

  it('shows a readable error for a broken CSV and keeps the data loaded before', async () => {
    const before = await demoStatus(s.page);
    await upload('#csv-file', writeBrokenCsv(dir, 'broken.csv'));
    const st = await waitForStatus(s.page, 'the error', (x) => x.errors.length > (before?.errors.length ?? 0));
    const shown = await text('data-error');
    expect(shown).toContain('broken.csv');
    expect(shown).toMatch(/missing the required columns/);
    expect(shown).not.toMatch(/\n\s+at /);
    expect(st.data).toEqual(before?.data);
    await screenshot(s.page, 'gpu-4-broken-csv');
  });

  it('scores the loaded CSV with a row for every input row', async () => {
    const errors = (await demoStatus(s.page))?.errors.length ?? 0;
    await s.page.click('#predict-run');
    const st = await waitForStatus(s.page, 'the predictions', (x) => x.prediction !== null || x.errors.length > errors);
    expect(st.prediction).toEqual({ rows: fixture.rows, scored: fixture.rows - fixture.dropped, unscored: fixture.dropped });
    expect(await s.page.$eval('#predict-download', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
  });

  it('loads a model file written by the CLI and runs it', async () => {
    const out = join(dir, 'cli-model.json');
    const cli = spawnSync(process.execPath, ['bin/spotify-mlp.mjs', 'init', '--rng', 'numpy', '--seed', '42', '--out', out], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    expect(cli.status, cli.stderr).toBe(0);
    const before = await demoStatus(s.page);
    await upload('#model-file', out);
    const st = await waitForStatus(
      s.page,
      'the loaded model to run',
      (x) => (x.forward?.runs ?? 0) > (before?.forward?.runs ?? 0) || x.errors.length > (before?.errors.length ?? 0),
    );
    expect(st.model?.source).toBe('cli-model.json');
    expect(st.forward?.weights).toContain('cli-model.json');
    expect(st.forward?.withinTolerance).toBe(true);
    expect(await text('model-info')).toContain('cli-model.json');
  });

  it('fits a narrow screen without sideways scrolling', async () => {
    await s.page.setViewport({ width: 390, height: 844 });
    const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await s.page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(s.page, 'gpu-5-narrow-top', { fullPage: false });
    for (const section of ['data', 'forward', 'training']) {
      await s.page.$eval(`#${section}`, (e) => e.scrollIntoView());
      await screenshot(s.page, `gpu-6-narrow-${section}`, { fullPage: false });
    }
    expect(overflow).toBeLessThanOrEqual(0);
    expect(s.consoleErrors).toEqual([]);
  });
});
