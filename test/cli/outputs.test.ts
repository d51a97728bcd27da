// The write policy (src/cli/outputs.ts) on its own and through the commands: no existing file replaced without
// --force, never an input, every output checked before the work, and nothing left behind by a run that fails.
import { execFileSync } from 'node:child_process';
import { linkSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reserveOutputs, withOutputs } from '../../src/cli/outputs.ts';
import { UserError } from '../../src/errors.ts';
import { expectUserError, runCli, tempDir } from './spawn.ts';

const { dir, cleanup } = tempDir('spotify-mlp-outputs-');
afterAll(cleanup);

/** Every file under `root` with its content, so a test can say "nothing changed". */
function snapshot(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) {
        out[`${path}/`] = '';
        walk(path);
      } else out[path] = readFileSync(path, 'latin1');
    }
  };
  walk(root);
  return out;
}

describe('reserveOutputs', () => {
  const area = (name: string): string => {
    const d = join(dir, name);
    mkdirSync(d, { recursive: true });
    return d;
  };

  it('puts nothing in place before commit, and everything at once at commit', () => {
    const d = area('commit');
    const outputs = reserveOutputs(
      [
        { path: join(d, 'a.npy'), what: 'the output file' },
        { path: join(d, 'b.json'), what: 'the summary' },
      ],
      { force: false },
    );
    outputs.write(join(d, 'a.npy'), 'A');
    outputs.write(join(d, 'b.json'), 'B');
    expect(readdirSync(d).filter((f) => !f.startsWith('.'))).toEqual([]);
    expect(outputs.commit()).toEqual([join(d, 'a.npy'), join(d, 'b.json')]);
    expect(readdirSync(d).sort()).toEqual(['a.npy', 'b.json']);
    expect(readFileSync(join(d, 'a.npy'), 'utf8')).toBe('A');
  });

  it('leaves no file and no folder it made when the work fails', async () => {
    const d = area('discard');
    const before = snapshot(d);
    const nested = join(d, 'new', 'deeper', 'model.json');
    await expect(
      withOutputs([{ path: nested, what: 'the model file' }], { force: false }, (outputs) => {
        outputs.write(nested, 'half');
        throw new UserError('the work failed');
      }),
    ).rejects.toThrow('the work failed');
    expect(snapshot(d)).toEqual(before);
  });

  it('refuses an existing file without --force, lists all of a folder at once, and keeps the files', () => {
    const d = area('existing');
    writeFileSync(join(d, 'x.npy'), 'old x');
    writeFileSync(join(d, 'y.npy'), 'old y');
    const specs = ['x.npy', 'y.npy', 'z.npy'].map((f) => ({ path: join(d, f), what: 'the output file' }));
    expect(() => reserveOutputs(specs, { force: false })).toThrow(`${d} already holds x.npy, y.npy; pass --force to overwrite them or choose another --out.`);
    expect(snapshot(d)).toEqual({ [join(d, 'x.npy')]: 'old x', [join(d, 'y.npy')]: 'old y' });
    const forced = reserveOutputs(specs, { force: true });
    for (const s of specs) forced.write(s.path, 'new');
    forced.commit();
    expect(readFileSync(join(d, 'x.npy'), 'utf8')).toBe('new');
  });

  it('keeps the permissions of a file it overwrites', () => {
    const d = area('mode');
    const path = join(d, 'm.json');
    writeFileSync(path, 'old', { mode: 0o640 });
    const outputs = reserveOutputs([{ path, what: 'the model file' }], { force: true });
    outputs.write(path, 'new');
    outputs.commit();
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('never replaces a file that appeared during the work: the result goes beside it, and the sentence says where', () => {
    const d = area('race');
    const path = join(d, 'model.json');
    const outputs = reserveOutputs([{ path, what: 'the model file' }], { force: false });
    writeFileSync(path, 'the other run'); // another run finished first
    outputs.write(path, 'this run');
    expect(() => outputs.commit()).toThrow(
      /'.*model\.json' appeared while this command worked, so its result was saved as '.*model-2\.json'; nothing was overwritten/,
    );
    expect(readFileSync(path, 'utf8')).toBe('the other run');
    expect(readFileSync(join(d, 'model-2.json'), 'utf8')).toBe('this run');
    expect(readdirSync(d).sort()).toEqual(['model-2.json', 'model.json']);
  });

  it('refuses an input as an output by inode: the same path, another spelling, a hard link and a symlink, even with --force', () => {
    const d = area('inputs');
    const input = join(d, 'tracks.csv');
    writeFileSync(input, 'id,popularity\n');
    linkSync(input, join(d, 'hard.csv'));
    symlinkSync(input, join(d, 'soft.csv'));
    for (const out of [input, `${d}/./tracks.csv`, join(d, 'hard.csv'), join(d, 'soft.csv')]) {
      expect(() => reserveOutputs([{ path: out, what: 'the predictions file' }], { force: true, inputs: [{ path: input, what: 'the CSV file' }] })).toThrow(
        /it is the CSV file .*this command reads; choose another --out\./,
      );
    }
    expect(readFileSync(input, 'utf8')).toBe('id,popularity\n');
  });

  it.each([
    ['a folder', 'folder', /it is a folder, not a file; give a file name such as .*folder\/model\.json\.$/],
    ['a path ending in a slash', 'nothing-yet/', /the path names a folder; give a file name such as .*nothing-yet\/model\.json\.$/],
    ['a path through a file', 'a-file/model.json', /'.*a-file' is a file, not a folder\.$/],
    ['a device', '/dev/null', /it is not a regular file/],
  ])('refuses %s in one sentence without suggesting --force', (_what, out, pattern) => {
    const d = area('shapes');
    mkdirSync(join(d, 'folder'), { recursive: true });
    writeFileSync(join(d, 'a-file'), 'x');
    const path = out.startsWith('/') ? out : join(d, out);
    const call = () => reserveOutputs([{ path, what: 'the model file', example: 'model.json' }], { force: true });
    expect(call).toThrow(UserError);
    expect(call).toThrow(pattern);
    expect(call).not.toThrow(/--force/);
  });
});

describe('the commands follow the policy', () => {
  beforeAll(async () => {
    const run = await runCli(['train', '--out', 'model.json', '--backend', 'cpu', '--epochs', '1', '--synthetic-rows', '300'], dir);
    expect(run.code, run.stderr).toBe(0);
    writeFileSync(join(dir, 'tracks.csv'), readFileSync(new URL('../reference/data_parity.csv', import.meta.url)));
    linkSync(join(dir, 'tracks.csv'), join(dir, 'tracks-link.csv'));
    mkdirSync(join(dir, 'a-folder'));
    writeFileSync(join(dir, 'old.json'), 'an older model');
  }, 120_000);

  it('predict refuses to write its predictions over the CSV it reads, by path or by hard link', async () => {
    const before = snapshot(dir);
    const [same, link] = await Promise.all([
      runCli(['predict', '--model', 'model.json', '--csv', 'tracks.csv', '--out', 'tracks.csv'], dir),
      runCli(['predict', '--model', 'model.json', '--csv', 'tracks.csv', '--out', 'tracks-link.csv', '--force'], dir),
    ]);
    expectUserError(same, /Cannot write the predictions file 'tracks\.csv': it is the CSV file this command reads; choose another --out\./);
    expectUserError(link, /it is the CSV file \('tracks\.csv'\) this command reads/);
    expect(snapshot(dir)).toEqual(before);
  });

  it('train refuses an existing --out, a folder and an unwritable folder before it reads any data', async () => {
    const before = snapshot(dir);
    const unwritable = process.getuid?.() === 0 ? '/sys/spotify-mlp-model.json' : join(dir, 'locked', 'model.json');
    if (process.getuid?.() !== 0) execFileSync('sh', ['-c', `mkdir -p '${join(dir, 'locked')}' && chmod 555 '${join(dir, 'locked')}'`]);
    const args = (out: string) => ['train', '--out', out, '--backend', 'cpu', '--epochs', '1', '--synthetic-rows', '300'];
    const [existing, folder, locked] = await Promise.all([runCli(args('old.json'), dir), runCli(args('a-folder'), dir), runCli(args(unwritable), dir)]);
    expectUserError(existing, /^spotify-mlp: old\.json already exists; pass --force to overwrite it or choose another --out\.$/);
    expectUserError(folder, /Cannot write the model file 'a-folder': it is a folder, not a file; give a file name such as a-folder\/model\.json\.$/);
    expectUserError(locked, /is not writable \(permission denied\); choose another --out\./);
    for (const run of [existing, folder, locked]) expect(run.stderr, 'no data was read').not.toMatch(/rows read/);
    if (process.getuid?.() !== 0) execFileSync('chmod', ['755', join(dir, 'locked')]);
    expect(Object.keys(snapshot(dir)).filter((p) => !p.includes('locked'))).toEqual(Object.keys(before));
    expect(readFileSync(join(dir, 'old.json'), 'utf8')).toBe('an older model');
  });

  it('train --force replaces the model, and forward refuses to overwrite its .npy files without --force', async () => {
    const forced = await runCli(['train', '--out', 'old.json', '--force', '--backend', 'cpu', '--epochs', '1', '--synthetic-rows', '300'], dir);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(join(dir, 'old.json'), 'utf8')).toMatch(/"format": "spotify-mlp"/);
    const X = join(dir, 'x_test.npy');
    const prep = await runCli(['prepare', '--out', '.', '--synthetic-rows', '100'], dir);
    expect(prep.code, prep.stderr).toBe(0);
    const first = await runCli(['forward', '--model', 'model.json', '--input', X, '--out', 'fw', '--backend', 'cpu'], dir);
    expect(first.code, first.stderr).toBe(0);
    const again = await runCli(['forward', '--model', 'model.json', '--input', X, '--out', 'fw', '--backend', 'cpu', '--cache'], dir);
    expectUserError(again, /fw\/A4\.npy already exists; pass --force/);
    expect(readdirSync(join(dir, 'fw'))).toEqual(['A4.npy']);
    const forcedForward = await runCli(['forward', '--model', 'model.json', '--input', X, '--out', 'fw', '--backend', 'cpu', '--cache', '--force'], dir);
    expect(forcedForward.code, forcedForward.stderr).toBe(0);
    expect(readdirSync(join(dir, 'fw')).sort()).toEqual(['A1.npy', 'A2.npy', 'A3.npy', 'A4.npy', 'Z1.npy', 'Z2.npy', 'Z3.npy', 'Z4.npy']);
  }, 120_000);
});
