// The models panel: download the current model in the CLI's JSON format (with the scaler), or load one, e.g. from `spotify-mlp train`.
import { FEATURES } from '../model/schema.ts';
import { UserError } from '../errors.ts';
import { parseModel } from '../model/model-file.ts';
import { serializeEnsemble, serializeModel } from '../model/model-writer.ts';
import type { App } from './app.ts';
import { byId, downloadBytes, downloadText, errorText, showError } from './dom.ts';
import { demoStatus } from './status.ts';

/** Wires the download button and the model file input, and keeps the one-line model description current. */
export function initModelsPanel(app: App): void {
  const info = byId('model-info');
  const errorBox = byId('model-error');
  const input = byId<HTMLInputElement>('model-file');
  app.on('model', () => {
    const m = app.model;
    if (m === null) return;
    byId('model-download').textContent = m.members ? 'Download ensemble.json' : 'Download model.json';
    info.textContent =
      `Current model: ${m.label}; dims [${m.params.dims.join(', ')}]; ` +
      (m.members ? `an ensemble of ${m.members.length} members, outputs averaged; ` : '') +
      (m.encoder ? `encoding ${m.encoder.name ?? 'custom'} (${m.encoder.width} inputs); ` : '') +
      (m.scaler ? 'scaler included.' : "no scaler in the file, so the loaded data's scaler is used.");
  });
  byId('model-download').addEventListener('click', () => {
    const m = app.model;
    if (m === null) return;
    const scaler = m.scaler ?? app.dataset?.scaler;
    const extras = { ...(scaler ? { scaler } : {}), ...(m.encoder ? { encoder: m.encoder } : {}), ...(m.training ? { training: m.training } : {}) };
    const text = m.members ? serializeEnsemble(m.members, extras) : serializeModel(m.params, extras);
    downloadText(m.members ? 'ensemble.json' : 'model.json', text, 'application/json');
  });
  byId('model-onnx').addEventListener('click', () => void downloadOnnx(app, errorBox));
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    input.value = '';
    if (file) void loadModel(app, file, errorBox);
  });
}

/** Reads and validates a model file; on any problem the message is shown and the current model stays. */
async function loadModel(app: App, file: File, errorBox: HTMLElement): Promise<void> {
  try {
    const label = `the model file '${file.name}'`;
    const model = parseModel(await file.text(), label);
    if (model.params.dims[0] !== (model.encoder?.width ?? FEATURES.length)) {
      throw new UserError(
        `${label} takes ${model.params.dims[0]} inputs but the data has ${FEATURES.length} features; load a model trained on tracks.csv's 13 features.`,
      );
    }
    if (model.scaler && model.scaler.features.join() !== FEATURES.join()) {
      throw new UserError(`${label} was scaled on features ${model.scaler.features.join(', ')}, not the 13 this page reads; retrain it.`);
    }
    showError(errorBox, null);
    const status = demoStatus();
    status.model = { source: file.name, loads: (status.model?.loads ?? 0) + 1 };
    app.setModel({
      params: model.params,
      scaler: model.scaler ?? null,
      ...(model.encoder ? { encoder: model.encoder } : {}),
      source: 'loaded',
      label: `loaded from ${file.name}`,
      ...(model.members ? { members: model.members } : {}),
      ...(model.training ? { training: model.training } : {}),
    });
  } catch (err) {
    showError(errorBox, `${errorText(err)} The current model is unchanged.`);
  }
}

/**
 * Builds model.onnx for the current model and offers it. The ONNX writer (protobufjs and ONNX's schema) is loaded on
 * the first click, not with the page.
 */
async function downloadOnnx(app: App, errorBox: HTMLElement): Promise<void> {
  const m = app.model;
  if (m === null) return;
  try {
    const { exportOnnx } = await import('../onnx/export.ts');
    const scaler = m.scaler ?? app.dataset?.scaler;
    const bytes = exportOnnx({
      params: m.params,
      ...(m.members ? { members: m.members } : {}),
      ...(scaler ? { scaler } : {}),
      ...(m.encoder ? { encoder: m.encoder } : {}),
    });
    showError(errorBox, null);
    downloadBytes('model.onnx', bytes as Uint8Array<ArrayBuffer>, 'application/octet-stream');
    const status = demoStatus();
    status.onnx = { bytes: bytes.length, exports: (status.onnx?.exports ?? 0) + 1 };
  } catch (err) {
    showError(errorBox, errorText(err));
  }
}
