// Every host-shared struct of src/gpu/structs.ts against its WGSL declarations: same fields, same order, same types,
// in every shader that declares it (and in the generated forward kernel), so a writer cannot drift from its struct.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateFusedKernel } from '../../src/gpu/fused-gen.ts';
import { BackwardLayer, LossSizes, Step, STRUCTS } from '../../src/gpu/structs.ts';

const SHADERS = join(import.meta.dirname, '../../shaders');
const library = Object.fromEntries(
  readdirSync(SHADERS)
    .filter((f) => f.endsWith('.wgsl'))
    .map((f) => [f.slice(0, -5), readFileSync(join(SHADERS, f), 'utf8')]),
);

/** Every `struct NAME { field: type, … }` in `code`, fields in order. */
function declarations(code: string): Map<string, [string, string][]> {
  const out = new Map<string, [string, string][]>();
  for (const m of code.replace(/\/\/[^\n]*/g, '').matchAll(/struct\s+(\w+)\s*\{([^}]*)\}/g)) {
    const fields = m[2]
      .split(',')
      .map((f) => f.trim())
      .filter(Boolean)
      .map((f) => f.split(':').map((s) => s.trim()) as [string, string]);
    out.set(m[1], fields);
  }
  return out;
}

describe('host-shared WGSL structs', () => {
  const sources: [string, string][] = [
    ...Object.entries(library),
    ['generated forward', generateFusedKernel([13, 64, 32, 16, 1], { cache: true, cols: 3, aligned: true })],
  ];

  it.each(STRUCTS.map((s) => [s.name, s] as const))('%s matches every declaration of it', (_name, struct) => {
    let found = 0;
    for (const [file, code] of sources) {
      const fields = declarations(code).get(struct.name);
      if (!fields) continue;
      found++;
      expect(fields, `${struct.name} in ${file}`).toEqual(struct.fields.map(([n, t]) => [n, t]));
    }
    for (const file of struct.shaders) expect(declarations(library[file]).has(struct.name), `${file}.wgsl declares ${struct.name}`).toBe(true);
    expect(found).toBeGreaterThanOrEqual(struct.shaders.length);
    expect(struct.bytes % 16 === 0 || struct.name.endsWith('Layer')).toBe(true);
  });

  it('every struct a kernel binds as a uniform or table is one of them', () => {
    const known = new Set(STRUCTS.map((s) => s.name));
    const unknown: string[] = [];
    for (const [file, code] of sources) {
      for (const m of code.matchAll(/var<(?:uniform|storage, read)>\s+\w+\s*:\s*(?:array<)?(\w+)>?;/g)) {
        if (/^(f32|u32|i32|vec4)$/.test(m[1])) continue;
        if (!known.has(m[1])) unknown.push(`${file}: ${m[1]}`);
      }
    }
    expect(unknown).toEqual([]);
  });

  it('write puts u32 and f32 fields at their offsets and rejects values a field cannot hold', () => {
    const bytes = Step.write({ start: 7, usePerm: 1, count: 3, lrT: 0.5, epsT: 1e-8, momentum: 0.9, beta1: 0.9, beta2: 0.999 });
    const u = new Uint32Array(bytes);
    const f = new Float32Array(bytes);
    expect([u[0], u[1], u[2], u[3]]).toEqual([7, 1, 3, 0]);
    expect(f[4]).toBe(0.5);
    expect(f[8]).toBe(Math.fround(0.999));
    expect(bytes.byteLength).toBe(48);
    const table = new Uint32Array(
      BackwardLayer.table([
        { n: 1, k: 2, wOffset: 3, dzOffset: 4, zOffset: 5, aOffset: 6 },
        { n: 9, k: 8, wOffset: 7, dzOffset: 6, zOffset: 5, aOffset: 4 },
      ]),
    );
    expect(Array.from(table)).toEqual([1, 2, 3, 4, 5, 6, 0, 0, 9, 8, 7, 6, 5, 4, 0, 0]);
    expect(() => LossSizes.write({ rows: 1.5, cols: 1, stride: 1, slot: 0, modelStride: 0 })).toThrow(/LossSizes.rows needs a u32/);
    expect(() => LossSizes.write({ rows: -1, cols: 1, stride: 1, slot: 0, modelStride: 0 })).toThrow(/u32/);
    expect(() => Step.write({ start: 0, usePerm: 0, count: 1, lrT: Number.NaN, epsT: 0, momentum: 0, beta1: 0, beta2: 0 })).toThrow(/finite/);
  });
});
