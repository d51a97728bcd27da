// The data panel's "what the encoder learned": pick a feature (year first) and see its training rows' histogram with
// the encoder's learned edges. The encoder is the current model's when it has one, else the sweep's default
// encoding fitted on the loaded training rows, so the chart is there before anything is trained.
import { parseEncoding } from '../data/encoding-spec.ts';
import { type Encoder, fitEncoderSteps } from '../model/encoding.ts';
import { drainPaced } from '../model/steps.ts';
import { FEATURES, YEAR } from '../model/schema.ts';
import { SWEEP_DEFAULTS } from '../train/sweep.ts';
import type { App } from './app.ts';
import { byId, el, errorText, nextFrame } from './dom.ts';
import { EncoderChart } from './encoder-chart.ts';
import { demoStatus } from './status.ts';

/** Fills the feature list and redraws on new data, a new model, or another feature. */
export function initEncoderPanel(app: App): void {
  const select = byId<HTMLSelectElement>('encoder-feature');
  select.replaceChildren(...FEATURES.map((f) => el('option', { value: f }, f)));
  select.value = YEAR;
  const chart = new EncoderChart(byId<HTMLCanvasElement>('encoder-chart'));
  let fitted: { data: App['dataset']; encoder: Promise<Encoder> } | null = null;
  const draw = async (): Promise<void> => {
    const data = app.dataset;
    if (data === null) return;
    let encoder = app.model?.encoder;
    const source = encoder ? 'model' : 'default';
    if (!encoder) {
      // Fitted once per dataset, on its training rows only, as a sweep with the default encoding would fit it;
      // paced by the page's frames, since sorting 24 000 rows of 13 features is tens of ms of its thread.
      const name = SWEEP_DEFAULTS.encodings[0];
      if (fitted?.data !== data) fitted = { data, encoder: drainPaced(fitEncoderSteps(data.xTrain, parseEncoding(name).parts, name), nextFrame) };
      encoder = await fitted.encoder;
      if (app.dataset !== data || app.model?.encoder) return; // superseded while it was fitted
    }
    const feature = FEATURES.indexOf(select.value);
    const what =
      source === 'model' ? `the current model's encoder` : `the sweep's default encoding (${encoder.name}) fitted on these ${data.xTrain.cols} training rows`;
    const { edges } = chart.show(data.xTrain, data.scaler, encoder, feature, what);
    byId('encoder-note').textContent =
      `${encoder.width} network inputs from 13 features; shown: ${what}. ` + 'Each red line is a learned cut: piecewise-linear bins, or every 50th quantile.';
    const status = demoStatus();
    status.encoder = { feature: select.value, edges, width: encoder.width, source, draws: (status.encoder?.draws ?? 0) + 1 };
  };
  // Too few training rows for the default's bins, say: the chart is left out with the sentence why.
  const redraw = (): void => void draw().catch((err: unknown) => (byId('encoder-note').textContent = errorText(err)));
  select.addEventListener('change', redraw);
  app.on('dataset', redraw);
  app.on('model', redraw);
}
