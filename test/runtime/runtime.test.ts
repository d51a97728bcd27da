// The runtime owns the device: it hands out backends and trainers, and close() disposes all of them, then the device.
import { describe, expect, it } from 'vitest';
import { initialization } from '../../src/reference/init.ts';
import { deviceBufferStats } from '../../src/gpu/buffers.ts';
import { matrix } from '../../src/model/matrix.ts';
import { isTrainable } from '../../src/model/trainable.ts';
import { openNodeRuntime } from '../../src/platform/node-runtime.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';

const params = () => initialization([3, 5, 1], { seed: 3 });
const X = matrix(
  3,
  4,
  Float64Array.from({ length: 12 }, (_, i) => i / 12),
);

describe('a CPU runtime', () => {
  it('hands out CPU backends and trainers and refuses work once closed', async () => {
    const runtime = await openNodeRuntime('cpu');
    expect(runtime.kind).toBe('cpu');
    expect(runtime.gpu).toBeNull();
    const backend = await runtime.backend(params());
    expect(backend.kind).toBe('cpu');
    expect((await backend.forward(X)).out.cols).toBe(4);
    expect(isTrainable(await runtime.trainer(params()))).toBe(true);
    runtime.close();
    runtime.close();
    await expect(runtime.backend(params())).rejects.toThrow(/runtime is closed/);
  });
});

describe('a GPU runtime', () => {
  it('closes every backend and trainer it handed out, then the device', async () => {
    const runtime = await openNodeRuntime('gpu');
    const gpu = runtime.gpu!;
    expect(runtime.kind).toBe('gpu');
    const backend = await runtime.backend(params());
    const trainer = await runtime.trainer(params(), { kernel: 'layered' });
    const cpu = createRuntime(null);
    const want = (await (await cpu.backend(params())).forward(X)).out.data;
    const got = (await backend.forward(X)).out.data;
    got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    expect(trainer.kind).toBe('gpu');
    expect(deviceBufferStats(gpu.device).liveBuffers).toBeGreaterThan(0);
    runtime.close();
    expect(deviceBufferStats(gpu.device)).toEqual({ liveBuffers: 0, liveBytes: 0 });
    await gpu.device.lost;
    await expect(runtime.trainer(params())).rejects.toThrow(/runtime is closed/);
  });
});
