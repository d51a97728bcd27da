// Files the user can get wrong: each must fail with one sentence that names the file and says what to fix.
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/data/csv.ts';
import { prepareDataset } from '../../src/data/prepare.ts';
import { UserError } from '../../src/errors.ts';
import { loadCsvFile } from '../../src/platform/node-csv.ts';
import { KAGGLE_HEADER, makeTrack, tempPath, toCsv, writeTemp } from './fixtures.ts';

/** Runs `body` and returns the UserError it throws; fails if it throws nothing or anything else. */
async function userError(body: () => unknown): Promise<UserError> {
  try {
    await body();
  } catch (err) {
    expect(err, `expected a UserError, got ${String(err)}`).toBeInstanceOf(UserError);
    return err as UserError;
  }
  throw new Error('expected a UserError, but nothing was thrown');
}

/** One sentence: a single line ending in a full stop. */
function expectOneSentence(message: string, ...mentions: string[]): void {
  expect(message).not.toMatch(/\n/);
  expect(message).toMatch(/\.$/);
  for (const m of mentions) expect(message).toContain(m);
}

/** Both readers (string and file stream) and prepareDataset must raise the same UserError. */
async function expectFileError(name: string, content: string | Uint8Array, ...mentions: string[]): Promise<void> {
  const path = writeTemp(name, content);
  const fromFile = await userError(async () => prepareDataset(await loadCsvFile(path, { name })));
  expectOneSentence(fromFile.message, name, ...mentions);
  const text = typeof content === 'string' ? content : new TextDecoder().decode(content);
  const fromText = await userError(() => prepareDataset(parseCsvText(text, name)));
  expect(fromText.message).toBe(fromFile.message);
}

const good = (n: number): Record<string, string>[] => Array.from({ length: n }, (_, i) => makeTrack(i).cells);

describe('clear errors naming the file', () => {
  it('an empty file', async () => {
    await expectFileError('empty.csv', '', 'is empty');
    await expectFileError('blank.csv', '\n\r\n   \n', 'is empty');
  });

  it('a header without rows', async () => {
    await expectFileError('header-only.csv', `${KAGGLE_HEADER.join(',')}\r\n`, 'no data rows');
  });

  it('missing required columns, all of them listed', async () => {
    const header = KAGGLE_HEADER.filter((h) => !['tempo', 'valence', 'release_date', 'popularity'].includes(h));
    await expectFileError('missing.csv', toCsv(good(3), { header }), 'tempo', 'valence', 'year (or release_date)', 'popularity');
  });

  it('no usable rows: every row dropped, with the reasons', async () => {
    const rows = good(4).map((r) => ({ ...r, tempo: 'fast' }));
    await expectFileError('unusable.csv', toCsv(rows), 'no usable rows', 'all 4 rows', 'tempo (4)');
  });

  it('too few rows to split', async () => {
    await expectFileError('one-row.csv', toCsv(good(1)), 'only 1 usable row');
  });

  it('files that are not CSV', async () => {
    await expectFileError('binary.csv', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49]), 'not a CSV text file');
    await expectFileError('data.json', '[{"id": "x", "popularity": 3}, {"id": "y"}]', 'not a CSV file');
    await expectFileError('semi.csv', toCsv(good(3)).replace(/,/g, ';'), 'not comma-separated', 'semicolons');
    await expectFileError('tabs.tsv', toCsv(good(3)).replace(/,/g, '\t'), 'not comma-separated', 'tabs');
    await expectFileError('prose.txt', 'Dear diary\ntoday I listened to music\n', 'does not look like a CSV file');
  });

  it('a broken quoted field', async () => {
    const text = toCsv(good(5)).replace('"Song 2, ""live"" édition"', '"Song 2, unterminated');
    await expectFileError('quote.csv', text, 'broken quoted field', 'line 4');
    await expectFileError('quote-last.csv', `${toCsv(good(3))}x,"oops\n`, 'broken quoted field', 'line 5');
  });

  it('a path that does not exist or is a folder', async () => {
    const missing = await userError(() => loadCsvFile(tempPath('nope.csv')));
    expectOneSentence(missing.message, 'nope.csv', 'does not exist');
    const folder = await userError(() => loadCsvFile(tempPath('')));
    expectOneSentence(folder.message, 'is a folder');
  });

  it('option values out of range', async () => {
    const table = parseCsvText(toCsv(good(10)), 'ok.csv');
    for (const opts of [{ seed: -1 }, { seed: 1.5 }, { sample: 1 }, { testSize: -0.1 }, { testSize: 1 }, { rng: 'mt' as never }]) {
      expectOneSentence((await userError(() => prepareDataset(table, opts))).message);
    }
  });
});
