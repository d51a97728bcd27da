// The demo page's entry: opens the device, loads the synthetic data, runs the forward check, and wires every panel.
import { App } from './app.ts';
import { initDataPanel } from './data-panel.ts';
import { initDevicePanel } from './device-panel.ts';
import { initEncoderPanel } from './encoder-panel.ts';
import { initExplainPanel } from './explain-panel.ts';
import { byId, errorText, showError } from './dom.ts';
import { initForwardPanel } from './forward-panel.ts';
import { initModelsPanel } from './models-panel.ts';
import { initPredictPanel } from './predict-panel.ts';
import { demoStatus } from './status.ts';
import { initSweepPanel } from './sweep-panel.ts';
import { initTrainingPanel } from './training-panel.ts';

/** `?rows=N` makes the synthetic dataset smaller, for quick end-to-end tests; the default is the CLI's. */
function syntheticRows(): number | undefined {
  const value = Number(new URLSearchParams(location.search).get('rows'));
  return Number.isInteger(value) && value >= 10 ? value : undefined;
}

async function main(): Promise<void> {
  demoStatus();
  const app = new App();
  // Listeners first, so the panels see the first dataset and model.
  initForwardPanel(app);
  initModelsPanel(app);
  initPredictPanel(app);
  initTrainingPanel(app);
  initSweepPanel(app);
  initEncoderPanel(app);
  initExplainPanel(app);
  await initDevicePanel(app);
  await initDataPanel(app, { syntheticRows: syntheticRows() });
}

main().catch((err: unknown) => showError(byId('global-error'), errorText(err)));
