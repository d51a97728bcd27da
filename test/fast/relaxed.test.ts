// The relaxed-SIMD build (fused multiply-adds), which the fast backend takes by default where the engine validates
// it: Node 20 only does with --experimental-wasm-relaxed-simd, so this runs test/fast/relaxed-probe.ts in a Node
// started with that flag and holds its forward pass and gradient to the float64 reference with the float32
// tolerances of the other builds.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');

describe('the relaxed-SIMD build', () => {
  it('agrees with the float64 reference like the SIMD build does', () => {
    const out = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', join(ROOT, 'bin/run-ts.mjs'), join(ROOT, 'test/fast/relaxed-probe.ts')], {
      encoding: 'utf8',
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { build: string; trainerBuild: string; forward: number; gradient: number; gradientScale: number };
    expect([r.build, r.trainerBuild]).toEqual(['wasm-relaxed-simd', 'wasm-relaxed-simd']);
    expect(r.forward).toBeLessThan(1e-5);
    expect(r.gradientScale).toBeGreaterThan(0);
    expect(r.gradient).toBeLessThan(2e-6 + 1e-4 * r.gradientScale);
  }, 60_000);
});
