// A GPU result is right or it is an error: every dispatch is checked against the device's limits before it is
// encoded. WebGPU gives no device below its default limits, so the tests shrink the limits the code plans with
// (ctx.limits); each case must either equal the CPU reference or be refused in one sentence.
import { describe, expect } from 'vitest';
import { feedForward } from '../../src/reference/forward.ts';
import { initialization } from '../../src/reference/init.ts';
import { isUserError } from '../../src/errors.ts';
import { createGpuBackend } from '../../src/gpu/backend.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { matrix } from '../../src/model/matrix.ts';
import { expectClose, f32Tolerance } from '../helpers/compare.ts';
import { testWithDevice } from '../helpers/gpu.ts';
import { values } from '../helpers/kernel-rig.ts';

const shrink = (ctx: GpuContext, limits: Partial<GpuContext['limits']>): GpuContext => ({ ...ctx, limits: { ...ctx.limits, ...limits } });

describe('device limits', () => {
  testWithDevice('widths and m across the workgroup and binding limits: the CPU result, or one sentence', async (ctx) => {
    const cases: [string, number[], number, Partial<GpuContext['limits']>][] = [
      ['a layer wider than the workgroups per dimension allow', [3, 700, 1], 9, { maxComputeWorkgroupsPerDimension: 100 }],
      ['m past the workgroups per dimension (chunked)', [3, 8, 1], 5000, { maxComputeWorkgroupsPerDimension: 16 }],
      ['a layer whose Z passes the binding limit', [3, 300, 1], 2000, { maxStorageBufferBindingSize: 64 * 1024 }],
      ['the notebook at m = 24 000 under a small binding limit (chunked)', [13, 64, 32, 16, 1], 24_000, { maxStorageBufferBindingSize: 1 << 20 }],
    ];
    for (const [name, dims, m, limits] of cases) {
      const small = shrink(ctx, limits);
      const params = initialization(dims, { seed: 3 });
      const X = matrix(dims[0], m, values(dims[0] * m, m, 0, 1));
      for (const kernel of ['auto', 'layered'] as const) {
        const backend = await createGpuBackend(small, params, { kernel });
        try {
          const got = await backend.forward(X).then(
            (r) => r.out,
            (e: unknown) => e,
          );
          if (got instanceof Error) {
            expect(isUserError(got), `${name} (${kernel}): ${String(got)}`).toBe(true);
            expect(got.message.split('\n')).toHaveLength(1);
            expect(got.message).toMatch(/over this device's/);
          } else {
            expectClose(
              (got as { data: Float32Array }).data,
              feedForward(X, params).yOut.data,
              f32Tolerance(Math.max(...dims), dims.length - 1),
              `${name} (${kernel})`,
            );
          }
        } finally {
          backend.dispose();
        }
      }
    }
  });

  testWithDevice('a wide layer on the real limits is refused in one sentence, not returned as zeros', async (ctx) => {
    // tileN rows of units per workgroup: past 65 535 workgroups in y the kernel would silently skip units.
    const small = shrink(ctx, { maxComputeWorkgroupsPerDimension: 64 });
    const backend = await createGpuBackend(small, initialization([2, 1000, 1], { seed: 1 }), { kernel: 'layered' });
    try {
      const err = await backend.forward(matrix(2, 3, Float64Array.from([1, 2, 3, 4, 5, 6]))).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isUserError(err)).toBe(true);
      expect((err as Error).message).toMatch(/^The dispatch layer 1 .* needs \d+ workgroups in one dimension, over this device's limit of 64; /);
    } finally {
      backend.dispose();
    }
  });
});
