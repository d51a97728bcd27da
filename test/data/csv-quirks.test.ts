// Every quirk of real tracks.csv copies, in files the tests write: both the string parser and the Node stream must read the same values.
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { CSV_PARSE_CONFIG, parseCsvText } from '../../src/data/csv.ts';
import { N_FEATURES } from '../../src/model/schema.ts';
import { type CleanTable, TableBuilder } from '../../src/data/table.ts';
import { loadCsvFile } from '../../src/platform/node-csv.ts';
import { type CsvStyle, DATE_FORMATS, KAGGLE_HEADER, makeTrack, type Track, toCsv, writeTemp } from './fixtures.ts';

const tracks = (n: number, from = 0): Track[] => Array.from({ length: n }, (_, i) => makeTrack(from + i));

/** Asserts that the table holds exactly `expected`, in order, with nothing dropped. */
function expectTracks(table: CleanTable, expected: readonly Track[]): void {
  expect(table.counts).toMatchObject({ read: expected.length, kept: expected.length, dropped: 0 });
  expect(table.rows).toBe(expected.length);
  const bad: string[] = [];
  expected.forEach((t, i) => {
    const got = Array.from(table.features.subarray(i * N_FEATURES, (i + 1) * N_FEATURES));
    if (got.some((v, j) => v !== t.features[j]) || table.targets[i] !== t.popularity) {
      bad.push(`row ${i}: expected ${t.features.join(',')} → ${t.popularity}, found ${got.join(',')} → ${table.targets[i]}`);
    }
  });
  expect(bad.slice(0, 5), bad.slice(0, 5).join('\n')).toEqual([]);
}

/** Parses `text` both ways (string, and streamed from a file) and checks both against `expected`. */
async function expectBothWays(name: string, text: string, expected: readonly Track[]): Promise<void> {
  expectTracks(parseCsvText(text, name), expected);
  expectTracks(await loadCsvFile(writeTemp(name, text)), expected);
}

describe('CSV quirks', () => {
  const styles: [string, CsvStyle][] = [
    ['LF with a final newline', {}],
    ['CRLF', { eol: '\r\n' }],
    ['a UTF-8 BOM', { bom: true }],
    ['no final newline', { finalNewline: false }],
    ['BOM + CRLF + no final newline (Excel, Windows)', { bom: true, eol: '\r\n', finalNewline: false }],
  ];
  for (const [label, style] of styles) {
    it(`reads ${label}`, async () => {
      const rows = tracks(25);
      await expectBothWays(
        `style-${label.replace(/\W+/g, '_')}.csv`,
        toCsv(
          rows.map((t) => t.cells),
          style,
        ),
        rows,
      );
    });
  }

  it('reads quoted commas, escaped quotes and Python-style artist lists without shifting columns', async () => {
    const rows = tracks(10);
    const text = toCsv(rows.map((t) => t.cells));
    expect(text).toContain('"Song 0, ""live"" édition"');
    expect(text).toContain(`"['Artist 0', 'Guest, Jr.']"`);
    await expectBothWays('quotes.csv', text, rows);
  });

  it('reads reordered and extra columns', async () => {
    const rows = tracks(12);
    const header = [...KAGGLE_HEADER].reverse().concat(['genre', 'notes']);
    const cells = rows.map((t) => ({ ...t.cells, genre: 'pop', notes: 'x, "y"' }));
    await expectBothWays('reordered.csv', toCsv(cells, { header }), rows);
  });

  it('derives the year from every release_date format, bare YYYY next to YYYY-MM-DD included', async () => {
    const rows = DATE_FORMATS.flatMap((format) => [0, 1, 2].map((k) => makeTrack(k * 11 + 3, format)));
    const table = parseCsvText(toCsv(rows.map((t) => t.cells)), 'dates.csv');
    expect(table.yearFrom).toBe('release_date');
    expectTracks(table, rows);
  });

  it('uses a year column when the file has one, ignoring release_date', async () => {
    const rows = tracks(6);
    const cells = rows.map((t) => ({ ...t.cells, year: String(t.features[N_FEATURES - 1]), release_date: 'garbage' }));
    const table = parseCsvText(toCsv(cells, { header: [...KAGGLE_HEADER, 'year'] }), 'with-year.csv');
    expect(table.yearFrom).toBe('year');
    expectTracks(table, rows);
  });

  it('reads True/False in explicit and capital-E exponents', () => {
    const rows = tracks(8);
    expect(rows.some((t) => t.cells.explicit === 'True') && rows.some((t) => t.cells.explicit === 'False')).toBe(true);
    expect(rows.some((t) => /^\d\.\d\dE-0\d$/.test(t.cells.instrumentalness))).toBe(true);
    expectTracks(parseCsvText(toCsv(rows.map((t) => t.cells)), 'bools.csv'), rows);
  });

  it('streams a file of several chunks with multi-byte characters identically to the string parser', async () => {
    // About 2.5 MB: rows and UTF-8 characters straddle the 1 MiB read boundaries.
    const rows: Track[] = tracks(15000).map((t, i) => ({ ...t, cells: { ...t.cells, name: `日本語の歌 ${i}, «ñ»` } }));
    const text = toCsv(
      rows.map((t) => t.cells),
      { eol: '\r\n' },
    );
    expect(Buffer.byteLength(text)).toBeGreaterThan(2 ** 21);
    let calls = 0;
    let last = 0;
    const streamed = await loadCsvFile(writeTemp('big.csv', text), {
      keepIds: true,
      onProgress: (done, total) => {
        calls++;
        last = done / total;
      },
    });
    expectTracks(streamed, rows);
    expect(streamed.ids).toEqual(rows.map((t) => t.cells.id));
    expect(calls).toBeGreaterThan(1);
    expect(last).toBe(1);
  });
});

describe('dropped rows are counted, never silent', () => {
  it('counts each junk value under its reason and column, and keeps the rest', () => {
    const junk: [string, string, 'missingValue' | 'invalidValue'][] = [
      ['tempo', '', 'missingValue'],
      ['energy', 'n/a', 'missingValue'],
      ['valence', 'NaN', 'missingValue'],
      ['key', 'NULL', 'missingValue'],
      ['loudness', 'inf', 'invalidValue'],
      ['loudness', '-inf', 'invalidValue'],
      ['danceability', 'abc', 'invalidValue'],
      ['liveness', '0x10', 'invalidValue'],
      ['speechiness', '1,5', 'invalidValue'],
      ['mode', 'True', 'invalidValue'],
      ['popularity', 'high', 'invalidValue'],
      ['release_date', 'sometime', 'invalidValue'],
      ['release_date', '2021-02-29', 'invalidValue'],
      ['release_date', '13/1/2020', 'invalidValue'],
      ['release_date', '', 'missingValue'],
    ];
    const good = tracks(10);
    const rows = [...good.map((t) => t.cells), ...junk.map(([col, text], k) => ({ ...makeTrack(100 + k).cells, [col]: text }))];
    const table = parseCsvText(toCsv(rows), 'junk.csv', { listRejected: true });
    expectTracks({ ...table, counts: { ...table.counts, read: good.length, dropped: 0 } }, good);
    expect(table.counts.read).toBe(rows.length);
    expect(table.counts.dropped).toBe(junk.length);
    const byReason = { fieldCount: 0, missingValue: 0, invalidValue: 0 };
    const byColumn: Record<string, number> = {};
    for (const [col, , reason] of junk) {
      byReason[reason]++;
      byColumn[col] = (byColumn[col] ?? 0) + 1;
    }
    expect(table.counts.droppedByReason).toEqual(byReason);
    expect(table.counts.droppedByColumn).toEqual(byColumn);
    expect(table.rejected?.map((r) => [r.row, r.problems.map((p) => [p.column, p.text])])).toEqual(
      junk.map(([col, text], k) => [good.length + k + 1, [[col, text]]]),
    );
  });

  it('drops rows with too many or too few fields, and counts blank lines between rows', () => {
    const rows = tracks(6);
    const lines = toCsv(rows.map((t) => t.cells)).split('\n');
    // lines[0] is the header; break data rows 2 and 4, and put blank lines between rows.
    lines[2] += ',surplus';
    lines[4] = 'trk,too,few';
    const text = [lines[0], lines[1], '', lines[2], '   ', lines[3], lines[4], '', lines[5], lines[6], '', ''].join('\n');
    const table = parseCsvText(text, 'fields.csv');
    expect(table.counts).toMatchObject({ read: 6, kept: 4, dropped: 2, blankLines: 3 });
    expect(table.counts.droppedByReason.fieldCount).toBe(2);
    expect(Array.from(table.rowIndex)).toEqual([0, 2, 4, 5]);
  });

  it('accepts papaparse records (header: true) with the same result as rows', () => {
    const rows = tracks(9);
    const text = toCsv(rows.map((t) => t.cells)).replace(/\n$/, '\nshort,row\n');
    const records = Papa.parse<Record<string, string>>(text, { ...CSV_PARSE_CONFIG, header: true, skipEmptyLines: true }).data;
    const builder = new TableBuilder({ name: 'records.csv' });
    builder.addRecords(records);
    const fromRecords = builder.finish();
    const fromRows = parseCsvText(text, 'records.csv');
    expect(fromRecords.counts).toEqual(fromRows.counts);
    expect(fromRecords.counts.droppedByReason.fieldCount).toBe(1);
    expect(Array.from(fromRecords.features)).toEqual(Array.from(fromRows.features));
  });

  it('keeps rows without popularity when the target is not required (prediction files)', () => {
    const rows = tracks(4).map((t) => t.cells);
    const header = KAGGLE_HEADER.filter((h) => h !== 'popularity');
    const table = parseCsvText(toCsv(rows, { header }), 'predict.csv', { requireTarget: false });
    expect(table.counts).toMatchObject({ read: 4, kept: 4 });
    expect(Array.from(table.targets).every(Number.isNaN)).toBe(true);
  });
});
