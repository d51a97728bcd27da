// Node's CSV reader: streams a file through papaparse into the shared TableBuilder, so a 600k-row file never sits in memory as text.
import { createReadStream, statSync } from 'node:fs';
import Papa from 'papaparse';
import { CSV_PARSE_CONFIG } from '../data/csv.ts';
import { type CleanTable, TableBuilder, type TableOptions } from '../data/table.ts';
import { UserError } from '../errors.ts';

/** Options of {@link loadCsvFile}: the TableBuilder's, a display name, and a progress callback. */
export interface LoadCsvOptions extends Omit<TableOptions, 'name'> {
  /** How errors name the file; the path by default. */
  readonly name?: string;
  /** Called after each chunk with the bytes read so far and the file's size. */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
}

// Big reads keep papaparse's per-chunk overhead small; one chunk is all that is held as text at any time.
const CHUNK_BYTES = 1 << 20;

/**
 * Streams the CSV file at `path` into a clean table in bounded memory: each chunk of text is parsed and
 * cleaned, then dropped. A missing or unreadable file, a file that is not CSV, or missing columns are
 * one-sentence UserErrors naming the file.
 */
export async function loadCsvFile(path: string, opts: LoadCsvOptions = {}): Promise<CleanTable> {
  const name = opts.name ?? path;
  let totalBytes: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new UserError(`Cannot read the CSV file '${name}': it is a folder, not a file.`);
    totalBytes = stat.size;
  } catch (err) {
    throw toUserError(err, name);
  }
  const builder = new TableBuilder({ ...opts, name });
  // A string stream: Node's decoder keeps a UTF-8 character that spans two chunks whole (papaparse would split it).
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: CHUNK_BYTES });
  await new Promise<void>((resolve, reject) => {
    let failed = false;
    const fail = (err: unknown): void => {
      if (failed) return;
      failed = true;
      stream.destroy();
      reject(toUserError(err, name));
    };
    stream.on('error', fail);
    Papa.parse<string[]>(stream, {
      ...CSV_PARSE_CONFIG,
      beforeFirstChunk: (chunk: string) => chunk.replace(/^\uFEFF/, ''),
      chunk: (results: Papa.ParseResult<string[]>, parser: Papa.Parser) => {
        if (failed) return;
        try {
          builder.addChunk(results);
          opts.onProgress?.(stream.bytesRead, totalBytes);
        } catch (err) {
          fail(err); // first: abort() calls `complete`, which must not resolve
          parser.abort();
        }
      },
      complete: () => {
        if (!failed) resolve();
      },
      error: (err: Error) => fail(err),
    });
  });
  return builder.finish();
}

/** A file-system error as one sentence naming the file; a UserError or a bug passes through unchanged. */
function toUserError(err: unknown, name: string): Error {
  if (err instanceof UserError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return new UserError(`Cannot read the CSV file '${name}': it does not exist; check the path.`, { cause: err });
  if (code === 'EACCES' || code === 'EPERM') {
    return new UserError(`Cannot read the CSV file '${name}': permission denied; check the file's permissions.`, { cause: err });
  }
  if (code === 'EISDIR') return new UserError(`Cannot read the CSV file '${name}': it is a folder, not a file.`, { cause: err });
  return err instanceof Error ? err : new Error(String(err));
}
