// `spotify-mlp export` and `spotify-mlp explain` from the command line: what they write, and one sentence with a
// non-zero exit, nothing written, for each mistake.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeModelProto } from '../../src/onnx/proto.ts';
import { KAGGLE_HEADER, makeTrack, toCsv } from '../data/fixtures.ts';
import { killLeftovers, startCli } from './session.ts';
import { expectUserError, runCli, tempDir } from './spawn.ts';

const { dir, cleanup } = tempDir();
afterAll(() => {
  killLeftovers();
  cleanup();
});

beforeAll(async () => {
  for (const args of [
    ['train', '--out', 'model.json', '--backend', 'cpu', '--epochs', '2', '--synthetic-rows', '600', '--encoding', 'qple'],
    ['init', '--out', 'bare.json'],
  ]) {
    const run = await runCli(args, dir);
    expect(run.code, run.stderr).toBe(0);
  }
  writeFileSync(join(dir, 'tracks.csv'), toCsv(Array.from({ length: 300 }, (_, i) => makeTrack(i).cells)));
  writeFileSync(join(dir, 'big.csv'), toCsv(Array.from({ length: 3000 }, (_, i) => makeTrack(i).cells)));
  writeFileSync(join(dir, 'header.csv'), `${KAGGLE_HEADER.join(',')}\n`);
}, 120_000);

describe('spotify-mlp export', () => {
  it('writes an ONNX model (opset 17, IR 8) with the scaler and encoder inside, and refuses to overwrite it without --force', async () => {
    const run = await runCli(['export', '--model', 'model.json', '--out', 'model.onnx'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^export: wrote model\.onnx \(\d+ bytes; one network, encoding qple; ONNX opset 17, IR version 8\)/);
    const model = decodeModelProto(readFileSync(join(dir, 'model.onnx')));
    expect(model).toMatchObject({ ir_version: 8, producer_name: 'spotify-mlp', opset_import: [{ version: 17 }] });
    const again = await runCli(['export', '--model', 'model.json', '--out', 'model.onnx'], dir);
    expectUserError(again, /model\.onnx already exists; pass --force/);
    expect((await runCli(['export', '--model', 'model.json', '--out', 'model.onnx', '--force'], dir)).code).toBe(0);
  });

  it('says why a model without a scaler cannot be exported, and never writes over its input', async () => {
    expectUserError(
      await runCli(['export', '--model', 'bare.json', '--out', 'bare.onnx'], dir),
      /bare\.json' has no "scaler", so the ONNX graph could not take raw features/,
    );
    expect(existsSync(join(dir, 'bare.onnx'))).toBe(false);
    expectUserError(await runCli(['export', '--model', 'model.json', '--out', 'model.json', '--force'], dir), /it is the model file/);
  });
});

describe('spotify-mlp explain', () => {
  it('prints the importances, most important first, and the curve, and writes them as JSON', async () => {
    const run = await runCli(['explain', '--model', 'model.json', '--csv', 'tracks.csv', '--repeats', '2', '--backend', 'cpu', '--out', 'imp.json'], dir);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^permutation importance on 60 rows: RMSE \d+\.\d{3} points/);
    expect(run.stdout).toContain('partial dependence on year');
    const json = JSON.parse(readFileSync(join(dir, 'imp.json'), 'utf8'));
    expect(json).toMatchObject({ format: 'spotify-mlp-explain', repeats: 2, seed: 42, explained: 60 });
    expect(json.importances).toHaveLength(13);
    expect(json.dataRows).toHaveLength(60);
  });

  it('is one sentence for R = 0, a file with no scorable row, an unknown feature and a model without a scaler', async () => {
    const base = ['explain', '--model', 'model.json', '--csv', 'tracks.csv', '--backend', 'cpu'];
    expectUserError(await runCli([...base, '--repeats', '0'], dir), /--repeats/);
    expectUserError(await runCli(['explain', '--model', 'model.json', '--csv', 'header.csv'], dir), /has no row with a popularity and 13 usable features/);
    expectUserError(await runCli([...base, '--feature', 'mood', '--out', 'mood.json'], dir), /There is no feature "mood"/);
    expect(existsSync(join(dir, 'mood.json'))).toBe(false);
    expectUserError(await runCli(['explain', '--model', 'bare.json', '--csv', 'tracks.csv'], dir), /has no "scaler"/);
  });

  it('SIGTERM while the CPU computes: exit 143 once the forward pass returns, and no importance file', async () => {
    // The float64 reference scores the 3 000 rows' 73 copies in one synchronous pass of a few seconds.
    const args = ['explain', '--model', 'model.json', '--csv', 'big.csv', '--rows', 'all', '--max-rows', '3000', '--repeats', '4'];
    const s = startCli([...args, '--backend', 'reference', '--out', 'term.json'], dir);
    await s.waitFor(/backend: CPU reference/);
    process.kill(s.child.pid!, 'SIGTERM');
    const { code } = await s.exit;
    expect(code, s.stderr).toBe(143);
    expect(s.stderr).toContain('spotify-mlp: Stopped by SIGTERM; no unfinished file is left.');
    expect(existsSync(join(dir, 'term.json'))).toBe(false);
  }, 120_000);
});
