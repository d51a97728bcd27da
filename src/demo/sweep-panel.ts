// The sweep panel: a grid of seeds × learning rates trained as K models at once (runSweep), the K validation curves
// live with the best highlighted, then the ranked table, the ensemble of the top N, and buttons to use either.
import type { Params } from '../model/params.ts';
import type { MetricsReport } from '../train/metrics.ts';
import type { RunContext } from '../train/record.ts';
import { runSweep, type SweepResult } from '../train/sweep.ts';
import { NOTEBOOK_ENCODING } from '../data/encoding-spec.ts';
import { ensembleTrainingRecord, memberTrainingRecord } from '../train/sweep-record.ts';
import type { App } from './app.ts';
import { byId, el, errorText, fmt, fmtMs, nextFrame, showError, table } from './dom.ts';
import { demoStatus, initialSweepStatus } from './status.ts';
import { SweepChart } from './sweep-chart.ts';
import { readSweepForm, SWEEP_DEFAULTS, type SweepRequest } from './sweep-form.ts';

/** Wires the form, the chart and the two "use" buttons. */
export function initSweepPanel(app: App): void {
  const form = byId<HTMLFormElement>('sweep-form');
  byId<HTMLInputElement>('sweep-seeds').value = SWEEP_DEFAULTS.seeds;
  byId<HTMLInputElement>('sweep-lrs').value = SWEEP_DEFAULTS.lrs;
  byId<HTMLInputElement>('sweep-epochs').value = String(SWEEP_DEFAULTS.epochs);
  byId<HTMLInputElement>('sweep-top').value = String(SWEEP_DEFAULTS.top);
  byId<HTMLInputElement>('sweep-encodings').value = SWEEP_DEFAULTS.encodings;
  byId<HTMLInputElement>('sweep-folds').value = String(SWEEP_DEFAULTS.folds);
  const chart = new SweepChart(byId<HTMLCanvasElement>('sweep-chart'));
  const status = demoStatus();
  const cpuNote = (): void => {
    const note = byId('sweep-cpu-note');
    note.hidden = app.runtime.gpu !== null;
    note.textContent =
      `No WebGPU here, so the sweep trains on the fast CPU backend (float32 WebAssembly) in ${Math.max(2, navigator.hardwareConcurrency || 2)} ` +
      "workers, one per core, off this page's thread; Stop acts between epochs. With WebGPU all K models share the same dispatches.";
  };
  // The device panel opens the runtime before the first dataset arrives, so by then the note is right.
  app.on('dataset', cpuNote);
  let controller: AbortController | null = null;
  let last: { result: SweepResult; context: RunContext; scaler: NonNullable<App['dataset']>['scaler'] } | null = null;
  // The "now the current model" line holds only while the model is the one these buttons set.
  let ours: App['model'] = null;
  app.on('model', () => {
    if (app.model !== ours) byId('sweep-used').textContent = '';
  });
  const use = (model: NonNullable<App['model']>, sentence: string): void => {
    ours = model;
    app.setModel(model);
    byId('sweep-used').textContent = sentence;
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (controller !== null) return;
    const errorBox = byId('sweep-error');
    let request: SweepRequest;
    try {
      request = readSweepForm({
        seeds: byId<HTMLInputElement>('sweep-seeds').value,
        lrs: byId<HTMLInputElement>('sweep-lrs').value,
        epochs: byId<HTMLInputElement>('sweep-epochs').value,
        top: byId<HTMLInputElement>('sweep-top').value,
        encodings: byId<HTMLInputElement>('sweep-encodings').value,
        folds: byId<HTMLInputElement>('sweep-folds').value,
        initSeed: byId<HTMLInputElement>('init-seed').value,
        numpy: byId<HTMLInputElement>('init-numpy').checked,
      });
    } catch (err) {
      showError(errorBox, errorText(err));
      return;
    }
    cpuNote();
    controller = new AbortController();
    last = null;
    void run(app, request, controller.signal, chart)
      .then((r) => {
        last = r;
      })
      .finally(() => {
        controller = null;
      });
  });
  byId('sweep-stop').addEventListener('click', () => controller?.abort());
  byId('sweep-use-best').addEventListener('click', () => {
    if (last === null) return;
    const { result, context, scaler } = last;
    const best = result.members[result.ranking[0]];
    status.sweep.used = 'best';
    use(
      {
        params: best.params,
        scaler,
        ...(best.encoder ? { encoder: best.encoder } : {}),
        source: 'trained',
        training: memberTrainingRecord(result, best, context),
        label:
          `the sweep's best model (model ${best.index}: seed ${best.seed}, lr ${best.lr}, best epoch ${best.outcome.bestEpoch}, ` +
          `validation RMSE ${fmt(best.metrics.validation.model.rmse, 4)})`,
      },
      `Model ${best.index} is now the current model: score the data with it in section 6.`,
    );
  });
  byId('sweep-use-ensemble').addEventListener('click', () => {
    if (last === null) return;
    const { result, context, scaler } = last;
    const members: Params[] = result.ensemble.members.map((i) => result.members[i].params);
    status.sweep.used = 'ensemble';
    use(
      {
        params: members[0],
        members,
        scaler,
        ...(result.members[result.ensemble.members[0]].encoder ? { encoder: result.members[result.ensemble.members[0]].encoder } : {}),
        source: 'trained',
        training: ensembleTrainingRecord(result, context),
        label: `the sweep's ensemble of the top ${members.length} (models ${result.ensemble.members.join(', ')}), outputs averaged`,
      },
      `The ensemble of ${members.length} is now the current model: section 6 scores with all of them at once and averages.`,
    );
  });
}

async function run(
  app: App,
  request: SweepRequest,
  signal: AbortSignal,
  chart: SweepChart,
): Promise<{ result: SweepResult; context: RunContext; scaler: NonNullable<App['dataset']>['scaler'] } | null> {
  const dataset = app.dataset;
  const status = demoStatus();
  const progress = byId('sweep-progress');
  const errorBox = byId('sweep-error');
  const start = byId<HTMLButtonElement>('sweep-start');
  const stop = byId<HTMLButtonElement>('sweep-stop');
  const useButtons = [byId<HTMLButtonElement>('sweep-use-best'), byId<HTMLButtonElement>('sweep-use-ensemble')];
  if (dataset === null) return null;
  const { grid, top, train, epochs, folds } = request;
  const encodings = grid.encodings ?? [NOTEBOOK_ENCODING];
  const cells = encodings.flatMap((encoding) => grid.seeds.flatMap((seed) => grid.lrs.map((lr, lrIndex) => ({ encoding, seed, lr, lrIndex }))));
  const K = cells.length;
  showError(errorBox, null);
  start.disabled = true;
  stop.disabled = false;
  for (const b of useButtons) b.disabled = true;
  byId('sweep-results').replaceChildren();
  byId('sweep-used').textContent = '';
  const ranOn = app.runtime.kind;
  status.sweep = { ...initialSweepStatus(), running: true, ranOn, models: K, maxEpochs: epochs, active: K, finished: status.sweep.finished };
  await nextFrame();
  chart.reset(
    cells.map((c, i) => ({ label: `${i}: ${encodings.length > 1 ? `${c.encoding}, ` : ''}seed ${c.seed}, lr ${c.lr}`, lrIndex: c.lrIndex })),
    epochs,
  );
  const s = status.sweep;
  const showChart = (): void => {
    s.chart = { ...chart.counts, best: chart.best, widths: chart.widths };
  };
  showChart();
  progress.textContent =
    `Starting ${K} models (${encodings.length > 1 ? `${encodings.length} encodings × ` : `encoding ${encodings[0]}, `}` +
    `${grid.seeds.length} seeds × ${grid.lrs.length} learning rates${folds ? `, each validated on its own fold of ${folds}` : ''}) ` +
    `on the ${ranOn.toUpperCase()}…`;
  await nextFrame();
  const context: RunContext = { backend: ranOn, device: app.runtime.description, source: dataset.source, counts: dataset.counts };
  try {
    const result = await runSweep(
      app.runtime,
      dataset,
      { train, grid, top, folds },
      {
        signal,
        // Without a GPU the reference trainers run on this thread: a frame before each epoch lets the page repaint.
        beforeEpoch: app.runtime.gpu === null ? nextFrame : undefined,
        onEpoch: (reports, active) => {
          if (reports.length === 0) return;
          chart.add(reports);
          showChart();
          const epoch = reports[0].epoch;
          s.epochs = epoch;
          s.active = active;
          const b = chart.best;
          const bestLoss = chart.bestLoss;
          progress.textContent =
            epoch === 0
              ? `Before training: ${K} models initialized; the thick line is the lowest validation loss so far.`
              : `Epoch ${epoch}/${epochs} · ${active} of ${K} models still training · best validation MSE ${fmt(bestLoss)} ` +
                `(model ${b}: seed ${cells[b]?.seed}, lr ${cells[b]?.lr}) · ${fmtMs(reports[0].ms)} per epoch on the ${ranOn.toUpperCase()}`;
        },
      },
    );
    const aborted = result.members.some((m) => m.outcome.aborted);
    s.stoppedBy = aborted ? 'user' : 'done';
    s.ranking = [...result.ranking];
    s.valRmse = result.members.map((m) => m.metrics.validation.model.rmse);
    s.ensemble = {
      members: [...result.ensemble.members],
      valRmse: result.ensemble.metrics.validation.model.rmse,
      testRmse: result.ensemble.metrics.test.model.rmse,
    };
    progress.textContent =
      `${aborted ? `Stopped by you after epoch ${s.epochs}` : 'Finished'}: ${K} models in ${fmtMs(result.totalMs)} ` +
      `on the ${ranOn.toUpperCase()}; each model keeps the weights of its best validation epoch.`;
    showResults(result);
    for (const b of useButtons) b.disabled = false;
    return { result, context, scaler: dataset.scaler };
  } catch (err) {
    s.stoppedBy = 'error';
    showError(errorBox, errorText(err));
    progress.textContent = 'The sweep did not finish.';
    return null;
  } finally {
    s.running = false;
    s.finished++;
    start.disabled = false;
    stop.disabled = true;
  }
}

/** The ranked table (validation metrics chose), the ensemble's row, and the test metrics, reported only. */
function showResults(result: SweepResult): void {
  const metric = (r: MetricsReport['model']): string[] => [fmt(r.rmse), fmt(r.mae), fmt(r.r2, 3)];
  const stopped = (m: SweepResult['members'][number]): string =>
    m.outcome.aborted ? 'you' : m.outcome.stoppedBy === 'patience' ? 'patience' : (m.outcome.stoppedBy ?? 'epochs');
  const rows = result.ranking.map((i, r) => {
    const m = result.members[i];
    const fold = m.fold === undefined ? [] : [String(m.fold)];
    return [
      String(r + 1),
      String(i),
      m.encoding,
      ...fold,
      String(m.seed),
      String(m.lr),
      String(m.outcome.bestEpoch),
      stopped(m),
      ...metric(m.metrics.validation.model),
    ];
  });
  const e = result.ensemble;
  const folded = result.folds > 0;
  // With folds an ensemble has no validation rows of its own (every row trained most of its members): n/a.
  rows.push([
    'ensemble',
    `top ${e.members.length}: ${e.members.join(', ')}`,
    e.encoding,
    ...(folded ? [''] : []),
    '',
    '',
    '',
    '',
    ...metric(e.metrics.validation.model),
  ]);
  const ranked = table(
    ['rank', 'model', 'encoding', ...(folded ? ['fold'] : []), 'seed', 'lr', 'best epoch', 'stopped by', 'val RMSE', 'val MAE', 'val R²'],
    rows,
    'Every model, ranked by validation RMSE, and the ensemble',
  );
  ranked.id = 'sweep-table';
  ranked.setAttribute('data-testid', 'sweep-table');
  const body = ranked.tBodies[0];
  body.rows[0]?.classList.add('best');
  body.rows[body.rows.length - 1]?.classList.add('ensemble-row');
  const best = result.members[result.ranking[0]];
  const testTable = table(
    ['popularity points', 'RMSE', 'MAE', 'R²'],
    [
      [`best model (${best.index})`, ...metric(best.metrics.test.model)],
      [`ensemble of the top ${e.members.length}`, ...metric(e.metrics.test.model)],
      [`mean baseline (${fmt(e.metrics.test.baselineValue, 3)})`, ...metric(e.metrics.test.baseline)],
    ],
    'Test metrics of the best model and the ensemble, reported only',
  );
  testTable.setAttribute('data-testid', 'sweep-test');
  const pct = Math.round(result.validation * 100);
  const chose = folded
    ? `each model's own fold (one of ${result.folds} folds of the training rows, which it did not train on) chose the order and the ensemble`
    : `the validation rows (${pct} % of the training rows) chose the order and the ensemble`;
  byId('sweep-results').replaceChildren(
    el('p', {}, `Ranked by validation RMSE in popularity points: ${chose}; the test rows never chose anything and are only reported below.`),
    el('div', { class: 'scroll' }, ranked),
    el('h3', {}, 'Test set, reported only'),
    el('div', { class: 'scroll' }, testTable),
  );
}
