// The kernel interfaces have one definition each: structs.ts declares every host-shared struct and src/gpu/kernels/
// every kernel's bindings; shaders say `//!struct NAME` and `//!bindings`, and shaders.ts writes the WGSL. These
// tests check that no shader declares either by hand (so nothing can drift), that every directive resolves, and
// that host and shader number the bindings alike.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KERNEL_INTERFACES } from '../../src/gpu/kernels/index.ts';
import { generateFusedKernel, MLP_FUSED_GENERATED } from '../../src/gpu/kernels/mlp-fused-gen.ts';
import { RELU } from '../../src/gpu/kernels/relu.ts';
import { expandDeclarations, shaderSource } from '../../src/gpu/shaders.ts';
import { BackwardLayer, LossSizes, Step, STRUCTS, wgslDeclaration } from '../../src/gpu/structs.ts';

const SHADERS = join(import.meta.dirname, '../../shaders');
const library = Object.fromEntries(
  readdirSync(SHADERS)
    .filter((f) => f.endsWith('.wgsl'))
    .map((f) => [f.slice(0, -5), readFileSync(join(SHADERS, f), 'utf8')]),
);
const kernels = Object.keys(library).filter((name) => /@compute/.test(library[name]));

/** What a shader file declares by hand that has one definition elsewhere: host-shared structs and bindings. */
function handWritten(code: string): string[] {
  const host = new Set(STRUCTS.map((s) => s.name));
  const structs = [...code.matchAll(/^struct\s+(\w+)/gm)].map((m) => m[1]).filter((n) => host.has(n));
  const bindings = [...code.matchAll(/@binding\(\d+\)[^;]*;/g)].map((m) => m[0]);
  return [...structs.map((n) => `struct ${n}`), ...bindings];
}

describe('one definition per kernel interface', () => {
  it('no shader file declares a host-shared struct or a binding by hand', () => {
    const found = Object.entries(library).flatMap(([file, code]) => handWritten(code).map((d) => `${file}.wgsl: ${d}`));
    expect(found).toEqual([]);
  });

  it('the check can fail: it sees a hand-written struct and binding', () => {
    expect(handWritten('struct Step {\n  start: u32,\n}\n@group(0) @binding(3) var<storage, read> X: array<f32>;')).toEqual([
      'struct Step',
      '@binding(3) var<storage, read> X: array<f32>;',
    ]);
  });

  it.each(kernels)('%s: has an interface, and its expanded source declares each binding once, numbered in order', (name) => {
    const iface = KERNEL_INTERFACES[name];
    expect(iface, `src/gpu/kernels/ defines ${name}`).toBeDefined();
    const code = shaderSource(library, name, iface);
    expect(code).not.toMatch(/^\/\/!(struct|bindings|include)/m);
    const declared = [...code.matchAll(/@group\(0\) @binding\((\d+)\) var<[^>]+> (\w+):/g)].map((m) => [Number(m[1]), m[2]]);
    expect(declared).toEqual(iface.bindings.map(([n], i) => [i, n]));
    for (const struct of STRUCTS) {
      const count = code.split(wgslDeclaration(struct)).length - 1;
      expect(count, `${struct.name} in ${name}`).toBeLessThanOrEqual(1);
    }
  });

  it('the generated forward kernel takes its struct and bindings from the same definitions', () => {
    const code = generateFusedKernel([13, 64, 32, 16, 1], { cache: true, cols: 3, aligned: true });
    const bindings = MLP_FUSED_GENERATED.wgsl({ X: 'array<vec4<f32>>', out: 'array<vec4<f32>>', cache: 'array<vec4<f32>>' });
    const sizes = wgslDeclaration(STRUCTS.find((s) => s.name === 'FusedSizes')!);
    expect(code).toContain(bindings);
    expect(code).toContain(sizes);
    expect(handWritten(code.replace(bindings, '').replace(sizes, '')), 'nothing else declared by hand').toEqual([]);
  });

  it('a directive that names nothing is refused in one sentence, not compiled as a comment', () => {
    expect(() => expandDeclarations('relu', '//!struct Nope')).toThrow("Shader 'relu' asks for struct 'Nope', which src/gpu/structs.ts does not define.");
    expect(() => expandDeclarations('optimizer', '//!bindings')).toThrow(/compiled without its interface/);
  });

  it('entries() orders buffers by the definition and refuses a missing or unknown name', () => {
    const [a, b, c] = [{ label: 'a' }, { label: 'b' }, { label: 'c' }] as unknown as GPUBuffer[];
    expect(RELU.entries({ out: c, sizes: a, Z: b })).toEqual([a, b, c]);
    expect(() => RELU.entries({ sizes: a, Z: b } as never)).toThrow('relu: bindings out (missing).');
    expect(() => RELU.entries({ sizes: a, Z: b, out: c, extra: a } as never)).toThrow('relu: bindings extra (unknown).');
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
    expect(() => LossSizes.write({ rows: 1.5, cols: 1, stride: 1, slot: 0, modelStrideF: 0, weightStride: 0, colOffset: 0 })).toThrow(
      /LossSizes.rows needs a u32/,
    );
    expect(() => LossSizes.write({ rows: -1, cols: 1, stride: 1, slot: 0, modelStrideF: 0, weightStride: 0, colOffset: 0 })).toThrow(/u32/);
    expect(() => Step.write({ start: 0, usePerm: 0, count: 1, lrT: Number.NaN, epsT: 0, momentum: 0, beta1: 0, beta2: 0 })).toThrow(/finite/);
  });
});
