// The layers of src/, bottom to top: a module may import its own layer and the layers below, never one above, and
// never a sibling on the same rank (the CPU reference and the GPU backend know nothing of each other).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '../../src');

/** Rank of each top-level entry of src/; equal ranks are siblings. */
const RANKS: Record<string, number> = {
  'errors.ts': 0,
  rng: 0,
  model: 1,
  data: 2,
  onnx: 2,
  reference: 3,
  gpu: 3,
  fast: 3,
  train: 4,
  runtime: 5,
  platform: 6,
  explain: 6,
  cli: 7,
  demo: 7,
  api: 8,
  'index.ts': 9,
  'browser.ts': 9,
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : /\.ts$/.test(name) ? [path] : [];
  });
}

/** The top-level entry of src/ that a path inside it belongs to. */
const layerOf = (path: string): string => relative(SRC, path).split(/[\\/]/)[0];

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)].map((m) => m[1]);
  return specs.map((s) => normalize(join(dirname(file), s))).filter((p) => p.startsWith(SRC));
}

describe('the layers of src/', () => {
  const files = sourceFiles(SRC);

  it('know every top-level entry', () => {
    const unknown = [...new Set(files.map(layerOf))].filter((layer) => RANKS[layer] === undefined);
    expect(unknown, 'give each new folder of src/ a rank in this test').toEqual([]);
  });

  it('never import upwards or sideways', () => {
    const bad: string[] = [];
    for (const file of files) {
      const from = layerOf(file);
      for (const target of imports(file)) {
        const to = layerOf(target);
        if (to === from) continue;
        if (RANKS[to] >= RANKS[from]) bad.push(`${relative(SRC, file)} → ${relative(SRC, target)}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('can fail: the checker sees an upward import in a sample', () => {
    const fake = join(SRC, 'model', 'x.ts');
    expect(RANKS[layerOf(normalize(join(dirname(fake), '../gpu/device.ts')))]).toBeGreaterThan(RANKS[layerOf(fake)]);
  });
});
