// How CSV text is parsed (papaparse settings shared by Node, the browser worker and tests) and a one-call parser for strings.
import Papa from 'papaparse';
import { type CleanTable, TableBuilder, type TableOptions } from './table.ts';

/**
 * The papaparse settings every reader uses, so Node and the browser split fields identically: a comma
 * delimiter as pandas' read_csv (no guessing), `"` quotes with `""` escapes, CRLF or LF detected, all cells
 * kept as text (coercion is ours, see values.ts), and blank lines left in so that {@link TableBuilder} counts them.
 * Pass a copy (`{ ...CSV_PARSE_CONFIG, chunk }`): papaparse writes into the config object it is given.
 */
export const CSV_PARSE_CONFIG = Object.freeze({
  header: false,
  delimiter: ',',
  quoteChar: '"',
  escapeChar: '"',
  dynamicTyping: false,
  skipEmptyLines: false,
} as const);

/**
 * Parses a whole CSV text (small inputs, tests; files are streamed by src/platform/node-csv.ts) into a clean
 * table. `name` names the file in errors. A UTF-8 BOM, CRLF, quoted fields and a missing final newline are fine.
 */
export function parseCsvText(text: string, name: string, opts: Omit<TableOptions, 'name'> = {}): CleanTable {
  const builder = new TableBuilder({ ...opts, name });
  const result = Papa.parse<string[]>(text.replace(/^\uFEFF/, ''), { ...CSV_PARSE_CONFIG });
  builder.addChunk(result);
  return builder.finish();
}
