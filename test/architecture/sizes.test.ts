// Small files and readable lines: every source file in src/ and shaders/ is under 300 lines, and no line in src/,
// shaders/, test/, bench/ or tools/ is wider than Prettier's 160 columns (Prettier does not break strings).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const MAX_LINES = 300;
const MAX_WIDTH = 160;

function files(dir: string, pattern: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === 'artifacts') return [];
    return statSync(path).isDirectory() ? files(path, pattern) : pattern.test(name) ? [path] : [];
  });
}

/** Files over `max` lines, as "path (n lines)". */
export function tooLong(sources: readonly (readonly [string, string])[], max = MAX_LINES): string[] {
  return sources.filter(([, text]) => text.split('\n').length > max).map(([name, text]) => `${name} (${text.split('\n').length} lines)`);
}

/** Lines wider than `max`, as "path:line (n columns)". */
export function tooWide(sources: readonly (readonly [string, string])[], max = MAX_WIDTH): string[] {
  return sources.flatMap(([name, text]) =>
    text.split('\n').flatMap((line, i) => ([...line].length > max ? [`${name}:${i + 1} (${[...line].length} columns)`] : [])),
  );
}

/** Source files as [path, text], without generated ones (a first line starting "// Generated"). */
const read = (paths: string[]) =>
  paths.map((p) => [relative(ROOT, p), readFileSync(p, 'utf8')] as const).filter(([, text]) => !text.startsWith('// Generated'));

describe('file and line sizes', () => {
  it(`every source file in src/ and shaders/ is under ${MAX_LINES} lines`, () => {
    expect(tooLong(read([...files(join(ROOT, 'src'), /\.ts$/), ...files(join(ROOT, 'shaders'), /\.wgsl$/)]))).toEqual([]);
  });

  it(`no line of code is wider than ${MAX_WIDTH} columns`, () => {
    const dirs = ['src', 'shaders', 'test', 'bench', 'tools'].map((d) => join(ROOT, d));
    expect(tooWide(read(dirs.flatMap((d) => files(d, /\.(ts|wgsl|mjs)$/))))).toEqual([]);
  });

  it('both checks can fail', () => {
    expect(tooLong([['a.ts', 'x\n'.repeat(MAX_LINES)]])).toEqual([`a.ts (${MAX_LINES + 1} lines)`]);
    expect(tooWide([['b.ts', `ok\n${'x'.repeat(MAX_WIDTH + 1)}`]])).toEqual([`b.ts:2 (${MAX_WIDTH + 1} columns)`]);
  });
});
