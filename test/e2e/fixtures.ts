// CSV fixtures for the end-to-end tests, written into a temp dir; each returns the counts the page should then show.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FEATURES } from '../../src/model/schema.ts';

/** A written fixture and what cleaning it must give. */
export interface CsvFixture {
  readonly path: string;
  readonly name: string;
  readonly rows: number;
  readonly dropped: number;
}

/** A fresh temp dir for one test file's fixtures. */
export function fixtureDir(): string {
  return mkdtempSync(join(tmpdir(), 'spotify-mlp-e2e-'));
}

// A small deterministic generator, so the fixture is the same on every run without pasting data.
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/**
 * A tracks.csv-like file with `rows` data rows: id, name, popularity, the features except year, and release_date
 * (so the year is derived). Every `missingEvery`-th row has an empty tempo and every `junkEvery`-th a junk
 * loudness; the expected drop count is counted while writing.
 */
export function writeTracksCsv(dir: string, name: string, rows: number, missingEvery = 37, junkEvery = 53): CsvFixture {
  const rand = lcg(7);
  const columns = FEATURES.filter((f) => f !== 'year');
  const header = ['id', 'name', 'popularity', ...columns, 'release_date'];
  const lines = [header.join(',')];
  let dropped = 0;
  for (let i = 1; i <= rows; i++) {
    const value: Record<string, string> = {
      acousticness: rand().toFixed(4),
      danceability: rand().toFixed(4),
      energy: rand().toFixed(4),
      instrumentalness: (rand() * 1e-3).toExponential(2).toUpperCase(),
      liveness: rand().toFixed(3),
      loudness: (-30 * rand()).toFixed(2),
      speechiness: (rand() * 0.3).toFixed(4),
      tempo: (60 + 120 * rand()).toFixed(2),
      valence: rand().toFixed(3),
      key: String(Math.floor(rand() * 12)),
      mode: String(rand() < 0.6 ? 1 : 0),
      explicit: rand() < 0.1 ? 'True' : 'False',
    };
    const bad = i % missingEvery === 0 || i % junkEvery === 0;
    if (i % missingEvery === 0) value.tempo = '';
    if (i % junkEvery === 0) value.loudness = 'abc';
    if (bad) dropped++;
    const year = 1950 + Math.floor(rand() * 70);
    const date = i % 3 === 0 ? String(year) : `${year}-0${1 + (i % 9)}-1${i % 10}`;
    const popularity = String(Math.round(100 * rand()));
    lines.push([`id${i}`, `"Song ${i}, take ${i % 4}"`, popularity, ...columns.map((c) => value[c]), date].join(','));
  }
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\r\n')}\r\n`);
  return { path, name, rows, dropped };
}

/** A file that is not a usable tracks.csv: its header lacks most required columns. */
export function writeBrokenCsv(dir: string, name: string): string {
  const path = join(dir, name);
  writeFileSync(path, 'id,name,popularity\n1,a,10\n2,b,20\n');
  return path;
}
