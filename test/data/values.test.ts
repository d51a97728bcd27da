// Cell coercion: strict numbers (pd.to_numeric(errors='coerce') made exact) and the release_date → year rule.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { INVALID, MISSING, parseNumber, parseReleaseYear, validDate } from '../../src/data/values.ts';
import { DATE_FORMATS, formatDate } from './fixtures.ts';

describe('parseNumber', () => {
  it('reads every finite double printed by JavaScript or in capital-E form exactly', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        expect(parseNumber(String(v))).toBe(v === 0 ? 0 : v);
        expect(parseNumber(` ${v.toExponential().toUpperCase()} `)).toBe(v === 0 ? 0 : v);
      }),
    );
    expect(parseNumber('1.55E-05')).toBe(Number('1.55e-5'));
  });

  it('calls missing-value markers missing, and everything else that is not a finite number invalid', () => {
    for (const t of ['', '  ', 'NA', 'N/A', 'n/a', 'NaN', 'nan', '-NaN', 'null', 'NULL', 'None', '#N/A', '<NA>']) {
      expect(parseNumber(t), JSON.stringify(t)).toBe(MISSING);
    }
    for (const t of ['inf', '-inf', 'Infinity', '1e999', 'abc', '0x10', '0b1', '1,5', '1 000', '1_000', '--1', '1e', '.', 'e5', 'True']) {
      expect(parseNumber(t), JSON.stringify(t)).toBe(INVALID);
    }
  });

  it('reads True/False as 1/0 only where booleans are allowed (explicit)', () => {
    expect([parseNumber('True', true), parseNumber('false', true), parseNumber('TRUE', true)]).toEqual([1, 0, 1]);
    expect(parseNumber('True')).toBe(INVALID);
  });
});

describe('parseReleaseYear', () => {
  it('reads the year of any real date in each of the five formats', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1000, max: 2999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.constantFrom(...DATE_FORMATS),
        (y, m, d, format) => {
          const text = formatDate(y, m, d, format);
          const real = validDate(y, m, format === 'YYYY' || format === 'YYYY-MM' ? 1 : d);
          expect(parseReleaseYear(text), text).toBe(real ? y : INVALID);
        },
      ),
    );
  });

  it('knows leap years and rejects other spellings', () => {
    expect([parseReleaseYear('2020-02-29'), parseReleaseYear('2000-02-29'), parseReleaseYear('29-02-2020')]).toEqual([2020, 2000, 2020]);
    for (const t of [
      '1900-02-29',
      '2021-02-29',
      '2020-00',
      '2020-13',
      '13/1/2020',
      '1/32/2020',
      '32-01-2020',
      '2020/01/01',
      '20-01-01',
      '01.02.2020',
      '2020-01-01T00:00:00',
      'March 2020',
      '99',
      '12345',
    ]) {
      expect(parseReleaseYear(t), t).toBe(INVALID);
    }
    expect(parseReleaseYear('')).toBe(MISSING);
  });
});
