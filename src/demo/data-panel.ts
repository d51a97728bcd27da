// The data panel: the synthetic default, a dropped or picked tracks.csv parsed in a worker, and what became of its rows.
import { describeDrops, prepareDataset } from '../data/prepare.ts';
import { DROP_REASON_TEXT, DROP_REASONS, FEATURES, TARGET } from '../model/schema.ts';
import { SYNTHETIC_NAME, syntheticDataset } from '../data/synthetic.ts';
import type { CleanTable } from '../data/table.ts';
import type { App } from './app.ts';
import { parseCsvInWorker } from './csv-client.ts';
import { byId, el, errorText, fmt, fmtCount, nextFrame, showError, statGrid, table } from './dom.ts';
import { demoStatus } from './status.ts';

const PREVIEW_ROWS = 8;

/** Wires the file input, the drop zone and the synthetic button, then loads the synthetic data. */
export async function initDataPanel(app: App, options: { syntheticRows?: number } = {}): Promise<void> {
  const input = byId<HTMLInputElement>('csv-file');
  const zone = byId('dropzone');
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) void loadFile(app, file);
    input.value = '';
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    zone.classList.remove('over');
    const file = e.dataTransfer?.files[0];
    if (file) void loadFile(app, file);
  });
  byId('use-synthetic').addEventListener('click', () => void loadSynthetic(app, options.syntheticRows));
  await loadSynthetic(app, options.syntheticRows);
}

function seed(): number {
  const value = Number(byId<HTMLInputElement>('data-seed').value);
  return Number.isInteger(value) && value >= 0 ? value : 42;
}

/** Builds the synthetic tracks (the CLI's default data) and makes them current. */
async function loadSynthetic(app: App, rows?: number): Promise<void> {
  const errorBox = byId('data-error');
  try {
    const s = seed();
    const clean = syntheticDataset({ seed: s, ...(rows === undefined ? {} : { rows }) });
    setTable(app, clean, null, s);
    showError(errorBox, null);
  } catch (err) {
    showError(errorBox, errorText(err));
  }
}

/**
 * Parses `file` in the worker with a progress bar. On any error the message is shown and the data loaded
 * before stays current, so a broken file never leaves the page without data.
 */
async function loadFile(app: App, file: File): Promise<void> {
  const status = demoStatus();
  const errorBox = byId('data-error');
  const wrap = byId('parse-progress-wrap');
  const bar = byId<HTMLProgressElement>('parse-progress');
  const label = byId('parse-label');
  wrap.hidden = false;
  bar.value = 0;
  label.textContent = `Reading ${file.name}…`;
  status.parseProgress = 0;
  try {
    const clean = await parseCsvInWorker(file, 'train', (fraction, rows) => {
      bar.value = fraction;
      status.parseProgress = fraction;
      label.textContent = `Reading ${file.name}: ${Math.round(fraction * 100)}%, ${rows.toLocaleString('en-US')} rows`;
    });
    label.textContent = `Sampling, scaling and splitting ${clean.rows.toLocaleString('en-US')} clean rows…`;
    await nextFrame();
    setTable(app, clean, file, seed());
    showError(errorBox, null);
  } catch (err) {
    showError(errorBox, `${errorText(err)} The data loaded before (${app.dataset?.source ?? 'none'}) is still in use.`);
  } finally {
    wrap.hidden = true;
    status.parseProgress = null;
  }
}

/** Samples, scales and splits a clean table, then shows it and tells the other panels. */
function setTable(app: App, clean: CleanTable, file: File | null, s: number): void {
  const dataset = prepareDataset(clean, { seed: s });
  const c = dataset.counts;
  const status = demoStatus();
  status.data = {
    source: dataset.source,
    read: c.read,
    kept: c.kept,
    dropped: c.dropped,
    droppedByReason: { ...c.droppedByReason },
    sampled: c.sampled,
    train: c.train,
    test: c.test,
    loads: (status.data?.loads ?? 0) + 1,
  };
  renderSummary(clean, dataset.counts, dataset.source);
  renderPreview(clean);
  renderRanges(dataset.scaler.xMin, dataset.scaler.xMax, dataset.scaler.yMin, dataset.scaler.yMax);
  app.setData(dataset, clean, file);
}

function renderSummary(clean: CleanTable, c: ReturnType<typeof prepareDataset>['counts'], source: string): void {
  const reasons = DROP_REASONS.filter((r) => c.droppedByReason[r] > 0).map((r) => `${c.droppedByReason[r].toLocaleString('en-US')} ${DROP_REASON_TEXT[r]}`);
  const synthetic = source === SYNTHETIC_NAME;
  byId('data-summary').replaceChildren(
    el(
      'p',
      {},
      el('strong', {}, synthetic ? 'Synthetic tracks' : source),
      synthetic
        ? ": the built-in dataset, with the real file's columns and ranges and a popularity that is a smooth function of the features plus noise."
        : `: year from ${clean.yearFrom === 'year' ? 'the year column' : 'release_date'}.`,
    ),
    statGrid([
      { label: 'Rows read', value: fmtCount(c.read), testid: 'count-read' },
      {
        label: 'Dropped',
        value: fmtCount(c.dropped),
        sub: reasons.length > 0 ? reasons.join(', ') : 'none',
        testid: 'count-dropped',
        ...(c.dropped > 0 ? { tone: 'bad' as const } : {}),
      },
      { label: 'Kept', value: fmtCount(c.kept), testid: 'count-kept' },
      { label: 'Sampled', value: fmtCount(c.sampled), sub: c.sampled < c.kept ? 'at most 30,000, as the notebook' : 'all kept rows', testid: 'count-sampled' },
      { label: 'Train', value: fmtCount(c.train), sub: '80%', testid: 'count-train' },
      { label: 'Test', value: fmtCount(c.test), sub: '20%', testid: 'count-test' },
    ]),
    c.dropped > 0 ? el('p', { class: 'hint', 'data-testid': 'drop-details' }, `Dropped rows: ${describeDrops(c, 5)}.`) : '',
  );
}

function renderPreview(clean: CleanTable): void {
  const n = Math.min(PREVIEW_ROWS, clean.rows);
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const features = Array.from(clean.features.subarray(i * FEATURES.length, (i + 1) * FEATURES.length), (v) => fmt(v, 4));
    rows.push([String(clean.rowIndex[i] + 1), ...features, fmt(clean.targets[i], 4)]);
  }
  byId('data-preview').replaceChildren(table(['row', ...FEATURES, TARGET], rows, 'The first clean rows, raw values'));
}

function renderRanges(xMin: readonly number[], xMax: readonly number[], yMin: number, yMax: number): void {
  const rows = FEATURES.map((f, j) => [f, fmt(xMin[j], 4), fmt(xMax[j], 4)]);
  rows.push([`${TARGET} (target)`, fmt(yMin, 4), fmt(yMax, 4)]);
  byId('feature-ranges').replaceChildren(table(['column', 'min', 'max'], rows, 'Range of each column over the sampled rows'));
}
