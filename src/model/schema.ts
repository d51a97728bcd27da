// The columns the notebook uses (section 1.1): 13 features in its order, the target, and where `year` may come from.

/** The notebook's 13 input features, in its order; this order is the row order of every X matrix. */
export const FEATURES: readonly string[] = Object.freeze([
  'acousticness',
  'danceability',
  'energy',
  'instrumentalness',
  'liveness',
  'loudness',
  'speechiness',
  'tempo',
  'valence',
  'key',
  'mode',
  'explicit',
  'year',
]);

/** The number of input features, the network's input width I. */
export const N_FEATURES = 13;

/** The regression target. */
export const TARGET = 'popularity';

/** The feature that may instead be derived from {@link RELEASE_DATE} when the file has no `year` column. */
export const YEAR = 'year';

/** Kaggle's tracks.csv has no `year` column, only this date; the notebook derives `year` from it. */
export const RELEASE_DATE = 'release_date';

/** The column kept (optionally) to name rows in reports and predictions. */
export const ID_COLUMN = 'id';

/** Columns where `True`/`False` mean 1/0, as pandas reads a boolean `explicit` column. */
export const BOOLEAN_COLUMNS: ReadonlySet<string> = new Set(['explicit']);

/**
 * Why a row was dropped. Each dropped row counts under exactly one reason, the first that applies in this
 * order, so the reasons add up to the rows dropped:
 * - `fieldCount`: the row has more or fewer fields than the header (a broken line; its values cannot be trusted);
 * - `missingValue`: a needed value is empty or a missing-value marker (`NA`, `n/a`, `NaN`, `null`, …);
 * - `invalidValue`: a needed value is present but is not a finite number (junk, `inf`), or a `release_date`
 *   that is not in one of the known formats.
 */
export type DropReason = 'fieldCount' | 'missingValue' | 'invalidValue';

/** All drop reasons, in the order they are tested. */
export const DROP_REASONS: readonly DropReason[] = ['fieldCount', 'missingValue', 'invalidValue'];

/** One line per drop reason, for summaries. */
export const DROP_REASON_TEXT: Readonly<Record<DropReason, string>> = {
  fieldCount: 'wrong number of fields',
  missingValue: 'missing value',
  invalidValue: 'not a finite number / unknown date format',
};
