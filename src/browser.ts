// spotify-mlp for web pages: the same API as in Node, on navigator.gpu, with the fast CPU backend where the browser
// has no WebGPU. The WGSL is inlined in the built package, so no bundler plugin is needed.
import { type Predictions, predictTable, prepareTable } from './api/common.ts';
import { type CleanTable, type Dataset, parseCsvText, type PrepareOptions, type TableOptions } from './data/index.ts';
import type { ModelFile } from './model/model-file.ts';
import { openBrowserRuntime } from './platform/browser-runtime.ts';
import type { BackendChoice, Runtime } from './runtime/runtime.ts';

// The same API in Node and in pages: everything of api/common.ts, and the types of api/types.ts.
export * from './api/common.ts';
export type * from './api/types.ts';

/** Options of {@link openRuntime}. */
export interface OpenRuntimeOptions {
  /** Where `auto` says why it fell back to the fast CPU backend (default: `console.warn`). */
  readonly log?: (line: string) => void;
}

/**
 * Opens the device every model runs on: `gpu` takes navigator.gpu's adapter or throws one sentence saying why
 * there is none; `auto` (default) falls back to the fast CPU backend and says why through `log`; `cpu` is that
 * backend (float32, WebAssembly SIMD, one thread, on the calling thread), `reference` the float64 reference.
 * The page must be a secure context (https or localhost) for navigator.gpu to exist.
 */
export async function openRuntime(choice: BackendChoice = 'auto', options: OpenRuntimeOptions = {}): Promise<Runtime> {
  const { runtime, fallbackReason } = await openBrowserRuntime(choice);
  if (fallbackReason !== null)
    (options.log ?? console.warn)(`spotify-mlp: ${fallbackReason} Running on the fast CPU backend (float32, WebAssembly SIMD) instead.`);
  return runtime;
}

/** A CSV to read: a `File` or `Blob` (e.g. from an `<input type=file>`), a `ReadableStream` of bytes, or `{ text }`. */
export type CsvSource = Blob | ReadableStream<Uint8Array> | { readonly text: string; readonly name?: string };

const isText = (s: unknown): s is { readonly text: string; readonly name?: string } => typeof (s as { text?: unknown }).text === 'string';

async function readCsv(source: CsvSource, options: Omit<TableOptions, 'name'>): Promise<CleanTable> {
  if (source instanceof Blob) return parseCsvText(await source.text(), (source as Partial<File>).name ?? 'the CSV', options);
  if (isText(source)) return parseCsvText(source.text, source.name ?? 'the CSV text', options);
  return parseCsvText(await new Response(source as ReadableStream<Uint8Array>).text(), 'the CSV stream', options);
}

/**
 * Reads a Spotify tracks CSV and prepares it as the notebook does: rows with a missing or unusable value dropped
 * (and counted), a random sample, min-max scaling, and a train/test split.
 */
export async function prepareCsv(source: CsvSource, options: PrepareOptions = {}): Promise<Dataset> {
  return prepareTable(await readCsv(source, {}), options);
}

/** Predicts the popularity of every row of a CSV with a model that carries its scaler; see the Node entry's `predict`. */
export async function predict(runtime: Runtime, model: ModelFile, source: CsvSource): Promise<Predictions> {
  return predictTable(runtime, model, await readCsv(source, { requireTarget: false, keepIds: true, listRejected: true }));
}

/** Re-exported for `instanceof`: every error a caller can fix (a bad CSV, wrong shapes, no WebGPU) is one. */
export { UserError } from './errors.ts';
