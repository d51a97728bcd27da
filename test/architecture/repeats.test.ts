// No block of more than 10 lines repeats in src/: any window of 11 consecutive lines (trimmed, blank and comment-only
// lines skipped, and at least one line that is more than punctuation) may appear only once in the whole tree.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');
const WINDOW = 11;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : /\.ts$/.test(name) ? [path] : [];
  });
}

/** Every repeated window of WINDOW meaningful lines, as "a.ts:12 = b.ts:40". */
export function repeats(sources: readonly (readonly [string, string])[], window = WINDOW): string[] {
  const seen = new Map<string, string>();
  const found: string[] = [];
  for (const [name, text] of sources) {
    const lines = text
      .split('\n')
      .map((l, i) => [l.trim(), i + 1] as const)
      .filter(([l]) => l !== '' && !l.startsWith('//') && !l.startsWith('*') && !l.startsWith('/*'));
    for (let i = 0; i + window <= lines.length; i++) {
      const block = lines.slice(i, i + window);
      if (block.every(([l]) => /^[\s{}()[\];,)]*$/.test(l) || l.length < 4)) continue;
      const key = block.map(([l]) => l).join('\n');
      const here = `${name}:${block[0][1]}`;
      const first = seen.get(key);
      if (first === undefined) seen.set(key, here);
      else found.push(`${first} = ${here}`);
    }
  }
  return found;
}

describe('repeated code in src/', () => {
  it(`no block of more than ${WINDOW - 1} lines repeats`, () => {
    // Generated files (a first line starting "// Generated", e.g. the ONNX schema's descriptor) are not written here.
    const sources = files(SRC)
      .map((f) => [relative(SRC, f), readFileSync(f, 'utf8')] as const)
      .filter(([, text]) => !text.startsWith('// Generated'));
    expect(repeats(sources)).toEqual([]);
  });

  it('the check can fail: it finds an 11-line block written twice', () => {
    const block = Array.from({ length: 11 }, (_, i) => `const v${i} = f(${i});`).join('\n');
    expect(
      repeats([
        ['a.ts', `x();\n${block}\n`],
        ['b.ts', `// c\n${block}\ny();\n`],
      ]),
    ).toEqual(['a.ts:2 = b.ts:2']);
  });
});
