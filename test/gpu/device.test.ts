// The device layer: the adapter is named, buffers are counted and pooled, and a lost device gives one sentence.
import { describe, expect, it } from 'vitest';
import { initialization } from '../../src/reference/init.ts';
import { isUserError } from '../../src/errors.ts';
import { BufferManager, deviceBufferStats } from '../../src/gpu/buffers.ts';
import { describeAdapter } from '../../src/gpu/device.ts';
import { libraryFromFiles, shaderSource } from '../../src/gpu/shaders.ts';
import { matrix } from '../../src/model/matrix.ts';
import { noNodeAdapter } from '../../src/platform/node-gpu.ts';
import { openTestRuntime, testWithDevice } from '../helpers/gpu.ts';

describe('GPU context', () => {
  testWithDevice('names the adapter and plans with the limits it granted', async (ctx) => {
    expect(ctx.description.length).toBeGreaterThan(0);
    expect(ctx.description).toBe(describeAdapter(ctx.adapter));
    expect(ctx.limits.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(128 * 2 ** 20);
    expect(ctx.device.limits.maxStorageBufferBindingSize).toBe(ctx.limits.maxStorageBufferBindingSize);
    expect(Object.keys(ctx.shaders)).toEqual(expect.arrayContaining(['matmul_bias', 'relu']));
  });

  it('says what each Vulkan source lacked and how to install the SwiftShader fallback when there is no adapter', () => {
    const message = noNodeAdapter({
      source: 'none',
      loaderPath: null,
      icd: null,
      reasons: ['system: not taken, no Vulkan loader (libvulkan.so.1)', 'chromium: not taken, x'],
    });
    expect(message).toMatch(/apt-get install -y chromium/);
    expect(message).toContain('system: not taken, no Vulkan loader (libvulkan.so.1); chromium: not taken, x');
    expect(message.match(/\. /g), 'one sentence').toBeNull();
  });

  it('names kernels by file name in the shader library', () => {
    expect(Object.keys(libraryFromFiles({ '../../shaders/relu.wgsl': 'x', 'C:\\s\\relu_mask.wgsl': 'y' }))).toEqual(['relu', 'relu_mask']);
  });

  it('expands //!include lines, nested, and refuses cycles and missing files', () => {
    const lib = { k: 'a\n//!include s\nb', s: 'struct S { x: u32 }\n//!include t', t: 'const T = 1;', loop: '//!include loop', bad: '//!include nope' };
    expect(shaderSource(lib, 'k')).toBe('a\nstruct S { x: u32 }\nconst T = 1;\nb');
    expect(() => shaderSource(lib, 'loop')).toThrow(/cycle/);
    expect(() => shaderSource(lib, 'bad')).toThrow(/No shader 'nope'/);
  });
});

describe('BufferManager', () => {
  testWithDevice('counts live buffers and bytes, interns uniforms, pools staging buffers and frees all on dispose', async (ctx) => {
    const buffers = new BufferManager(ctx.device, 'test');
    const a = buffers.storage('a', 10);
    expect(a.size).toBe(12);
    expect(a.label).toBe('test: a');
    expect(buffers.uniform([1, 2, 3, 0])).toBe(buffers.uniform([1, 2, 3, 0]));
    expect(buffers.stats).toEqual({ liveBuffers: 2, liveBytes: 28 });
    expect(deviceBufferStats(ctx.device).liveBuffers).toBe(2);

    const data = Float32Array.from([1, -2, 3.5]);
    const up = buffers.upload('up', data);
    const staging = buffers.acquireStaging(12);
    const encoder = ctx.device.createCommandEncoder();
    encoder.copyBufferToBuffer(up, 0, staging, 0, 12);
    ctx.device.queue.submit([encoder.finish()]);
    expect(Array.from(await buffers.readStaging(staging, 3))).toEqual([1, -2, 3.5]);
    // The read-back returned the staging buffer to the pool, unmapped, so the next request reuses it.
    expect(buffers.acquireStaging(8)).toBe(staging);
    buffers.releaseStaging(staging);

    buffers.destroy(a);
    expect(buffers.stats.liveBuffers).toBe(3);
    buffers.dispose();
    expect(buffers.stats).toEqual({ liveBuffers: 0, liveBytes: 0 });
  });
});

describe('device loss', () => {
  it('turns a forward call on a destroyed device into one UserError sentence', async () => {
    // Its own device: destroying the shared one would break the other tests in this file.
    const runtime = await openTestRuntime();
    const backend = await runtime.backend(initialization([3, 4, 1], { seed: 1 }));
    runtime.gpu!.device.destroy();
    const X = matrix(3, 5, new Float64Array(15).fill(0.5));
    const error = await backend.forward(X).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isUserError(error), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/^The GPU device was lost.*; open a new GPU context .* try again\.$/);
    expect((error as Error).message.split('\n').length).toBe(1);
    runtime.close();
  });
});
