// `spotify-mlp doctor` through the real binary: it names the Vulkan source it took, one line per source it
// considered, and the adapter; a bad SPOTIFY_MLP_SWIFTSHADER is one sentence and exit 1, never a stack.
import { execFile } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, type CliRun, expectUserError, tempDir } from './spawn.ts';

const { dir, cleanup } = tempDir('spotify-mlp-doctor-');
afterAll(cleanup);

function doctor(env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, 'doctor'], { cwd: dir, env: { ...process.env, ...env }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

describe('spotify-mlp doctor', () => {
  it('names the source taken, why the others were not, and the adapter (the suite runs where one answers)', async () => {
    const run = await doctor({});
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^vulkan: (hardware|system|chromium|bundled|preset)$/m);
    expect(run.stdout).toMatch(/^ {2}\w+: (taken|not taken)/m);
    expect(run.stdout).toMatch(/^webgpu: WebGPU on /m);
  });

  it('a SPOTIFY_MLP_SWIFTSHADER it does not know is one sentence and exit 1', async () => {
    const run = await doctor({ SPOTIFY_MLP_SWIFTSHADER: 'bogus' });
    expectUserError({ ...run, stderr: run.stderr }, /^spotify-mlp: SPOTIFY_MLP_SWIFTSHADER=bogus is not one of auto, system, chromium, bundled\.$/);
  });
});
