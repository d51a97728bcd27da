// One word chooses the CPU path: `cpu` is the fast float32 backend, `reference` the float64 reference.
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../../src/reference/backend.ts';
import { FastBackend } from '../../src/fast/backend.ts';
import { FastTrainer } from '../../src/fast/trainer.ts';
import { openNodeRuntime } from '../../src/platform/node-runtime.ts';
import { BACKEND_CHOICES } from '../../src/runtime/runtime.ts';
import { CpuTrainer } from '../../src/reference/trainer.ts';
import { paramsFor } from './problems.ts';

describe('the CPU choices of a runtime', () => {
  it('accepts auto, gpu, cpu and reference', () => {
    expect([...BACKEND_CHOICES]).toEqual(['auto', 'gpu', 'cpu', 'reference']);
  });

  it('cpu hands out the fast backend and trainer, and close() disposes them', async () => {
    const runtime = await openNodeRuntime('cpu');
    expect(runtime.kind).toBe('cpu');
    expect(runtime.description).toMatch(/float32, WebAssembly SIMD, one thread/);
    const backend = await runtime.backend(paramsFor([3, 5, 1], 1));
    const trainer = await runtime.trainer(paramsFor([3, 5, 1], 1));
    expect(backend).toBeInstanceOf(FastBackend);
    expect(trainer).toBeInstanceOf(FastTrainer);
    runtime.close();
    await expect(backend.setParams(paramsFor([3, 5, 1], 2))).rejects.toThrow(/disposed/);
  });

  it('reference hands out the float64 reference', async () => {
    const runtime = await openNodeRuntime('reference');
    expect(runtime.description).toMatch(/float64/);
    expect(await runtime.backend(paramsFor([3, 5, 1], 1))).toBeInstanceOf(CpuBackend);
    expect(await runtime.trainer(paramsFor([3, 5, 1], 1))).toBeInstanceOf(CpuTrainer);
    runtime.close();
  });
});
