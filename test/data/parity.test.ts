// numpy parity: the pipeline with rng 'numpy' must give the arrays scripts/make_data_reference.py computes with RandomState.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCsvText } from '../../src/data/csv.ts';
import { prepareDataset } from '../../src/data/prepare.ts';
import { loadCsvFile } from '../../src/platform/node-csv.ts';
import { expectClose } from '../helpers/compare.ts';
import { referenceJson, referenceNpy } from '../helpers/reference.ts';
import { ARRAYS, arrayOf, expectSameSplit, PARITY, type ReferenceMeta } from './reference-data.ts';

const FIXTURE = fileURLToPath(new URL('../reference/data_parity.csv', import.meta.url));

describe('numpy parity on the generated fixture (test/reference/data_parity.csv)', () => {
  const cases = [
    { tag: 'seed42_sample300', note: 'sampling 300 of 338 clean rows' },
    { tag: 'seed7_test25', note: 'no sampling, test size 0.25' },
  ];
  for (const { tag, note } of cases) {
    it(`${tag}: ${note}`, async () => {
      const ref = referenceJson<ReferenceMeta>(`data_parity_${tag}.json`);
      const opts = { rng: 'numpy' as const, seed: ref.seed, sample: ref.sample, testSize: ref.testSize };
      const fromText = prepareDataset(parseCsvText(readFileSync(FIXTURE, 'utf8'), 'data_parity.csv'), opts);
      const fromFile = prepareDataset(await loadCsvFile(FIXTURE), opts);
      for (const d of [fromText, fromFile]) {
        expectSameSplit(d, ref);
        for (const name of ARRAYS) {
          const want = referenceNpy(`data_parity_${tag}_${name}.npy`);
          const got = arrayOf(d, name);
          expect([got.rows, got.cols], `${name} shape`).toEqual([want.rows, want.cols]);
          expectClose(got.data, want.data, PARITY, `${tag} ${name}`);
        }
      }
    });
  }

  it('the fixture exercises every path: sampling, drops of every reason, blank lines, mixed date formats', () => {
    const ref = referenceJson<ReferenceMeta>('data_parity_seed42_sample300.json');
    expect(ref.counts.sampled).toBeLessThan(ref.counts.kept);
    expect(Object.values(ref.counts.droppedByReason).every((n) => n > 0)).toBe(true);
    expect(ref.counts.blankLines).toBeGreaterThan(0);
    const text = readFileSync(FIXTURE, 'utf8');
    for (const pattern of [
      /^\uFEFF/,
      /\r\n/,
      /,\d{4},/,
      /,\d{4}-\d\d,/,
      /,\d{4}-\d\d-\d\d,/,
      /,\d{1,2}\/\d{1,2}\/\d{4},/,
      /,\d\d-\d\d-\d{4},/,
      /E-0\d/,
      /,True,/,
    ]) {
      expect(text, String(pattern)).toMatch(pattern);
    }
  });
});
