// spotify-mlp for Node: the notebook's 13-64-32-16-1 MLP on WebGPU through Dawn (the `webgpu` package), with
// SwiftShader as the fallback where there is no GPU, and the fast float32 CPU backend where there is no WebGPU at all.
import { Readable } from 'node:stream';
import { type Predictions, predictTable, prepareTable } from './api/common.ts';
import { type CleanTable, type Dataset, parseCsvText, type PrepareOptions, type TableOptions } from './data/index.ts';
import type { ModelFile } from './model/model-file.ts';
import { loadCsvFile } from './platform/node-csv.ts';
import { openNodeRuntime } from './platform/node-runtime.ts';
import type { BackendChoice, Runtime } from './runtime/runtime.ts';

// The same API in Node and in pages: everything of api/common.ts, and the types of api/types.ts.
export * from './api/common.ts';
export type * from './api/types.ts';

/** Options of {@link openRuntime}. */
export interface OpenRuntimeOptions {
  /** Where `auto` says that it fell back to the fast CPU backend (default: one line on stderr). */
  readonly log?: (line: string) => void;
}

/**
 * Opens the device every model runs on. `gpu`: Dawn on the best adapter, SwiftShader where there is no GPU, or one
 * sentence saying why there is none. `auto` (default): the same, falling back to the fast CPU backend with one line
 * through `log`. `cpu`: the fast CPU backend (float32, WebAssembly SIMD; one model on one thread, K models on every core); `reference`: the float64
 * reference; neither loads Dawn. Call `close()` when done: Node does not exit
 * while Dawn's device is open.
 */
export async function openRuntime(choice: BackendChoice = 'auto', options: OpenRuntimeOptions = {}): Promise<Runtime> {
  return options.log ? openNodeRuntime(choice, options.log) : openNodeRuntime(choice);
}

/**
 * A CSV to read: a file path (or `file:` URL), streamed in bounded memory; a Node `Readable` or any async
 * iterable of text or bytes; a `Blob`; or `{ text }` holding the CSV itself.
 */
export type CsvSource = string | URL | Blob | Readable | AsyncIterable<string | Uint8Array> | { readonly text: string; readonly name?: string };

const isText = (s: unknown): s is { readonly text: string; readonly name?: string } => typeof (s as { text?: unknown }).text === 'string';

async function readCsv(source: CsvSource, options: Omit<TableOptions, 'name'>): Promise<CleanTable> {
  if (typeof source === 'string') return loadCsvFile(source, options);
  if (source instanceof URL) return loadCsvFile(decodeURIComponent(source.pathname), options);
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    return parseCsvText(await source.text(), (source as Partial<File>).name ?? 'the CSV', options);
  }
  if (isText(source)) return parseCsvText(source.text, source.name ?? 'the CSV text', options);
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of source as AsyncIterable<string | Uint8Array>) {
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
  }
  return parseCsvText(text + decoder.decode(), 'the CSV stream', options);
}

/**
 * Reads a Spotify tracks CSV and prepares it as the notebook does: rows with a missing or unusable value dropped
 * (and counted in `counts`), a random sample, min-max scaling, and a train/test split. Errors in the file are one
 * sentence naming it.
 */
export async function prepareCsv(source: CsvSource, options: PrepareOptions = {}): Promise<Dataset> {
  return prepareTable(await readCsv(source, {}), options);
}

/**
 * Predicts the popularity of every row of a CSV (`popularity` is not needed) with a model that carries its scaler;
 * rows that cannot be scored are kept in `csv` with the reason.
 */
export async function predict(runtime: Runtime, model: ModelFile, source: CsvSource): Promise<Predictions> {
  return predictTable(runtime, model, await readCsv(source, { requireTarget: false, keepIds: true, listRejected: true }));
}

/** Re-exported for `instanceof`: every error a caller can fix (a bad CSV, wrong shapes, no WebGPU) is one. */
export { UserError } from './errors.ts';
