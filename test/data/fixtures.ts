// Small generators of tracks.csv-like text for the data tests: each row knows the values the pipeline must read from it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { FEATURES } from '../../src/model/schema.ts';

/** The header of Kaggle's tracks.csv (and of both real samples). */
export const KAGGLE_HEADER = [
  'id',
  'name',
  'popularity',
  'duration_ms',
  'explicit',
  'artists',
  'id_artists',
  'release_date',
  'danceability',
  'energy',
  'key',
  'loudness',
  'mode',
  'speechiness',
  'acousticness',
  'instrumentalness',
  'liveness',
  'valence',
  'tempo',
  'time_signature',
];

/** The release_date spellings real copies of tracks.csv contain. */
export type DateFormat = 'YYYY' | 'YYYY-MM' | 'YYYY-MM-DD' | 'M/D/YYYY' | 'D-M-YYYY';
export const DATE_FORMATS: readonly DateFormat[] = ['YYYY', 'YYYY-MM', 'YYYY-MM-DD', 'M/D/YYYY', 'D-M-YYYY'];

/** One generated track: its cells as text, and the numbers the pipeline must read from them. */
export interface Track {
  readonly cells: Record<string, string>;
  /** Expected features in FEATURES order. */
  readonly features: number[];
  readonly popularity: number;
}

/** Writes a date in one of the formats. */
export function formatDate(year: number, month: number, day: number, format: DateFormat): string {
  const p2 = (v: number): string => String(v).padStart(2, '0');
  switch (format) {
    case 'YYYY':
      return `${year}`;
    case 'YYYY-MM':
      return `${year}-${p2(month)}`;
    case 'YYYY-MM-DD':
      return `${year}-${p2(month)}-${p2(day)}`;
    case 'M/D/YYYY':
      return `${month}/${day}/${year}`;
    case 'D-M-YYYY':
      return `${p2(day)}-${p2(month)}-${year}`;
  }
}

/**
 * Track number `i`, deterministic: plausible values, a name with a comma and quotes, a Python-style artist
 * list, dates cycling through every format, `explicit` sometimes True/False, capital-E exponents.
 */
export function makeTrack(i: number, dateFormat: DateFormat = DATE_FORMATS[i % DATE_FORMATS.length]): Track {
  const frac = (k: number): number => ((i * 7919 + k * 104729) % 1000) / 1000; // cheap, repeatable spread in [0, 1)
  const year = 1922 + ((i * 37) % 100);
  const month = 1 + (i % 12);
  const day = 1 + ((i * 5) % 28);
  const explicitValue = i % 3 === 0 ? 1 : 0;
  const explicitText = i % 4 === 0 ? (explicitValue ? 'True' : 'False') : String(explicitValue);
  const mantissa = 1 + (i % 9) + 0.55;
  const instrText = i % 2 === 0 ? `${mantissa.toFixed(2)}E-0${1 + (i % 8)}` : frac(4).toString();
  const values: Record<string, number> = {
    acousticness: frac(1),
    danceability: frac(2),
    energy: frac(3),
    instrumentalness: Number(instrText),
    liveness: frac(5),
    loudness: -60 * frac(6),
    speechiness: frac(7),
    tempo: 50 + 170 * frac(8),
    valence: frac(9),
    key: i % 12,
    mode: i % 2,
    explicit: explicitValue,
    year,
  };
  const popularity = (i * 13) % 101;
  const cells: Record<string, string> = {
    id: `trk${String(i).padStart(6, '0')}`,
    name: `Song ${i}, "live" édition`,
    popularity: String(popularity),
    duration_ms: String(120000 + i),
    artists: `['Artist ${i % 5}', 'Guest, Jr.']`,
    id_artists: `['a${i}']`,
    release_date: formatDate(year, month, day, dateFormat),
    time_signature: '4',
  };
  for (const f of FEATURES) if (f !== 'year') cells[f] = String(values[f]);
  cells.explicit = explicitText;
  cells.instrumentalness = instrText;
  return { cells, features: FEATURES.map((f) => values[f]), popularity };
}

/** Options for {@link toCsv}: every quirk a real file may have. */
export interface CsvStyle {
  readonly header?: readonly string[];
  readonly eol?: '\n' | '\r\n';
  readonly bom?: boolean;
  readonly finalNewline?: boolean;
}

/** Quotes a cell as spreadsheets do: only when it holds a comma, a quote or a line break; quotes are doubled. */
export function quoteCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV text of the given rows (cells by column name; absent cells are empty). */
export function toCsv(rows: readonly Record<string, string>[], style: CsvStyle = {}): string {
  const header = style.header ?? KAGGLE_HEADER;
  const eol = style.eol ?? '\n';
  const lines = [header.join(','), ...rows.map((r) => header.map((h) => quoteCell(r[h] ?? '')).join(','))];
  return `${style.bom ? '\uFEFF' : ''}${lines.join(eol)}${style.finalNewline === false ? '' : eol}`;
}

// One temporary folder per test file, made when the file is collected and removed after its tests.
const tempDir = mkdtempSync(join(tmpdir(), 'spotify-mlp-data-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

/** Writes `content` to `name` in this test file's temporary folder and returns the path. */
export function writeTemp(name: string, content: string | Uint8Array): string {
  const path = join(tempDir, name);
  writeFileSync(path, content);
  return path;
}

/** A path (not yet created) inside this test file's temporary folder. */
export function tempPath(name: string): string {
  return join(tempDir, name);
}
