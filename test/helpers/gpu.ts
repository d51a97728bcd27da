// One GPU device per test file, and a wrapper that runs each GPU test in validation and out-of-memory error scopes
// and checks that no buffer outlives it (webgpu-utils' testWithDevice).
import { afterAll, expect, it } from 'vitest';
import { deviceBufferStats } from '../../src/gpu/buffers.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { openNodeRuntime } from '../../src/platform/node-runtime.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';

const OPEN_TIMEOUT_MS = 60_000;

let shared: Promise<Runtime> | undefined;

/**
 * Opens a context on Dawn's adapter, or on SwiftShader where there is no GPU, and fails (never skips) with the
 * platform's one sentence naming `apt-get install -y chromium libvulkan1` when there is none; a hang becomes a failure.
 */
export async function openTestRuntime(): Promise<Runtime> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`No WebGPU adapter answered within ${OPEN_TIMEOUT_MS / 1000} s; check \`apt-get install -y chromium libvulkan1\`.`)),
      OPEN_TIMEOUT_MS,
    );
  });
  try {
    const runtime = await Promise.race([openNodeRuntime('gpu'), timeout]);
    console.log(`[gpu tests] adapter: ${runtime.gpu!.description}`);
    return runtime;
  } finally {
    clearTimeout(timer);
  }
}

/** The GPU runtime this test file shares, opened on first use. */
export function sharedRuntime(): Promise<Runtime> {
  shared ??= openTestRuntime();
  return shared;
}

/** The device of {@link sharedRuntime}. */
export async function sharedGpu(): Promise<GpuContext> {
  return (await sharedRuntime()).gpu!;
}

// Registered while the importing test file is collected, so it runs after that file's last test.
afterAll(async () => {
  const runtime = await shared?.catch(() => undefined);
  runtime?.close();
  shared = undefined;
});

/**
 * A test that gets the shared device, runs inside validation and out-of-memory error scopes that must come back
 * empty, and then requires that every buffer on the device was destroyed.
 */
export function testWithDevice(name: string, fn: (ctx: GpuContext) => Promise<void>, timeout?: number): void {
  it(
    name,
    async () => {
      const ctx = await sharedGpu();
      ctx.device.pushErrorScope('out-of-memory');
      ctx.device.pushErrorScope('validation');
      let failure: unknown;
      try {
        await fn(ctx);
      } catch (e) {
        failure = e;
      }
      const validation = await ctx.device.popErrorScope();
      const oom = await ctx.device.popErrorScope();
      if (failure) throw failure; // eslint-disable-line @typescript-eslint/only-throw-error -- rethrown as caught
      expect(validation?.message, 'WebGPU validation error').toBeUndefined();
      expect(oom?.message, 'WebGPU out-of-memory error').toBeUndefined();
      expect(deviceBufferStats(ctx.device), 'buffers left alive after the test').toEqual({ liveBuffers: 0, liveBytes: 0 });
    },
    timeout,
  );
}
