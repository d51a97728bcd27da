// A Web Worker that streams a user's CSV File through papaparse into the shared TableBuilder, so a 110 MB file never blocks the page.
import Papa from 'papaparse';
import { CSV_PARSE_CONFIG } from '../data/csv.ts';
import { type CleanTable, TableBuilder } from '../data/table.ts';
import { isUserError } from '../errors.ts';

/** What the page asks: clean a file for training (`train`), or keep every row's fate for scoring (`score`). */
export interface CsvWorkerRequest {
  readonly file: File;
  readonly mode: 'train' | 'score';
}

/** What the worker answers: progress as a fraction of the file's bytes, then the table or one sentence. */
export type CsvWorkerReply =
  | { readonly type: 'progress'; readonly fraction: number; readonly rows: number }
  | { readonly type: 'done'; readonly table: CleanTable }
  | { readonly type: 'error'; readonly message: string; readonly bug: boolean };

// 4 MiB slices: few enough messages for a 110 MB file, small enough for smooth progress.
const CHUNK_BYTES = 4 << 20;

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<CsvWorkerRequest>) => {
  const { file, mode } = event.data;
  const builder = new TableBuilder({
    name: file.name,
    requireTarget: mode === 'train',
    keepIds: mode === 'score',
    listRejected: mode === 'score',
  });
  let failed = false;
  const fail = (err: unknown): void => {
    if (failed) return;
    failed = true;
    const reply: CsvWorkerReply = isUserError(err)
      ? { type: 'error', message: err.message, bug: false }
      : { type: 'error', message: err instanceof Error ? `${err.name}: ${err.message}` : String(err), bug: true };
    scope.postMessage(reply);
  };
  // papaparse reads the File slice by slice with FileReader; a multi-byte character cut by a slice boundary would
  // become U+FFFD, which can only land in a text column (names), never in the ASCII numbers the model reads.
  Papa.parse<string[]>(file, {
    ...CSV_PARSE_CONFIG,
    chunkSize: CHUNK_BYTES,
    beforeFirstChunk: (chunk: string) => chunk.replace(/^\uFEFF/, ''),
    chunk: (results: Papa.ParseResult<string[]>, parser: Papa.Parser) => {
      if (failed) return;
      try {
        builder.addChunk(results);
        const fraction = file.size === 0 ? 1 : Math.min(1, results.meta.cursor / file.size);
        scope.postMessage({ type: 'progress', fraction, rows: builder.rowsRead } satisfies CsvWorkerReply);
      } catch (err) {
        // fail() first: abort() calls complete() synchronously, which must see that the parse already failed.
        fail(err);
        parser.abort();
      }
    },
    complete: () => {
      if (failed) return;
      try {
        const table = builder.finish();
        const transfer = [table.features.buffer, table.targets.buffer, table.rowIndex.buffer] as ArrayBuffer[];
        scope.postMessage({ type: 'done', table } satisfies CsvWorkerReply, transfer);
      } catch (err) {
        fail(err);
      }
    },
    error: (err: Error) => fail(err),
  });
};
