// Opens WebGPU in Node through Dawn (the `webgpu` package), falling back to SwiftShader: Debian chromium's, or
// the one @sparticuz/chromium ships (see node-webgpu-env.ts for the variables a process must start with).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { type GpuContext, requestGpu, type RequestGpuOptions } from '../gpu/device.ts';
import { nodeShaderLoader } from './node-shaders.ts';
import { findSwiftShader, hasGpuDeviceNode, SYSTEM_SWIFTSHADER_ICD } from './node-webgpu-env.ts';

export { hasGpuDeviceNode } from './node-webgpu-env.ts';

/** Debian's chromium package installs this Vulkan ICD for SwiftShader, a CPU implementation of Vulkan. */
export const SWIFTSHADER_ICD = SYSTEM_SWIFTSHADER_ICD;

/** The sentence for a machine where neither a GPU driver nor SwiftShader gives an adapter. */
export const NO_NODE_ADAPTER =
  'No WebGPU adapter was found in Node, not even the SwiftShader CPU fallback; install it with `apt-get install -y chromium libvulkan1`, or `npm install -D @sparticuz/chromium` and run through `spotify-mlp` (it sets LD_LIBRARY_PATH and VK_ICD_FILENAMES).';

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

// Mesa's loader complains on stderr when XDG_RUNTIME_DIR is unset (as under CI and sudo); a private empty
// directory is all it wants, and nothing is written there.
function quietenVulkanLoader(): void {
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'spotify-mlp-xdg-'));
}

/**
 * A GpuContext on the best adapter Dawn finds. Where there is none (no GPU driver, as on CI machines), retries
 * with the SwiftShader ICD; `VK_ICD_FILENAMES` must be set before Dawn's instance is created, hence the second try.
 * A machine with no GPU device node at all goes straight to SwiftShader: probing the hardware drivers there
 * finds nothing and only prints Vulkan loader warnings.
 */
export async function openNodeGpu(opts: RequestGpuOptions = {}): Promise<GpuContext> {
  quietenVulkanLoader();
  const chooseDriver = process.env.VK_ICD_FILENAMES === undefined && process.env.VK_DRIVER_FILES === undefined;
  // The system SwiftShader, or the bundled one (SPOTIFY_MLP_SWIFTSHADER forces either). The bundled ICD works
  // in-process only where a libvulkan.so.1 can be loaded: the system's, or the bundled one when this process was
  // started with LD_LIBRARY_PATH pointing at it (the CLI and the test setup do that).
  const swiftShader = (): string | undefined => {
    try {
      return findSwiftShader()?.icd;
    } catch {
      return undefined;
    }
  };
  if (chooseDriver && !hasGpuDeviceNode()) {
    const icd = swiftShader();
    if (icd) process.env.VK_ICD_FILENAMES = icd;
  }
  const first = await tryAdapter(opts);
  if (first) return first;
  const icd = swiftShader();
  if (icd && process.env.VK_ICD_FILENAMES !== icd) {
    process.env.VK_ICD_FILENAMES = icd;
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
