// The page's side of csv-worker.ts: one worker per file, progress callbacks, and the clean table or a UserError back.
import type { CleanTable } from '../data/table.ts';
import { UserError } from '../errors.ts';
import type { CsvWorkerReply, CsvWorkerRequest } from './csv-worker.ts';

/**
 * Parses and cleans `file` off the UI thread. `train` drops unusable rows (counted); `score` keeps ids and lists
 * every rejected row so that predictions cover each input row. Rejects with a UserError for a bad file.
 */
export function parseCsvInWorker(file: File, mode: CsvWorkerRequest['mode'], onProgress: (fraction: number, rows: number) => void): Promise<CleanTable> {
  const worker = new Worker(new URL('./csv-worker.ts', import.meta.url), { type: 'module', name: 'csv-worker' });
  return new Promise<CleanTable>((resolve, reject) => {
    worker.onmessage = (event: MessageEvent<CsvWorkerReply>) => {
      const reply = event.data;
      if (reply.type === 'progress') {
        onProgress(reply.fraction, reply.rows);
        return;
      }
      worker.terminate();
      if (reply.type === 'done') resolve(reply.table);
      else reject(reply.bug ? new Error(reply.message) : new UserError(reply.message));
    };
    worker.onerror = (event: ErrorEvent) => {
      worker.terminate();
      reject(new Error(`The CSV worker failed: ${event.message}`));
    };
    worker.postMessage({ file, mode } satisfies CsvWorkerRequest);
  });
}
