// The prediction panel: scores every row of the loaded data with the current model and offers preds.csv in the CLI's format.
import type { MlpBackend } from '../model/backend.ts';
import type { App } from './app.ts';
import { parseCsvInWorker } from './csv-client.ts';
import { byId, downloadText, el, errorText, fmtCount, showError, statGrid, table } from './dom.ts';
import { predictionsCsv } from '../train/predictions.ts';
import { modelBackend } from '../runtime/runtime.ts';
import { scoreTable } from './predictions-csv.ts';
import { demoStatus } from './status.ts';

const PREVIEW_LINES = 8;

/** Wires the score and download buttons; new data or a new model makes earlier predictions stale. */
export function initPredictPanel(app: App): void {
  const runButton = byId<HTMLButtonElement>('predict-run');
  const downloadButton = byId<HTMLButtonElement>('predict-download');
  let csv: string | null = null;
  const stale = (): void => {
    csv = null;
    downloadButton.disabled = true;
    byId('predict-result').replaceChildren();
  };
  app.on('dataset', stale);
  app.on('model', stale);
  downloadButton.addEventListener('click', () => {
    if (csv !== null) downloadText('preds.csv', csv, 'text/csv');
  });
  runButton.addEventListener('click', () => {
    runButton.disabled = true;
    void score(app)
      .then((text) => {
        csv = text;
        downloadButton.disabled = text === null;
      })
      .finally(() => {
        runButton.disabled = false;
      });
  });
}

/** Re-reads the loaded CSV keeping every row (or takes the synthetic table), predicts, and shows a summary. */
async function score(app: App): Promise<string | null> {
  const box = byId('predict-result');
  const errorBox = byId('model-error');
  const model = app.model;
  const scaler = model?.scaler ?? app.dataset?.scaler;
  if (model === null || scaler === undefined || app.table === null) return null;
  showError(errorBox, null);
  const say = (text: string): void => box.replaceChildren(el('p', {}, text));
  let backend: MlpBackend | null = null;
  try {
    const file = app.file;
    const clean =
      file === null ? app.table : await parseCsvInWorker(file, 'score', (f) => say(`Reading ${file.name} again, keeping every row: ${Math.round(f * 100)}%`));
    // An ensemble runs every member at once (one dispatch on the GPU) and averages their outputs.
    backend = await modelBackend(app.runtime, model);
    const members = model.members?.length ?? 1;
    const predictions = await scoreTable(clean, backend, scaler, model.encoder, (done) => say(`Scoring: ${fmtCount(done)} of ${fmtCount(clean.rows)} rows…`));
    const text = predictionsCsv(clean, predictions);
    const unscored = clean.counts.read - clean.rows;
    demoStatus().prediction = { rows: clean.counts.read, scored: clean.rows, unscored, ...(model.members ? { members } : {}) };
    const lines = text.split('\n');
    const header = lines[0].split(',');
    const preview = lines.slice(1, 1 + PREVIEW_LINES).map((line) => splitPreviewLine(line, header.length));
    box.replaceChildren(
      statGrid([
        { label: 'Rows in the data', value: fmtCount(clean.counts.read), testid: 'pred-rows' },
        {
          label: 'Scored',
          value: fmtCount(clean.rows),
          sub: `on the ${backend.kind.toUpperCase()}${members > 1 ? `, the average of ${members} models` : ''}`,
          testid: 'pred-scored',
        },
        {
          label: 'Not scored',
          value: fmtCount(unscored),
          sub: unscored > 0 ? 'empty prediction, reason given' : 'none',
          testid: 'pred-unscored',
          ...(unscored > 0 ? { tone: 'bad' as const } : {}),
        },
      ]),
      el('p', {}, `The first rows of preds.csv (${file === null ? 'the synthetic data' : file.name}, in file order):`),
      el('div', { class: 'scroll' }, table(header, preview, 'The first predictions')),
    );
    return text;
  } catch (err) {
    box.replaceChildren();
    showError(errorBox, errorText(err));
    return null;
  } finally {
    backend?.dispose();
  }
}

// Preview only: a reason with a quoted comma may split wrongly, so extra cells are joined back into the last column.
function splitPreviewLine(line: string, columns: number): string[] {
  const cells = line.split(',');
  return cells.length <= columns ? cells : [...cells.slice(0, columns - 1), cells.slice(columns - 1).join(',')];
}
