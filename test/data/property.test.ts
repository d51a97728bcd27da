// Property tests on random junk CSVs: the pipeline never throws anything but a UserError, and every row read is accounted for.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/data/csv.ts';
import { prepareDataset } from '../../src/data/prepare.ts';
import { scaleOf } from '../../src/model/scaler.ts';
import { N_FEATURES } from '../../src/model/schema.ts';
import type { CleanTable } from '../../src/data/table.ts';
import { UserError } from '../../src/errors.ts';
import type { Matrix } from '../../src/model/matrix.ts';
import { loadCsvFile } from '../../src/platform/node-csv.ts';
import { KAGGLE_HEADER, makeTrack, quoteCell, writeTemp } from './fixtures.ts';

const cell = fc.oneof(
  fc.constantFrom(
    '',
    'NA',
    'n/a',
    'NaN',
    'null',
    'inf',
    '-inf',
    'True',
    'false',
    '1.55E-05',
    '0',
    '0.0',
    '-3.5',
    '1e999',
    '2020',
    '2020-01',
    '2020-13-01',
    '2021-02-29',
    '3/19/2021',
    '31-12-1999',
    '12/31/1999',
    'abc',
    ' 7 ',
    '0x10',
    '1,5',
    '"',
    '""',
    ',',
    '\n',
    '\r\n',
    '\uFEFF',
    '\u0000',
    '\uFFFD',
    "['a', 'b']",
  ),
  fc.double().map(String),
  fc.integer({ min: -5, max: 2030 }).map(String),
  fc.string({ maxLength: 8 }),
);

/** A header that is usually the real one (shuffled, maybe with extras or a column missing), sometimes junk. */
const header = fc.oneof(
  { weight: 4, arbitrary: fc.shuffledSubarray([...KAGGLE_HEADER, 'year', 'extra'], { minLength: KAGGLE_HEADER.length - 1 }) },
  { weight: 1, arbitrary: fc.array(fc.string({ maxLength: 6 }), { maxLength: 6 }) },
);

/** Mostly plausible rows with junk cells sprinkled in, some with the wrong number of fields. */
const junkCsv = fc
  .record({
    header,
    rows: fc.array(
      fc.record({
        track: fc.nat(500),
        edits: fc.array(fc.tuple(fc.nat(KAGGLE_HEADER.length + 1), cell), { maxLength: 3 }),
        widthChange: fc.constantFrom(0, 0, 0, 0, 1, -1, -5),
        quoteAll: fc.boolean(),
      }),
      { maxLength: 25 },
    ),
    eol: fc.constantFrom('\n', '\r\n'),
    bom: fc.boolean(),
    finalNewline: fc.boolean(),
    blankLines: fc.nat(3),
  })
  .map(({ header: h, rows, eol, bom, finalNewline, blankLines }) => {
    const lines = [h.map(quoteCell).join(',')];
    for (const r of rows) {
      const cells = h.map((col) => makeTrack(r.track).cells[col] ?? String(r.track % 7));
      for (const [at, text] of r.edits) if (at < cells.length) cells[at] = text;
      const width = Math.max(0, cells.length + r.widthChange);
      const fields = Array.from({ length: width }, (_, k) => cells[k] ?? 'x');
      // Unquoted junk may break the CSV's structure: that must end in a UserError or a counted drop, never a crash.
      lines.push(fields.map((f) => (r.quoteAll ? quoteCell(f) : f)).join(','));
    }
    for (let k = 0; k < blankLines; k++) lines.splice(1 + ((k * 7) % lines.length), 0, '');
    return `${bom ? '\uFEFF' : ''}${lines.join(eol)}${finalNewline ? eol : ''}`;
  });

/** The invariants every clean table must satisfy. */
function checkTable(t: CleanTable): void {
  const c = t.counts;
  expect(c.kept + c.dropped).toBe(c.read);
  expect(Object.values(c.droppedByReason).reduce((a, b) => a + b, 0)).toBe(c.dropped);
  for (const n of Object.values(c.droppedByColumn)) expect(n).toBeLessThanOrEqual(c.dropped);
  expect(t.rows).toBe(c.kept);
  expect(t.features.length).toBe(c.kept * N_FEATURES);
  expect(t.features.every(Number.isFinite) && t.targets.every(Number.isFinite)).toBe(true);
  for (let i = 1; i < t.rows; i++) expect(t.rowIndex[i]).toBeGreaterThan(t.rowIndex[i - 1]);
}

/** Runs `body`; a UserError is an allowed outcome (returned as undefined), anything else fails the property. */
function allowUserError<T>(body: () => T): T | undefined {
  try {
    return body();
  } catch (err) {
    if (err instanceof UserError) {
      expect(err.message).not.toMatch(/\n/);
      return undefined;
    }
    throw err;
  }
}

describe('junk CSVs (fast-check)', () => {
  it('never throw an unexplained error, and kept + dropped = read', () => {
    fc.assert(
      fc.property(junkCsv, fc.integer({ min: 2, max: 30 }), fc.constantFrom(0.2, 0.5, 0.9), (text, sample, testSize) => {
        const table = allowUserError(() => parseCsvText(text, 'junk.csv'));
        if (table === undefined) return;
        checkTable(table);
        const d = allowUserError(() => prepareDataset(table, { sample, testSize }));
        if (d === undefined) return;
        expect(d.counts.train + d.counts.test).toBe(d.counts.sampled);
        expect(d.counts.sampled).toBe(Math.min(sample, table.rows));
        // x·s − min·s rounds at the scale of |min·s|, so 1 may be overshot by a few ulps of that (sklearn does the same).
        const s = d.scaler;
        const slack = (min: number, max: number): number => 4 * Number.EPSILON * (1 + Math.abs(min * scaleOf(min, max)));
        const outside = (m: Matrix, tol: (row: number) => number): number[] =>
          Array.from(m.data).filter((v, k) => !(v >= 0 && v <= 1 + tol(Math.floor(k / m.cols))));
        for (const x of [d.xTrain, d.xTest]) expect(outside(x, (j) => slack(s.xMin[j], s.xMax[j]))).toEqual([]);
        for (const y of [d.yTrain, d.yTest]) expect(outside(y, () => slack(s.yMin, s.yMax))).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary text, binary included, gives a table or a UserError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.string({ maxLength: 300 })), (text) => {
        const table = allowUserError(() => parseCsvText(text, 'any.txt'));
        if (table !== undefined) checkTable(table);
      }),
      { numRuns: 300 },
    );
  });

  it('the Node stream reader agrees with the string parser on junk files', async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(junkCsv, async (text) => {
        const outcome = async (read: () => Promise<CleanTable> | CleanTable): Promise<unknown> => {
          try {
            const t = await read();
            return { counts: t.counts, features: Array.from(t.features) };
          } catch (err) {
            if (err instanceof UserError) return err.message;
            throw err;
          }
        };
        const path = writeTemp(`junk-${k++}.csv`, text);
        expect(await outcome(() => loadCsvFile(path, { name: 'junk.csv' }))).toEqual(await outcome(() => parseCsvText(text, 'junk.csv')));
      }),
      { numRuns: 40 },
    );
  });
});
