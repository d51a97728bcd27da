// A kernel's parts live together: each kernel in shaders/ names the one module in src/gpu/kernels/ that holds its
// interface, tuning and dispatch shape, that module names the WGSL file back, and both name a CPU twin that exists.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const kernels = readdirSync(join(ROOT, 'shaders'))
  .filter((f) => f.endsWith('.wgsl'))
  .map((f) => [f, readFileSync(join(ROOT, 'shaders', f), 'utf8')] as const)
  .filter(([, code]) => /@compute/.test(code));

/** The paths a header line names: `src/…/x.ts` and `shaders/x.wgsl`. */
const pathsIn = (line: string) => [...line.matchAll(/\b((?:src|shaders)\/[\w/.-]+\.(?:ts|wgsl))\b/g)].map((m) => m[1]);

describe('each kernel is kept in one place', () => {
  it('finds the kernels', () => expect(kernels.length).toBeGreaterThanOrEqual(12));

  it.each(kernels)('%s names its definition module and CPU twin, and the module names it back', (file, code) => {
    const header = code.split('\n')[0];
    const match = /^\/\/ Interface, tuning and dispatch: (src\/gpu\/kernels\/[\w-]+\.ts)\. CPU twin: (.*)$/.exec(header);
    expect(match, `first line of shaders/${file}`).not.toBeNull();
    const [, module, twin] = match!;
    expect(existsSync(join(ROOT, module)), module).toBe(true);
    const twins = pathsIn(twin);
    expect(twins.length, `CPU twin of ${file}`).toBeGreaterThan(0);
    for (const t of twins) expect(existsSync(join(ROOT, t)), t).toBe(true);
    const source = readFileSync(join(ROOT, module), 'utf8');
    expect(source).toContain(`// WGSL: shaders/${file}`);
    expect(source).toContain(`kernelInterface('${file.slice(0, -5)}'`);
  });
});
