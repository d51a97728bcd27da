// Writes a tracks.csv-sized file (600k rows, ~110 MB, Kaggle's 20 columns) for measuring `prepare`'s streaming; not run by npm test.
// Usage: node bin/run-ts.mjs scripts/make_big_csv.ts OUT.csv [ROWS=600000] [SEED=1]
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import seedrandom from 'seedrandom';

const HEADER =
  'id,name,popularity,duration_ms,explicit,artists,id_artists,release_date,danceability,energy,key,loudness,mode,speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature';
const ID_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const WORDS = ['Love', 'Night', 'Blue', 'Dance', 'Heart', 'Río', 'Canción', 'Été', 'Moon', 'Fire', 'Rain', 'Home', 'Sueño'];

const [out, rowsArg = '600000', seedArg = '1'] = process.argv.slice(2);
if (out === undefined) {
  console.error('usage: node bin/run-ts.mjs scripts/make_big_csv.ts OUT.csv [ROWS=600000] [SEED=1]');
  process.exit(2);
}
const rows = Number(rowsArg);
const rand = seedrandom(seedArg);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
const id = (): string => Array.from({ length: 22 }, () => pick([...ID_CHARS])).join('');
const dec = (v: number, digits = 3): string =>
  v < 1e-3 && v > 0
    ? v
        .toExponential(2)
        .toUpperCase()
        .replace('E-', 'E-0')
        .replace(/E-0(\d\d)/, 'E-$1')
    : v.toFixed(digits);

/** One row with the real file's quirks: quoted names and artist lists, YYYY next to YYYY-MM-DD, capital-E exponents, rare gaps. */
function row(i: number): string {
  const year = 1922 + Math.floor(99 * Math.sqrt(rand()));
  const date =
    rand() < 0.3 ? String(year) : `${year}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
  const name = rand() < 0.2 ? `"${pick(WORDS)}, ${pick(WORDS)} (""Remastered"")"` : `${pick(WORDS)} ${pick(WORDS)} ${i}`;
  const artists = rand() < 0.3 ? `"['${pick(WORDS)} Band', '${pick(WORDS)}']"` : `['${pick(WORDS)} ${i % 997}']`;
  const cells = [
    id(),
    name,
    String(Math.floor(100 * rand() * rand())),
    String(60000 + Math.floor(rand() * 300000)),
    rand() < 0.05 ? '1' : '0',
    artists,
    `['${id()}']`,
    date,
    dec(rand()),
    dec(rand()),
    String(Math.floor(rand() * 12)),
    (-60 * rand() * rand()).toFixed(3),
    rand() < 0.66 ? '1' : '0',
    dec(rand() * 0.3),
    dec(rand()),
    dec(rand() < 0.6 ? rand() * 1e-4 : rand()),
    dec(rand() * 0.5),
    dec(rand()),
    (60 + 150 * rand()).toFixed(3),
    '4',
  ];
  // About one row in 5,000 has a gap, so the drop counts have something to count.
  if (rand() < 2e-4) cells[8 + Math.floor(rand() * 11)] = '';
  return cells.join(',');
}

const stream = createWriteStream(out);
stream.write(`${HEADER}\r\n`);
for (let i = 0; i < rows; i++) {
  // CRLF and no final newline, as in the real head of tracks.csv.
  if (!stream.write(i + 1 < rows ? `${row(i)}\r\n` : row(i))) await once(stream, 'drain');
}
stream.end();
await once(stream, 'finish');
console.error(`wrote ${rows} rows to ${out} (${(stream.bytesWritten / 1e6).toFixed(1)} MB)`);
