// Opens WebGPU in Node through Dawn (the `webgpu` package), falling back to the SwiftShader driver chromium ships.
import { existsSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { type GpuContext, requestGpu, type RequestGpuOptions } from '../gpu/device.ts';
import { nodeShaderLoader } from './node-shaders.ts';

/** Debian's chromium package installs this Vulkan ICD for SwiftShader, a CPU implementation of Vulkan. */
export const SWIFTSHADER_ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** The sentence for a machine where neither a GPU driver nor SwiftShader gives an adapter. */
export const NO_NODE_ADAPTER =
  'No WebGPU adapter was found in Node, not even the SwiftShader CPU fallback; install it with `apt-get install -y chromium libvulkan1`.';

// The GPU objects Dawn created: Node cannot exit while one is reachable, so closeNodeGpu drops them.
const openGpus = new Map<GpuContext, GPU>();

async function tryAdapter(opts: RequestGpuOptions): Promise<GpuContext | undefined> {
  const { create, globals } = await import('webgpu');
  // GPUBufferUsage, GPUMapMode and friends are globals in a browser; Dawn hands them over instead.
  Object.assign(globalThis, globals);
  const gpu = create([]);
  try {
    const ctx = await requestGpu(gpu, nodeShaderLoader.load(), { ...opts, noAdapterMessage: NO_NODE_ADAPTER });
    openGpus.set(ctx, gpu);
    return ctx;
  } catch (e) {
    if (e instanceof UserError && e.message === NO_NODE_ADAPTER) return undefined;
    throw e;
  }
}

/**
 * A GpuContext on the best adapter Dawn finds. Where there is none (no GPU driver, as on CI machines), retries
 * with the SwiftShader ICD; `VK_ICD_FILENAMES` must be set before Dawn's instance is created, hence the second try.
 */
export async function openNodeGpu(opts: RequestGpuOptions = {}): Promise<GpuContext> {
  const first = await tryAdapter(opts);
  if (first) return first;
  if (process.env.VK_ICD_FILENAMES !== SWIFTSHADER_ICD && existsSync(SWIFTSHADER_ICD)) {
    process.env.VK_ICD_FILENAMES = SWIFTSHADER_ICD;
    const second = await tryAdapter(opts);
    if (second) return second;
  }
  throw new UserError(NO_NODE_ADAPTER);
}

/** Destroys the device and drops Dawn's GPU object so the Node process can exit. */
export function closeNodeGpu(ctx: GpuContext): void {
  ctx.device.destroy();
  openGpus.delete(ctx);
}
