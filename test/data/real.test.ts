// The real tracks.csv samples in ../shared/data (never copied into the repository): counts, years and numpy parity.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { prepareDataset } from '../../src/data/prepare.ts';
import { N_FEATURES } from '../../src/model/schema.ts';
import { loadCsvFile } from '../../src/platform/node-csv.ts';
import { expectClose } from '../helpers/compare.ts';
import { referenceJson } from '../helpers/reference.ts';
import { ARRAYS, arrayOf, type Checksums, checksums, expectSameSplit, type ReferenceMeta } from './reference-data.ts';

const DATA_DIR = fileURLToPath(new URL('../../../shared/data/', import.meta.url));

const SAMPLES = [
  { file: 'spotify_tracks_head10k.csv', cases: ['head10k', 'head10k_sample5000'], rows: 10099 },
  { file: 'spotify_tracks_top259_excel.csv', cases: ['top259'], rows: 259 },
];

for (const { file, cases, rows } of SAMPLES) {
  const path = DATA_DIR + file;
  const present = existsSync(path);
  if (!present) console.warn(`[test/data/real] skipping ${file}: ${path} is absent (see ../shared/data/SOURCES.md).`);

  describe.skipIf(!present)(`real sample ${file}`, () => {
    it('reads every row, with every year parsed (bare YYYY and M/D/YYYY included)', async () => {
      const table = await loadCsvFile(path);
      expect(table.counts).toMatchObject({ read: rows, kept: rows, dropped: 0, blankLines: 0 });
      expect(table.yearFrom).toBe('release_date');
      // The expected year is simply the 4-digit run in release_date, found here without the pipeline's parser.
      const records = Papa.parse<Record<string, string>>(readFileSync(path, 'utf8').replace(/^\uFEFF/, ''), {
        header: true,
        skipEmptyLines: true,
      }).data;
      expect(records.length).toBe(rows);
      const bad: string[] = [];
      for (let i = 0; i < table.rows; i++) {
        const date = records[table.rowIndex[i]].release_date;
        const year = Number(/\d{4}/.exec(date)?.[0]);
        if (table.features[i * N_FEATURES + N_FEATURES - 1] !== year) bad.push(`row ${i}: ${date} → ${table.features[i * N_FEATURES + 12]}`);
      }
      expect(bad.slice(0, 5)).toEqual([]);
      const bare = records.filter((r) => /^\d{4}$/.test(r.release_date)).length;
      console.log(`[test/data/real] ${file}: ${rows} rows, ${bare} with a bare YYYY release_date, all kept`);
    });

    for (const tag of cases) {
      it(`numpy parity (${tag}): the notebook's sample, scaler and split`, async () => {
        const ref = referenceJson<ReferenceMeta & { checksums: Record<string, Checksums> }>(`data_real_${tag}.json`);
        const d = prepareDataset(await loadCsvFile(path), { rng: 'numpy', seed: ref.seed, sample: ref.sample, testSize: ref.testSize });
        expectSameSplit(d, ref);
        const tol = { atol: 1e-12, rtol: 1e-13 };
        for (const name of ARRAYS) {
          const got = checksums(arrayOf(d, name));
          const want = ref.checksums[name];
          expect(got.shape, `${name} shape`).toEqual(want.shape);
          expectClose(got.min, want.min, tol, `${tag} ${name} row minima`);
          expectClose(got.max, want.max, tol, `${tag} ${name} row maxima`);
          expectClose(got.sum, want.sum, tol, `${tag} ${name} row sums`);
          expectClose(got.weighted, want.weighted, tol, `${tag} ${name} position-weighted row sums`);
        }
      });
    }
  });
}
