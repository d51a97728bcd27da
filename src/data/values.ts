// Strict text → number coercion for CSV cells (the notebook's pd.to_numeric(errors='coerce')) and the year rule.

/** A cell that holds no value: empty, or one of the markers pandas' read_csv reads as NaN by default. */
export const MISSING = 'missing';
/** A cell that holds something, but not a finite number (junk, `inf`) or not a date in a known format. */
export const INVALID = 'invalid';

/** What coercing one cell gives: the number, or why there is none. */
export type CellValue = number | typeof MISSING | typeof INVALID;

// pandas' default na_values: a file that writes "NA" or "null" means "no value", not "bad value".
const MISSING_MARKERS = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
]);

// Plain decimal or exponent notation only: Number() alone would also take '0x1F', '0b1', 'Infinity' and ' '.
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The number a CSV cell holds, or {@link MISSING} / {@link INVALID}. Surrounding spaces are ignored;
 * `1.55E-05` parses; `inf`, `1,5`, `0x10` and other junk are invalid. With `booleans`, `True`/`False` (any case)
 * mean 1/0, as in a boolean `explicit` column.
 */
export function parseNumber(text: string, booleans = false): CellValue {
  const t = text.trim();
  if (MISSING_MARKERS.has(t)) return MISSING;
  if (DECIMAL.test(t)) {
    const n = Number(t);
    // A decimal literal can still overflow to ±Infinity (1e999): not finite, so not a usable value.
    return Number.isFinite(n) ? n : INVALID;
  }
  if (booleans) {
    const lower = t.toLowerCase();
    if (lower === 'true') return 1;
    if (lower === 'false') return 0;
  }
  return INVALID;
}

const YYYY = /^(\d{4})$/;
const YYYY_MM = /^(\d{4})-(\d{1,2})$/;
const YYYY_MM_DD = /^(\d{4})-(\d{1,2})-(\d{1,2})$/;
const M_D_YYYY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const D_M_YYYY = /^(\d{1,2})-(\d{1,2})-(\d{4})$/;

/**
 * The year of a `release_date` cell. Accepted: `YYYY`, `YYYY-MM`, `YYYY-MM-DD` (Kaggle's tracks.csv) and, from
 * files re-saved by a spreadsheet, `M/D/YYYY` and `D-M-YYYY`; the month and day must form a real date. Anything
 * else is {@link INVALID}. Unlike the notebook's pd.to_datetime(errors='coerce'), which in pandas 2 infers one
 * format from the first row and so turns every bare `YYYY` into NaT, each cell is read on its own.
 */
export function parseReleaseYear(text: string): CellValue {
  const t = text.trim();
  if (MISSING_MARKERS.has(t)) return MISSING;
  let m = YYYY.exec(t);
  if (m) return Number(m[1]);
  m = YYYY_MM.exec(t);
  if (m) return validDate(+m[1], +m[2], 1) ? Number(m[1]) : INVALID;
  m = YYYY_MM_DD.exec(t);
  if (m) return validDate(+m[1], +m[2], +m[3]) ? Number(m[1]) : INVALID;
  m = M_D_YYYY.exec(t);
  if (m) return validDate(+m[3], +m[1], +m[2]) ? Number(m[3]) : INVALID;
  m = D_M_YYYY.exec(t);
  if (m) return validDate(+m[3], +m[2], +m[1]) ? Number(m[3]) : INVALID;
  return INVALID;
}

/** True when month/day exist in that year (proleptic Gregorian, as pandas), e.g. not 2021-02-29. */
export function validDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1];
  return day <= days;
}
