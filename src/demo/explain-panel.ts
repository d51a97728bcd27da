// The explain panel: after a model is trained or loaded (or on request), the permutation importance of each
// feature and a partial-dependence curve on the loaded data's test rows, computed in explain-worker.ts.
import { FEATURES } from '../model/schema.ts';
import { type Matrix, matrix } from '../model/matrix.ts';
import { scaleFeature, type ScalerParams, unscaleFeature, unscaleY } from '../model/scaler.ts';
import type { App } from './app.ts';
import { byId, errorText, showError } from './dom.ts';
import { importanceChart, pdpChart } from './explain-charts.ts';
import type { ExplainReply, ExplainRequest } from './explain-worker.ts';
import { demoStatus } from './status.ts';

/** The page explains at most this many test rows, so a run takes seconds on one core. */
const PAGE_MAX_ROWS = 1000;
const REPEATS = 5;

/** Wires the explain button and feature picker; explains again whenever the model changes. */
export function initExplainPanel(app: App): void {
  const select = byId<HTMLSelectElement>('explain-feature');
  for (const f of FEATURES) select.append(new Option(f, f, f === 'year', f === 'year'));
  let worker: Worker | null = null;
  const run = () => {
    worker?.terminate();
    worker = explain(app, select.value);
  };
  app.on('model', run);
  byId('explain-run').addEventListener('click', run);
  select.addEventListener('change', run);
}

// The test rows in the model's scaling: the data was scaled with its own scaler, a loaded model may carry another.
function rowsFor(xTest: Matrix<Float64Array>, data: ScalerParams, model: ScalerParams, m: number): Matrix<Float64Array> {
  const out = new Float64Array(xTest.rows * m);
  for (let f = 0; f < xTest.rows; f++) {
    for (let i = 0; i < m; i++) out[f * m + i] = scaleFeature(model, f, unscaleFeature(data, f, xTest.data[f * xTest.cols + i]));
  }
  return matrix(xTest.rows, m, out);
}

function explain(app: App, feature: string): Worker | null {
  const info = byId('explain-info');
  const errorBox = byId('explain-error');
  const model = app.model;
  const data = app.dataset;
  if (model === null || data === null) return null;
  const scaler = model.scaler ?? data.scaler;
  const m = Math.min(PAGE_MAX_ROWS, data.xTest.cols);
  if (m < 2) {
    showError(errorBox, 'The loaded data has fewer than 2 test rows, so there is nothing to shuffle; load a larger file.');
    return null;
  }
  const X = rowsFor(data.xTest, data.scaler, scaler, m);
  const y = unscaleY(data.yTest.data.subarray(0, m), data.scaler);
  const request: ExplainRequest = {
    members: model.members ?? [model.params],
    ...(model.encoder ? { encoder: model.encoder } : {}),
    scaler,
    X,
    y,
    settings: { repeats: REPEATS, seed: 42, pdpFeature: feature },
  };
  info.textContent = `Explaining ${model.label} on ${m} test rows: ${FEATURES.length} features × ${REPEATS} shuffles, in a worker…`;
  const worker = new Worker(new URL('./explain-worker.ts', import.meta.url), { type: 'module', name: 'explain' });
  worker.onmessage = (event: MessageEvent<ExplainReply>) => {
    worker.terminate();
    const reply = event.data;
    if (reply.type === 'error') {
      showError(errorBox, `Explaining the model failed: ${reply.message}`);
      return;
    }
    showError(errorBox, null);
    const e = reply.explanation;
    importanceChart(byId<HTMLCanvasElement>('explain-importance'), e);
    pdpChart(byId<HTMLCanvasElement>('explain-pdp'), e);
    const top = [...e.importances].sort((a, b) => b.mean - a.mean)[0];
    info.textContent =
      `${top.feature} matters most: shuffling it adds ${top.mean.toFixed(2)} ± ${top.std.toFixed(2)} points to the RMSE of ${e.baselineRmse.toFixed(2)} ` +
      `(${e.rows} test rows, ${(reply.ms / 1000).toFixed(1)} s on the fast CPU backend in a worker).`;
    const status = demoStatus();
    status.explain = {
      runs: (status.explain?.runs ?? 0) + 1,
      top: top.feature,
      importances: Object.fromEntries(e.importances.map((f) => [f.feature, f.mean])),
      pdpFeature: e.pdp.feature,
      pdpPoints: e.pdp.grid.length,
      rows: e.rows,
      ms: reply.ms,
    };
  };
  worker.onerror = (event) => showError(errorBox, `Explaining the model failed: ${errorText(event.message)}`);
  worker.postMessage(request, [X.data.buffer, y.buffer]);
  return worker;
}
