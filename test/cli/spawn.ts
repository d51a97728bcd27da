// Runs the real `spotify-mlp` binary in a child process, as a user would, for the CLI tests.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import type { Matrix } from '../../src/model/matrix.ts';
import { readNpy, writeNpy } from '../../src/model/npy.ts';

/** The bin script that `npx spotify-mlp` runs. */
export const BIN = fileURLToPath(new URL('../../bin/spotify-mlp.mjs', import.meta.url));

/** What one run of the CLI did. */
export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `node bin/spotify-mlp.mjs ...args` in `cwd` and collects its exit code and output. */
export function runCli(args: readonly string[], cwd: string, timeoutMs = 120_000): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd, timeout: timeoutMs, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** A fresh temporary folder and a function that removes it. */
export function tempDir(prefix = 'spotify-mlp-cli-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes `m` as DIR/NAME in the given dtype and returns the path. */
export function saveNpy(dir: string, name: string, m: Matrix, dtype?: 'float32' | 'float64'): string {
  const path = join(dir, name);
  writeFileSync(path, writeNpy(m, dtype));
  return path;
}

/** Reads DIR/NAME as a matrix. */
export function loadNpy(dir: string, name: string): Matrix {
  return readNpy(readFileSync(join(dir, name)), name);
}

/**
 * Asserts that a run failed the way user errors must: a non-zero exit, stderr exactly one line that starts with
 * `spotify-mlp: `, no stack trace, and the line matches `pattern`.
 */
export function expectUserError(run: CliRun, pattern: RegExp): void {
  const context = `exit ${run.code}, stderr:\n${run.stderr}`;
  expect(run.code, context).not.toBe(0);
  expect(run.code, context).not.toBe(70);
  expect(run.stderr, context).not.toContain('    at ');
  const lines = run.stderr.split('\n').filter((line) => line.length > 0);
  expect(lines, context).toHaveLength(1);
  expect(lines[0]).toMatch(/^spotify-mlp: \S/);
  expect(lines[0]).toMatch(pattern);
}
