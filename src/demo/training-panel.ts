// The training panel: settings, start/stop, a live loss curve, then the test-set scatter and metrics against the mean baseline.
import { defaultLearningRate } from '../model/optimizer.ts';
import { unscaleY } from '../model/scaler.ts';
import { encodeInput } from '../model/encoding.ts';
import { OPTIMIZER_KINDS, type OptimizerKind } from '../model/optimizer.ts';
import type { MetricsReport } from '../train/metrics.ts';
import { trainingRecord } from '../train/record.ts';
import { TRAIN_DEFAULTS, type TrainConfig, type TrainedModel } from '../train/train-model.ts';
import type { App } from './app.ts';
import { LossChart, ScatterChart } from './charts.ts';
import { byId, el, errorText, fmt, fmtMs, nextFrame, showError, table } from './dom.ts';
import { demoStatus } from './status.ts';
import { trainModelOn } from './worker-runtime.ts';

/** Wires the form and the charts; the form starts with the CLI's defaults. */
export function initTrainingPanel(app: App): void {
  const form = byId<HTMLFormElement>('train-form');
  const optimizer = byId<HTMLSelectElement>('optimizer');
  const lr = byId<HTMLInputElement>('lr');
  byId<HTMLInputElement>('epochs').value = String(TRAIN_DEFAULTS.epochs);
  byId<HTMLInputElement>('batch').value = String(TRAIN_DEFAULTS.batchSize);
  optimizer.value = TRAIN_DEFAULTS.optimizer;
  lr.value = String(defaultLearningRate(TRAIN_DEFAULTS.optimizer));
  // Each optimizer has its own good step size; switching puts its default in the box.
  optimizer.addEventListener('change', () => {
    lr.value = String(defaultLearningRate(optimizer.value as OptimizerKind));
  });
  byId('train-progress').textContent =
    "Trains the notebook's network from He init (the seed and numpy option of section 3) " +
    `on the loaded data; stops early after ${TRAIN_DEFAULTS.patience} epochs without a better validation ` +
    `loss (10 % of the training rows) and keeps the best weights; the test rows are only reported.`;
  const loss = new LossChart(byId<HTMLCanvasElement>('loss-chart'));
  const scatter = new ScatterChart(byId<HTMLCanvasElement>('scatter-chart'));
  let controller: AbortController | null = null;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (controller !== null) return;
    controller = new AbortController();
    void run(app, readConfig(), controller.signal, loss, scatter).finally(() => {
      controller = null;
    });
  });
  byId('train-stop').addEventListener('click', () => controller?.abort());
}

/** The form's settings, each checked, as a TrainConfig. */
function readConfig(): TrainConfig {
  const kind = byId<HTMLSelectElement>('optimizer').value as OptimizerKind;
  const positive = (id: string, integer: boolean, fallback: number): number => {
    const v = Number(byId<HTMLInputElement>(id).value);
    return Number.isFinite(v) && v > 0 && (!integer || Number.isInteger(v)) ? v : fallback;
  };
  const seed = Number(byId<HTMLInputElement>('init-seed').value);
  return {
    ...TRAIN_DEFAULTS,
    optimizer: OPTIMIZER_KINDS.includes(kind) ? kind : TRAIN_DEFAULTS.optimizer,
    lr: positive('lr', false, defaultLearningRate(kind)),
    epochs: positive('epochs', true, TRAIN_DEFAULTS.epochs),
    batchSize: positive('batch', true, TRAIN_DEFAULTS.batchSize),
    seed: Number.isInteger(seed) && seed >= 0 ? seed : TRAIN_DEFAULTS.seed,
    rng: byId<HTMLInputElement>('init-numpy').checked ? 'numpy' : 'seedrandom',
  };
}

async function run(app: App, config: TrainConfig, signal: AbortSignal, loss: LossChart, scatter: ScatterChart): Promise<void> {
  const dataset = app.dataset;
  const status = demoStatus();
  const progress = byId('train-progress');
  const errorBox = byId('train-error');
  const start = byId<HTMLButtonElement>('train-start');
  const stop = byId<HTMLButtonElement>('train-stop');
  if (dataset === null) return;
  showError(errorBox, null);
  start.disabled = true;
  stop.disabled = false;
  // The chart's reset is tens of milliseconds on a slow machine: it gets a task of its own, after the click's,
  // and the run starts in the next one, so no two add up to one long stall (test/e2e/demo-cpu-stall.test.ts).
  await nextFrame();
  loss.reset(config.epochs);
  const ranOn = app.runtime.kind;
  status.training = {
    running: true,
    ranOn,
    epochs: 0,
    trainLoss: [],
    valLoss: [],
    testLoss: [],
    epochMs: [],
    finished: status.training.finished,
    metrics: null,
    stoppedBy: null,
    chartPoints: 0,
  };
  progress.textContent = `Uploading ${dataset.counts.train.toLocaleString('en-US')} training examples…`;
  await nextFrame();
  try {
    // Without a GPU the whole run happens in the CPU worker (worker-runtime.ts): the page's thread only draws.
    const result = await trainModelOn(app.runtime, dataset, config, {
      signal,
      // Only where the CPU runs on this thread (the worker did not start): yield a frame before each epoch to repaint.
      beforeEpoch: app.runtime.gpu === null ? nextFrame : undefined,
      onEpoch: (r) => {
        loss.add(r.epoch, r.trainLoss, r.valLoss, r.testLoss);
        const t = status.training;
        t.trainLoss.push(r.trainLoss);
        t.valLoss.push(r.valLoss);
        t.testLoss.push(r.testLoss);
        if (r.epoch > 0) t.epochMs.push(r.ms);
        t.epochs = r.epoch;
        t.chartPoints = loss.points;
        progress.textContent =
          r.epoch === 0
            ? `Before training: train MSE ${fmt(r.trainLoss)}, validation MSE ${fmt(r.valLoss)}, test MSE ${fmt(r.testLoss)}.`
            : `Epoch ${r.epoch}/${r.epochs} · train MSE ${fmt(r.trainLoss)} · validation MSE ${fmt(r.valLoss)} · test MSE ${fmt(r.testLoss)} · ` +
              `${fmtMs(r.ms)} per epoch on the ${ranOn.toUpperCase()} · best epoch ${r.bestEpoch}`;
      },
    });
    const o = result.outcome;
    const why = o.aborted ? 'stopped by you' : o.stoppedEarly ? `early stopping (no better validation loss for ${config.patience} epochs)` : 'all epochs done';
    status.training.stoppedBy = o.aborted ? 'user' : o.stoppedEarly ? 'early-stopping' : 'epochs';
    progress.textContent =
      `Finished after ${o.epochsRun} epochs (${why}) in ${fmtMs(o.totalMs)}; ` + `kept the weights of epoch ${o.bestEpoch}, the best validation loss.`;
    await showResults(app, result, scatter);
    status.training.metrics = {
      rmse: result.metrics.test.model.rmse,
      mae: result.metrics.test.model.mae,
      r2: result.metrics.test.model.r2,
      baselineRmse: result.metrics.test.baseline.rmse,
      baselineMae: result.metrics.test.baseline.mae,
    };
    app.setModel({
      params: result.params,
      scaler: dataset.scaler,
      ...(result.encoder ? { encoder: result.encoder } : {}),
      source: 'trained',
      training: {
        ...trainingRecord(result, {
          backend: ranOn,
          device: app.runtime.description,
          source: dataset.source,
          counts: dataset.counts,
        }),
      },
      label: `trained in this tab (${config.optimizer}, ${o.bestEpoch} epochs, on ${dataset.source})`,
    });
  } catch (err) {
    showError(errorBox, errorText(err));
    progress.textContent = 'Training did not finish.';
  } finally {
    status.training.running = false;
    status.training.finished++;
    start.disabled = false;
    stop.disabled = true;
  }
}

/** Scores the test set with the trained weights for the scatter, and lays out the metrics table. */
async function showResults(app: App, result: TrainedModel, scatter: ScatterChart): Promise<void> {
  const dataset = app.dataset;
  if (dataset === null) return;
  const backend = await app.runtime.backend(result.params);
  try {
    const out = (await backend.forward(encodeInput(result.encoder, dataset.xTest))).out.data;
    scatter.show(unscaleY(out, dataset.scaler), unscaleY(dataset.yTest.data, dataset.scaler));
  } finally {
    backend.dispose();
  }
  const row = (name: string, r: MetricsReport): string[][] => [
    [`${name}: model`, fmt(r.model.rmse), fmt(r.model.mae), fmt(r.model.r2, 3)],
    [`${name}: mean baseline (${fmt(r.baselineValue, 3)})`, fmt(r.baseline.rmse), fmt(r.baseline.mae), fmt(r.baseline.r2, 3)],
  ];
  const t = result.metrics.test;
  byId('metrics').replaceChildren(
    el(
      'p',
      {},
      el(
        'strong',
        {},
        `Test set: RMSE ${fmt(t.model.rmse, 3)} points against ${fmt(t.baseline.rmse, 3)} for always ` + `guessing the mean; R² ${fmt(t.model.r2, 3)}.`,
      ),
    ),
    el(
      'div',
      { class: 'scroll' },
      table(['popularity points', 'RMSE', 'MAE', 'R²'], [...row('test', t), ...row('train', result.metrics.train)], 'Metrics against the mean baseline'),
    ),
  );
}
