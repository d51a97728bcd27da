// Format version 3: the model file carries its encoder. A file with one round-trips it exactly and predicts through
// it; files the previous version wrote (test/reference/previous/) still read and predict what that version predicted,
// row for row; and each broken encoder is one sentence.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { predictTable } from '../../src/api/common.ts';
import { parseEncoding, parseEncodingList } from '../../src/data/encoding-spec.ts';
import { encode, fitEncoder } from '../../src/model/encoding.ts';
import { matrix } from '../../src/model/matrix.ts';
import { ModelFileError, parseModel } from '../../src/model/model-file.ts';
import { encoderJson } from '../../src/model/encoder-file.ts';
import { serializeEnsemble, serializeModel } from '../../src/model/model-writer.ts';
import { fitScaler } from '../../src/model/scaler.ts';
import { loadCsvFile } from '../../src/platform/node-csv.ts';
import { initialization } from '../../src/reference/init.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import { UserError } from '../../src/errors.ts';

const previous = (name: string) => new URL(`../reference/previous/${name}`, import.meta.url);
const PARITY_CSV = new URL('../reference/data_parity.csv', import.meta.url);

// 13 scaled features of 200 rows, a few of them with only 3 distinct values (as key, mode and explicit have).
function scaledRows(m = 200): Float64Array {
  const data = new Float64Array(13 * m);
  for (let r = 0; r < 13; r++) for (let j = 0; j < m; j++) data[r * m + j] = r >= 10 ? ((j * (r + 1)) % 3) / 2 : Math.abs(Math.sin(j * (r + 1.7)));
  return data;
}

const X = matrix(13, 200, scaledRows());
const encoder = fitEncoder(X, parseEncoding('qple').parts, 'qple');
const scaler = fitScaler(
  new Float64Array(13 * 2).map((_, i) => (i < 13 ? 0 : 1)),
  Float64Array.of(0, 100),
);
const params = initialization([encoder.width, 8, 1], { seed: 5 });
const narrow = fitEncoder(X, parseEncoding('ple:2').parts, 'ple:2');

describe('the model file with an encoder (format version 3)', () => {
  it('round-trips the encoder exactly: the same parts, and the same encoded input', () => {
    const text = serializeModel(params, { scaler, encoder });
    expect(JSON.parse(text).version).toBe(3);
    const read = parseModel(text);
    expect(read.encoder!.width).toBe(encoder.width);
    expect(read.encoder!.name).toBe('qple');
    expect(Array.from(encode(read.encoder!, X).data)).toEqual(Array.from(encode(encoder, X).data));
    expect(JSON.parse(serializeEnsemble([params, params], { scaler, encoder })).version).toBe(3);
    expect(JSON.parse(serializeModel(initialization([13, 2, 1]), { scaler })).version, 'no encoder: still version 1').toBe(1);
  });

  it('keeps each list of numbers on one line, so 1000 quantiles per feature stay readable', () => {
    const lines = serializeModel(params, { scaler, encoder }).split('\n');
    expect(lines.length).toBeLessThan(200);
  });

  it.each([
    [
      'an encoder of another width than the network',
      (d: Record<string, unknown>) => (d.encoder = encoderJson(narrow)),
      /writes \d+ inputs, but its network takes/,
    ],
    ['an encoder without a scaler', (d: Record<string, unknown>) => delete d.scaler, /"encoder" but no "scaler"/],
    ['an unknown part', (d: Record<string, unknown>) => ((d.encoder as { parts: { kind: string }[] }).parts[0].kind = 'log'), /part 0 has "kind" "log"/],
    [
      'edges out of order',
      (d: Record<string, unknown>) => (d.encoder as { parts: { edges?: number[][] }[] }).parts[1].edges![0].reverse(),
      /part 1 must have "edges"/,
    ],
    ['a wrong width', (d: Record<string, unknown>) => ((d.encoder as { width: number }).width = 3), /"width" is 3 but its parts write/],
    [
      'a column that is no feature',
      (d: Record<string, unknown>) => ((d.encoder as { parts: { columns: string[] }[] }).parts[2].columns[0] = 'mood'),
      /part 2 must list its "columns"/,
    ],
    ['an encoder in a version-1 file', (d: Record<string, unknown>) => (d.version = 1), /unknown field "encoder"/],
  ])('refuses %s in one sentence', (_what, edit, pattern) => {
    const doc = JSON.parse(serializeModel(params, { scaler, encoder })) as Record<string, unknown>;
    edit(doc);
    let caught: unknown;
    try {
      parseModel(JSON.stringify(doc), "the model file 'm.json'");
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ModelFileError);
    const message = (caught as Error).message;
    expect(message).toMatch(pattern);
    expect(message).toMatch(/^The model file 'm\.json' /);
    expect(message).not.toContain('\n');
  });
});

describe('files written by the previous version', () => {
  for (const [file, preds] of [
    ['model-v1.json', 'preds-v1.csv'],
    ['ensemble-v2.json', 'preds-ensemble-v2.csv'],
  ]) {
    it(`${file} still reads and predicts what that version predicted, row for row`, async () => {
      const model = parseModel(readFileSync(previous(file), 'utf8'));
      expect(model.encoder).toBeUndefined();
      const table = await loadCsvFile(PARITY_CSV.pathname, { requireTarget: false, keepIds: true, listRejected: true });
      const runtime = createRuntime(null);
      try {
        const { csv } = await predictTable(runtime, model, table);
        expect(csv).toBe(readFileSync(previous(preds), 'utf8'));
      } finally {
        runtime.close();
      }
    });
  }
});

describe('encoding texts', () => {
  it('reads presets, parts, bins and columns', () => {
    expect(parseEncoding('notebook').parts).toEqual([]);
    const qple = parseEncoding('qple');
    expect(qple.parts.map((p) => [p.kind, p.columns.length])).toEqual([
      ['quantile', 10],
      ['ple', 10],
      ['minmax', 3],
    ]);
    expect(parseEncoding('ple:8@year/tempo').parts).toEqual([{ kind: 'ple', bins: 8, columns: [12, 7] }]);
    expect(parseEncodingList('notebook,qple').map((e) => e.name)).toEqual(['notebook', 'qple']);
  });

  it.each([
    ['log', /unknown encoding 'log'/],
    ['ple:1', /asks for 1 ple bins; a ple part needs 2 or more/],
    ['ple:x', /asks for x ple bins/],
    ['quantile:4', /only ple has bins/],
    ['ple@mood', /column 'mood' that is not one of the 13 features/],
    ['ple+', /has an empty part/],
    ['ple@year/year', /names a column twice/],
  ])("'%s' is refused in one sentence", (text, pattern) => {
    expect(() => parseEncoding(text)).toThrow(pattern);
    expect(() => parseEncoding(text)).toThrow(UserError);
  });

  it('refuses an encoding named twice in a list, and more bins than training rows', () => {
    expect(() => parseEncodingList('qple,qple')).toThrow(/names 'qple' twice/);
    expect(() => fitEncoder(matrix(13, 5, scaledRows(5)), parseEncoding('ple:6').parts)).toThrow(
      /from 2 bins to as many as there are training rows \(5\), not 6/,
    );
  });
});
