// One CSV row → the 13 features and the target: where each column is in the header, and the per-row cleaning rule.
import { UserError } from '../errors.ts';
import { BOOLEAN_COLUMNS, type DropReason, FEATURES, ID_COLUMN, N_FEATURES, RELEASE_DATE, TARGET, YEAR } from '../model/schema.ts';
import { type CellValue, MISSING, parseNumber, parseReleaseYear } from './values.ts';

/** Where the needed columns sit in a file's header, found once by {@link resolveColumns}. */
export interface ColumnLayout {
  /** The file's name, for messages. */
  readonly name: string;
  /** The header, with a BOM and surrounding spaces removed. */
  readonly header: readonly string[];
  /** The header index of each of {@link FEATURES}; for `year` it is `release_date`'s when {@link yearFromReleaseDate}. */
  readonly featureIndex: readonly number[];
  /** True when the file has no `year` column and the year is read from `release_date`. */
  readonly yearFromReleaseDate: boolean;
  /** The header index of `popularity`, or -1 when the file has none (allowed only for prediction). */
  readonly targetIndex: number;
  /** Whether a row without a usable target is dropped (training) or kept with a NaN target (prediction). */
  readonly needTarget: boolean;
  /** The header index of `id`, or -1. */
  readonly idIndex: number;
}

/** One unusable value in a row. */
export interface RowProblem {
  /** The file's column, e.g. `tempo` or `release_date`. */
  readonly column: string;
  readonly kind: Exclude<DropReason, 'fieldCount'>;
  /** The cell's text as found. */
  readonly text: string;
}

/** The outcome of cleaning one row: its values, or why it cannot be used. */
export type RowResult =
  | { readonly ok: true; readonly features: Float64Array; readonly target: number }
  | { readonly ok: false; readonly reason: DropReason; readonly problems: readonly RowProblem[] };

// Text that marks a file as something other than CSV: NUL bytes or undecodable bytes (binary), or markup.
// eslint-disable-next-line no-control-regex -- a NUL byte is what marks a binary file here
const BINARY = /[\u0000\uFFFD]/;
const OTHER_SEPARATORS: readonly [string, string][] = [
  [';', 'semicolons'],
  ['\t', 'tabs'],
  ['|', 'vertical bars'],
];

/**
 * Finds the needed columns in `rawHeader` (the file's first row). Extra columns and any column order are fine.
 * Throws a one-sentence UserError naming `name` when the file is not CSV or lacks columns (all of them listed).
 * With `requireTarget: false` (prediction) a file without `popularity` is accepted.
 */
export function resolveColumns(rawHeader: readonly string[], name: string, opts: { requireTarget?: boolean } = {}): ColumnLayout {
  const requireTarget = opts.requireTarget ?? true;
  const header = rawHeader.map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim());
  checkLooksLikeCsv(header, name);
  const index = (column: string): number => header.indexOf(column);
  const yearFromReleaseDate = index(YEAR) < 0 && index(RELEASE_DATE) >= 0;
  const missing = FEATURES.filter((f) => index(f) < 0 && !(f === YEAR && yearFromReleaseDate)).map((f) => (f === YEAR ? `year (or ${RELEASE_DATE})` : f));
  if (requireTarget && index(TARGET) < 0) missing.push(TARGET);
  if (missing.length > 0) {
    if (header.length === 1) throw notCsv(header, name);
    throw new UserError(
      `${name} is missing the required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; ` +
        `it needs ${FEATURES.filter((f) => f !== YEAR).join(', ')}, year or ${RELEASE_DATE}` +
        `${requireTarget ? `, and ${TARGET}` : ''} (other columns are ignored)${caseHint(header, missing)}.`,
    );
  }
  // A column the program reads must be there once: with two, either copy could be the right one.
  const used = [...FEATURES.filter((f) => !(f === YEAR && yearFromReleaseDate)), ...(yearFromReleaseDate ? [RELEASE_DATE] : []), TARGET, ID_COLUMN];
  for (const column of used) {
    const at = header.flatMap((h, i) => (h === column ? [i + 1] : []));
    if (at.length > 1) {
      throw new UserError(`${name} has the column ${column} ${at.length} times (columns ${at.join(', ')}); keep one, since either could be the right one.`);
    }
  }
  return {
    name,
    header,
    featureIndex: FEATURES.map((f) => (f === YEAR && yearFromReleaseDate ? index(RELEASE_DATE) : index(f))),
    yearFromReleaseDate,
    targetIndex: index(TARGET),
    needTarget: requireTarget,
    idIndex: index(ID_COLUMN),
  };
}

// Column names are case-sensitive, as in pandas; a header of `Tempo,Energy` gets told so instead of only "missing".
function caseHint(header: readonly string[], missing: readonly string[]): string {
  const wanted = missing.flatMap((m) => (m.startsWith(`${YEAR} `) ? [YEAR, RELEASE_DATE] : [m]));
  const found = header.filter((h) => h !== h.toLowerCase() && wanted.includes(h.toLowerCase()));
  if (found.length === 0) return '';
  const shown = found
    .slice(0, 3)
    .map((h) => `'${h}'`)
    .join(', ');
  return `; column names are case-sensitive, and the file has ${shown}${found.length > 3 ? ` and ${found.length - 3} more` : ''}, so write them in lower case`;
}

function checkLooksLikeCsv(header: readonly string[], name: string): void {
  const first = header[0] ?? '';
  if (header.some((h) => BINARY.test(h))) {
    throw new UserError(`${name} is not a CSV text file (it contains binary data); export the table as UTF-8 CSV.`);
  }
  if (/^[{[<]/.test(first)) {
    throw new UserError(`${name} is not a CSV file (it looks like JSON, HTML or XML); export the table as CSV with a header row.`);
  }
}

function notCsv(header: readonly string[], name: string): UserError {
  const other = OTHER_SEPARATORS.find(([sep]) => header[0].includes(sep));
  if (other !== undefined) {
    return new UserError(`${name} is not comma-separated (its header is split by ${other[1]}); save it as CSV with commas.`);
  }
  return new UserError(`${name} does not look like a CSV file: its first line has no commas; it needs a header row such as id,name,popularity,….`);
}

/**
 * Cleans one row (the fields of a data line, in header order) by the notebook's rule made exact: every feature
 * and the target must be a finite number; `explicit` may be True/False; the year comes from `year` or
 * `release_date`. `scratch` (13 values) may be passed to avoid an allocation per row; the result's `features`
 * is then that same array. Never throws for any input.
 *
 * Only the columns used count: the notebook's final `spotify_df.dropna()` also drops a row with an empty cell
 * in any other column (a track without a `name`), which loses usable rows for no reason. Neither real sample
 * has such a row, so the notebook's arrays are still reproduced.
 */
export function cleanRow(fields: readonly string[], layout: ColumnLayout, scratch?: Float64Array): RowResult {
  if (fields.length !== layout.header.length) return { ok: false, reason: 'fieldCount', problems: [] };
  const features = scratch ?? new Float64Array(N_FEATURES);
  let problems: RowProblem[] | undefined;
  for (let j = 0; j < N_FEATURES; j++) {
    const col = layout.featureIndex[j];
    const text = fields[col];
    const derived = j === N_FEATURES - 1 && layout.yearFromReleaseDate;
    const v = derived ? parseReleaseYear(text) : parseNumber(text, BOOLEAN_COLUMNS.has(FEATURES[j]));
    if (typeof v === 'number') features[j] = v;
    else (problems ??= []).push(problem(layout.header[col], v, text));
  }
  let target = Number.NaN;
  if (layout.targetIndex >= 0) {
    const text = fields[layout.targetIndex];
    const v = parseNumber(text);
    if (typeof v === 'number') target = v;
    else if (layout.needTarget) (problems ??= []).push(problem(TARGET, v, text));
  }
  if (problems === undefined) return { ok: true, features, target };
  const reason = problems.some((p) => p.kind === 'missingValue') ? 'missingValue' : 'invalidValue';
  return { ok: false, reason, problems };
}

function problem(column: string, v: Exclude<CellValue, number>, text: string): RowProblem {
  return { column, kind: v === MISSING ? 'missingValue' : 'invalidValue', text };
}
