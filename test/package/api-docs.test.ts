// Every export of the public entry points (src/index.ts for Node, src/browser.ts for pages) carries TSDoc, and the
// two entry points offer the same names: checked with the TypeScript compiler on the sources.
import { resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const ENTRIES = ['src/index.ts', 'src/browser.ts'];
const program = ts.createProgram(
  ENTRIES.map((e) => resolve(ROOT, e)),
  {
    allowImportingTsExtensions: true,
    noEmit: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    skipLibCheck: true,
    types: [],
  },
);
const checker = program.getTypeChecker();

/** Export name → its TSDoc text (empty when it has none), following re-exports to the declaration. */
function exportsOf(entry: string): Map<string, string> {
  const file = program.getSourceFile(resolve(ROOT, entry));
  if (!file) throw new Error(`${entry} is not in the program`);
  const moduleSymbol = checker.getSymbolAtLocation(file);
  if (!moduleSymbol) throw new Error(`${entry} has no module symbol`);
  const docs = new Map<string, string>();
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    docs.set(exported.name, ts.displayPartsToString(target.getDocumentationComment(checker)).trim());
  }
  return docs;
}

describe('the public API', () => {
  const node = exportsOf('src/index.ts');
  const browser = exportsOf('src/browser.ts');

  for (const [entry, docs] of [
    ['src/index.ts', node],
    ['src/browser.ts', browser],
  ] as const) {
    it(`documents every export of ${entry}`, () => {
      expect(docs.size).toBeGreaterThan(10);
      expect([...docs].filter(([, doc]) => doc === '').map(([name]) => name)).toEqual([]);
    });
  }

  it('offers the same names in Node and in the browser', () => {
    expect([...browser.keys()].sort()).toEqual([...node.keys()].sort());
  });
});
