// The sweep panel in headless chromium with WebGPU on SwiftShader: a 2 × 2 grid trained at once, its live chart, the
// ranked table, the best model and the ensemble in the predict panel, ensemble.json out and in, Stop, and bad input.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ElementHandle } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initialization } from '../../src/reference/init.ts';
import { parseModel } from '../../src/model/model-file.ts';
import { serializeEnsemble } from '../../src/model/model-writer.ts';
import { NOTEBOOK_DIMS } from '../../src/model/params.ts';
import { fixtureDir } from './fixtures.ts';
import { type DemoSession, demoStatus, openDemo, screenshot, waitForStatus } from './harness.ts';

// Small data and few epochs: the whole file is a minute or two of browser work on 2 cores.
const ROWS = 1500;
const EPOCHS = 3;
const K = 4; // 2 seeds × 2 learning rates

let s: DemoSession;
const dir = fixtureDir();

async function text(selector: string, session?: DemoSession): Promise<string> {
  return (session ?? s).page.$eval(selector, (e) => (e as HTMLElement).innerText);
}

async function setValue(id: string, value: string): Promise<void> {
  await s.page.$eval(
    `#${id}`,
    (e, v) => {
      (e as HTMLInputElement).value = v;
    },
    value,
  );
}

async function fillSweep(values: { seeds: string; lrs: string; epochs: string; top: string }): Promise<void> {
  await setValue('sweep-seeds', values.seeds);
  await setValue('sweep-lrs', values.lrs);
  await setValue('sweep-epochs', values.epochs);
  await setValue('sweep-top', values.top);
}

/** One sentence: starts with a capital, ends with a full stop, and no full stop followed by a new sentence inside. */
function expectOneSentence(message: string): void {
  expect(message).toMatch(/^[A-Z].*\.$/s);
  expect(message.split(/(?<=\.)\s+(?=[A-Z])/), message).toHaveLength(1);
  expect(message).not.toMatch(/\n|\bat \S+:\d+/);
}

/** Scores the loaded data with the current model and returns the preview of preds.csv. */
async function scorePreview(): Promise<{ preview: string; members: number | undefined }> {
  await s.page.evaluate(() => {
    (window as unknown as { __demo: { prediction: unknown } }).__demo.prediction = null;
  });
  const errors = (await demoStatus(s.page))!.errors.length;
  await s.page.click('#predict-run');
  const st = await waitForStatus(s.page, 'the predictions', (x) => x.prediction !== null || x.errors.length > errors);
  expect(st.errors.slice(errors)).toEqual([]);
  return { preview: await text('#predict-result table tbody'), members: st.prediction?.members };
}

/** The model column of the ranked table, and the row labels. */
async function tableRows(session?: DemoSession): Promise<string[][]> {
  return (session ?? s).page.$$eval('#sweep-table tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
}

describe('the sweep panel with WebGPU', () => {
  beforeAll(async () => {
    s = await openDemo({ webgpu: true, query: `?rows=${ROWS}` });
    await waitForStatus(s.page, 'the first forward check', (st) => st.ready || st.errors.length > 0);
  }, 180_000);

  afterAll(async () => {
    await s?.close();
  });

  it('labels every control of the sweep panel', async () => {
    const unlabelled = await s.page.$$eval('#sweep input, #sweep button', (els) =>
      els
        .filter((e) => {
          const el = e as HTMLInputElement;
          return !((el.labels?.length ?? 0) > 0 || el.getAttribute('aria-label') || (el.tagName === 'BUTTON' && el.textContent?.trim()));
        })
        .map((e) => e.outerHTML.slice(0, 80)),
    );
    expect(unlabelled).toEqual([]);
    expect(await s.page.$$eval('.steps a', (links) => links.map((a) => a.textContent))).toEqual([
      '1 Device',
      '2 Data',
      '3 Forward pass',
      '4 Training',
      '5 Sweep',
      '6 Model & prediction',
    ]);
  });

  it('refuses a bad grid with one sentence each and keeps the page usable', async () => {
    const cases: { values: { seeds: string; lrs: string; epochs: string; top: string }; says: RegExp }[] = [
      { values: { seeds: '0', lrs: '0.001,0.002', epochs: '3', top: '1' }, says: /grid is empty/ },
      { values: { seeds: '2', lrs: '', epochs: '3', top: '1' }, says: /grid is empty/ },
      { values: { seeds: '2', lrs: '0.001,abc', epochs: '3', top: '1' }, says: /'abc'.*is not a number/ },
      { values: { seeds: '1,2,1', lrs: '0.001', epochs: '3', top: '1' }, says: /1 more than once/ },
      {
        values: { seeds: '100', lrs: '0.001,0.002,0.003,0.004,0.005,0.006,0.007,0.008,0.009,0.01,0.011', epochs: '3', top: '1' },
        says: /1100 models.*at most 1024/,
      },
      { values: { seeds: '2', lrs: '0.001,0.002', epochs: '3', top: '9' }, says: /from 1 to the 4 models/ },
    ];
    for (const c of cases) {
      const before = (await demoStatus(s.page))!;
      await fillSweep(c.values);
      await s.page.click('#sweep-start');
      const st = await waitForStatus(s.page, `the error for ${JSON.stringify(c.values)}`, (x) => x.errors.length > before.errors.length);
      const shown = await text('#sweep-error');
      expect(shown).toMatch(c.says);
      expectOneSentence(shown);
      expect(st.sweep.running).toBe(false);
      expect(st.sweep.finished, 'no run started').toBe(before.sweep.finished);
      expect(await s.page.$eval('#sweep-start', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    }
    await screenshot(s.page, 'sweep-0-bad-input', { fullPage: false });
  });

  it(`trains ${K} models at once, draws ${K} live curves with the best highlighted, and ranks them`, async () => {
    await fillSweep({ seeds: '2', lrs: '0.002,0.004', epochs: String(EPOCHS), top: '2' });
    const before = (await demoStatus(s.page))!;
    await s.page.click('#sweep-start');
    const st = await waitForStatus(s.page, 'the sweep to finish', (x) => x.sweep.finished > before.sweep.finished, 240_000);
    const w = st.sweep;
    expect(st.lastError, 'the last error shown is the bad-input one').toBe(before.lastError);
    expect(await s.page.$eval('#sweep-error', (e) => (e as HTMLElement).hidden)).toBe(true);
    expect(w).toMatchObject({ running: false, ranOn: 'gpu', models: K, epochs: EPOCHS, stoppedBy: 'done' });
    // One dataset per model, each with epoch 0 and every epoch (patience 8 cannot stop anyone in 3 epochs).
    expect(w.chart.datasets).toBe(K);
    expect(w.chart.points).toEqual(Array(K).fill(EPOCHS + 1));
    // Exactly one thick line, and it is the highlighted model.
    const thickest = Math.max(...w.chart.widths);
    expect(w.chart.widths.filter((x) => x === thickest)).toHaveLength(1);
    expect(w.chart.widths.indexOf(thickest)).toBe(w.chart.best);
    // The ranking is by validation RMSE, and the table shows it in that order, then the ensemble.
    const ranking = w.ranking!;
    const rmse = w.valRmse!;
    expect([...ranking].sort((a, b) => a - b)).toEqual([0, 1, 2, 3]);
    for (let r = 1; r < K; r++) expect(rmse[ranking[r]]).toBeGreaterThanOrEqual(rmse[ranking[r - 1]]);
    const rows = await tableRows();
    expect(rows).toHaveLength(K + 1);
    expect(rows.slice(0, K).map((r) => Number(r[1]))).toEqual(ranking);
    expect(rows.slice(0, K).map((r) => r[0])).toEqual(['1', '2', '3', '4']);
    expect(rows.slice(0, K).map((r) => r[2])).toEqual(Array(K).fill('qple'));
    expect(rows.slice(0, K).map((r) => r[6])).toEqual(Array(K).fill('epochs'));
    expect(rows[K][0]).toBe('ensemble');
    expect(w.ensemble?.members).toEqual(ranking.slice(0, 2));
    expect(await text('#sweep-results')).toMatch(/reported only/);
    expect(await text('[data-testid="sweep-test"]')).toMatch(/ensemble of the top 2/);
    for (const id of ['sweep-use-best', 'sweep-use-ensemble']) {
      expect(await s.page.$eval(`#${id}`, (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    }
    expect(s.consoleErrors).toEqual([]);
  }, 300_000);

  it('looks right at 1280×800 and at 390 px wide', async () => {
    const section = (await s.page.$('#sweep')) as ElementHandle<HTMLElement>;
    await section.scrollIntoView();
    await section.screenshot({ path: '/tmp/sweep.png' });
    await screenshot(s.page, 'sweep-1-wide', { fullPage: false });
    await s.page.setViewport({ width: 390, height: 844 });
    const overflow = await s.page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await section.scrollIntoView();
    await section.screenshot({ path: '/tmp/sweep-narrow.png' });
    await screenshot(s.page, 'sweep-2-narrow', { fullPage: false });
    await s.page.setViewport({ width: 1280, height: 800 });
    expect(overflow).toBeLessThanOrEqual(0);
  });

  it('predicts with the best model, then with the ensemble, whose predictions differ', async () => {
    await s.page.click('#sweep-use-best');
    await waitForStatus(s.page, 'the best model', (x) => x.sweep.used === 'best');
    expect(await text('#model-info')).toMatch(/sweep's best model/);
    const best = await scorePreview();
    expect(best.members).toBeUndefined();
    await s.page.click('#sweep-use-ensemble');
    await waitForStatus(s.page, 'the ensemble', (x) => x.sweep.used === 'ensemble');
    expect(await text('#model-info')).toMatch(/ensemble of 2 members/);
    expect(await text('#sweep-used')).toMatch(/ensemble of 2 is now the current model/);
    expect(await text('#model-download')).toBe('Download ensemble.json');
    const ensemble = await scorePreview();
    expect(ensemble.members).toBe(2);
    expect(await text('[data-testid="pred-scored"]')).toMatch(/average of 2 models/);
    expect(ensemble.preview).not.toBe(best.preview);
    expect(s.consoleErrors).toEqual([]);
  }, 120_000);

  it('downloads the ensemble as ensemble.json and loads one back', async () => {
    // Catch the download's blob in the page instead of the browser's download machinery.
    const saved = await s.page.evaluate(async () => {
      const original = URL.createObjectURL.bind(URL);
      let blob: Blob | null = null;
      URL.createObjectURL = (b: Blob | MediaSource) => {
        blob = b as Blob;
        return original(b);
      };
      const names: string[] = [];
      // eslint-disable-next-line @typescript-eslint/unbound-method -- put back on the prototype below, called with its own this
      const click = HTMLAnchorElement.prototype.click;
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        names.push(this.download);
      };
      try {
        (document.getElementById('model-download') as HTMLButtonElement).click();
      } finally {
        URL.createObjectURL = original;
        HTMLAnchorElement.prototype.click = click;
      }
      return { name: names[0], text: blob === null ? '' : await (blob as Blob).text() };
    });
    expect(saved.name).toBe('ensemble.json');
    const file = parseModel(saved.text, 'the downloaded ensemble.json');
    expect(file.members).toHaveLength(2);
    expect(file.scaler).toBeDefined();

    const members = [1, 2, 3].map((seed) => initialization(NOTEBOOK_DIMS, { seed }));
    const path = join(dir, 'three-ensemble.json');
    writeFileSync(path, serializeEnsemble(members, { scaler: file.scaler! }));
    const before = (await demoStatus(s.page))!;
    const input = (await s.page.$('#model-file')) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(path);
    await waitForStatus(s.page, 'the loaded ensemble', (x) => (x.model?.loads ?? 0) > (before.model?.loads ?? 0) || x.errors.length > before.errors.length);
    expect(await text('#model-info')).toMatch(/three-ensemble\.json.*an ensemble of 3 members/);
    expect(await text('#sweep-used'), 'the sweep no longer claims the current model').toBe('');
    const scored = await scorePreview();
    expect(scored.members).toBe(3);
  }, 120_000);

  it('stops between epochs when Stop is pressed, keeping every model at its best so far', async () => {
    await fillSweep({ seeds: '2', lrs: '0.002,0.004', epochs: '200', top: '2' });
    // Press Stop from inside the page as soon as epoch 1 is reported, so the test does not race the epochs.
    await s.page.evaluate(() => {
      const progress = document.getElementById('sweep-progress')!;
      const observer = new MutationObserver(() => {
        const st = (window as unknown as { __demo: { sweep: { running: boolean; epochs: number } } }).__demo.sweep;
        if (st.running && st.epochs >= 1) {
          (document.getElementById('sweep-stop') as HTMLButtonElement).click();
          observer.disconnect();
        }
      });
      observer.observe(progress, { childList: true, characterData: true, subtree: true });
    });
    const before = (await demoStatus(s.page))!;
    await s.page.click('#sweep-start');
    const st = await waitForStatus(s.page, 'the stopped sweep', (x) => x.sweep.finished > before.sweep.finished, 240_000);
    expect(st.sweep.stoppedBy).toBe('user');
    expect(st.sweep.epochs).toBeGreaterThanOrEqual(1);
    expect(st.sweep.epochs).toBeLessThan(200);
    expect(st.sweep.ranking).toHaveLength(K);
    const rows = await tableRows();
    expect(rows.slice(0, K).map((r) => r[6])).toEqual(Array(K).fill('you'));
    expect(await text('#sweep-progress')).toMatch(/Stopped by you/);
    expect(await s.page.$eval('#sweep-use-ensemble', (b) => (b as HTMLButtonElement).disabled)).toBe(false);
    expect(s.consoleErrors).toEqual([]);
  }, 300_000);
});

describe('the sweep panel without WebGPU', () => {
  let c: DemoSession;
  beforeAll(async () => {
    c = await openDemo({ webgpu: false, query: '?rows=600' });
    await waitForStatus(c.page, 'the first forward check', (st) => st.ready || st.errors.length > 0);
  }, 180_000);

  afterAll(async () => {
    await c?.close();
  });

  it('says it trains on the fast CPU backend in workers, and sweeps', async () => {
    const before = (await demoStatus(c.page))!;
    expect(before.backend).toBe('cpu');
    expect(await c.page.$eval('#sweep-cpu-note', (e) => (e as HTMLElement).hidden)).toBe(false);
    expect(await c.page.$eval('#sweep-cpu-note', (e) => (e as HTMLElement).innerText)).toMatch(/No WebGPU.*fast CPU backend.*in \d+ workers, one per core/);
    for (const [id, v] of [
      ['sweep-seeds', '1'],
      ['sweep-lrs', '0.002,0.004'],
      ['sweep-epochs', '2'],
      ['sweep-top', '2'],
    ]) {
      await c.page.$eval(
        `#${id}`,
        (e, value) => {
          (e as HTMLInputElement).value = value;
        },
        v,
      );
    }
    await c.page.click('#sweep-start');
    const st = await waitForStatus(c.page, 'the CPU sweep', (x) => x.sweep.finished > before.sweep.finished, 240_000);
    expect(st.errors).toEqual([]);
    expect(st.sweep).toMatchObject({ ranOn: 'cpu', models: 2, epochs: 2, stoppedBy: 'done' });
    expect(st.sweep.chart.points).toEqual([3, 3]);
    expect(c.consoleErrors).toEqual([]);
    const section = (await c.page.$('#sweep')) as ElementHandle<HTMLElement>;
    await section.scrollIntoView();
    await new Promise((r) => setTimeout(r, 300)); // the chart's last animation frame
    await screenshot(c.page, 'sweep-3-cpu-workers', { fullPage: false });
    // The ensemble scores in the fast worker, member by member; only the average is taken on the page.
    await c.page.click('#sweep-use-ensemble');
    await waitForStatus(c.page, 'the ensemble', (x) => x.sweep.used === 'ensemble');
    const errors = (await demoStatus(c.page))!.errors.length;
    await c.page.click('#predict-run');
    const scored = await waitForStatus(c.page, 'the predictions', (x) => x.prediction !== null || x.errors.length > errors);
    expect(scored.errors.slice(errors)).toEqual([]);
    expect(scored.prediction?.members).toBe(2);
    expect(await c.page.$eval('[data-testid="pred-scored"]', (e) => (e as HTMLElement).innerText)).toMatch(/average of 2 models/);
  }, 300_000);

  it('charts what the encoder learned, and sweeps two encodings with cross-validated members', async () => {
    const first = (await demoStatus(c.page))!;
    // Year first: the current model's qple encoder (the last test's ensemble), or qple fitted on the training rows.
    expect(first.encoder).toMatchObject({ feature: 'year' });
    expect(first.encoder!.edges).toBeGreaterThan(5);
    expect(first.encoder!.width).toBeGreaterThan(100);
    const figure = (await c.page.$('#encoder-chart')) as ElementHandle<HTMLElement>;
    await figure.scrollIntoView();
    await new Promise((r) => setTimeout(r, 300));
    await screenshot(c.page, 'data-encoder-year', { fullPage: false });
    await c.page.select('#encoder-feature', 'mode');
    const mode = await waitForStatus(c.page, 'the chart of mode', (x) => x.encoder?.feature === 'mode');
    expect(mode.encoder!.edges, 'mode is min-max scaled in qple: no cut points').toBe(0);
    for (const [id, v] of [
      ['sweep-seeds', '2'],
      ['sweep-lrs', '0.002'],
      ['sweep-epochs', '2'],
      ['sweep-top', '2'],
      ['sweep-encodings', 'notebook,ple:4'],
      ['sweep-folds', '2'],
    ]) {
      await c.page.$eval(
        `#${id}`,
        (e, value) => {
          (e as HTMLInputElement).value = value;
        },
        v,
      );
    }
    const before = (await demoStatus(c.page))!;
    await c.page.click('#sweep-start');
    const st = await waitForStatus(c.page, 'the two-encoding sweep', (x) => x.sweep.finished > before.sweep.finished, 240_000);
    expect(st.errors).toEqual([]);
    expect(st.sweep).toMatchObject({ models: 4, stoppedBy: 'done' });
    const rows = await tableRows(c);
    // rank, model, encoding, fold, …: every model's own fold, and the ensemble of one encoding without a validation score.
    expect(
      rows
        .slice(0, 4)
        .map((r) => `${r[2]}/${r[3]}`)
        .sort(),
    ).toEqual(['notebook/0', 'notebook/1', 'ple:4/0', 'ple:4/1']);
    expect(await text('#sweep-results', c)).toMatch(/each model's own fold \(one of 2 folds of the training rows/);
    await c.page.click('#sweep-use-ensemble');
    const used = await waitForStatus(c.page, 'the ensemble', (x) => x.sweep.used === 'ensemble' && (x.encoder?.draws ?? 0) > mode.encoder!.draws);
    const encoding = rows[4][2];
    expect(used.encoder!.source).toBe(encoding === 'notebook' ? 'default' : 'model');
    expect(c.consoleErrors).toEqual([]);
    // The next test's grid is one encoding without folds again.
    await c.page.$eval('#sweep-encodings', (e) => ((e as HTMLInputElement).value = 'qple'));
    await c.page.$eval('#sweep-folds', (e) => ((e as HTMLInputElement).value = '0'));
  }, 300_000);

  it('stops between epochs when Stop is pressed, the workers keeping every model at its best so far', async () => {
    for (const [id, v] of [
      ['sweep-seeds', '2'],
      ['sweep-lrs', '0.002,0.004'],
      ['sweep-epochs', '500'],
      ['sweep-top', '2'],
    ]) {
      await c.page.$eval(
        `#${id}`,
        (e, value) => {
          (e as HTMLInputElement).value = value;
        },
        v,
      );
    }
    await c.page.evaluate(() => {
      const progress = document.getElementById('sweep-progress')!;
      const observer = new MutationObserver(() => {
        const st = (window as unknown as { __demo: { sweep: { running: boolean; epochs: number } } }).__demo.sweep;
        if (st.running && st.epochs >= 1) {
          (document.getElementById('sweep-stop') as HTMLButtonElement).click();
          observer.disconnect();
        }
      });
      observer.observe(progress, { childList: true, characterData: true, subtree: true });
    });
    const before = (await demoStatus(c.page))!;
    await c.page.click('#sweep-start');
    const st = await waitForStatus(c.page, 'the stopped sweep', (x) => x.sweep.finished > before.sweep.finished, 240_000);
    expect(st.errors).toEqual([]);
    expect(st.sweep).toMatchObject({ ranOn: 'cpu', models: 4, stoppedBy: 'user' });
    expect(st.sweep.epochs).toBeGreaterThanOrEqual(1);
    expect(st.sweep.epochs).toBeLessThan(500);
    expect(await c.page.$eval('#sweep-progress', (e) => (e as HTMLElement).innerText)).toMatch(/Stopped by you/);
    expect(c.consoleErrors).toEqual([]);
  }, 300_000);
});
