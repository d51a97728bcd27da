// Opens WebGPU in Node through Dawn (the `webgpu` package): a GPU's own driver, else SwiftShader, a CPU Vulkan, from
// the first source whose loader and ICD load (vulkan-probe.ts: the system's, Debian chromium's, the bundled one).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../errors.ts';
import { type GpuContext, requestGpu, type RequestGpuOptions } from '../gpu/device.ts';
import { nodeShaderLoader } from './node-shaders.ts';
import type { VulkanChoice } from './vulkan-choice.ts';
import { prepareVulkan, swiftShaderFallbackIcd } from './vulkan-probe.ts';

/** The sentence for a machine where neither a GPU driver nor SwiftShader gives an adapter, with what was tried. */
export function noNodeAdapter(choice: VulkanChoice): string {
  return (
    `No WebGPU adapter was found in Node, not even the SwiftShader CPU fallback (${choice.reasons.join('; ')}); ` +
    'install one with `apt-get install -y chromium`, or `npm install -D @sparticuz/chromium`.'
  );
}

// The GPU objects Dawn created: Node cannot exit while one is reachable, so closeNodeGpu drops them.
const openGpus = new Map<GpuContext, GPU>();

async function tryAdapter(opts: RequestGpuOptions, noAdapterMessage: string): Promise<GpuContext | undefined> {
  const { create, globals } = await import('webgpu');
  // GPUBufferUsage, GPUMapMode and friends are globals in a browser; Dawn hands them over instead.
  Object.assign(globalThis, globals);
  const gpu = create([]);
  try {
    const ctx = await requestGpu(gpu, nodeShaderLoader.load(), { ...opts, noAdapterMessage });
    openGpus.set(ctx, gpu);
    return ctx;
  } catch (e) {
    if (e instanceof UserError && e.message === noAdapterMessage) return undefined;
    throw e;
  }
}

// Mesa's loader complains on stderr when XDG_RUNTIME_DIR is unset (as under CI and sudo); a private empty
// directory is all it wants, and nothing is written there.
function quietenVulkanLoader(): void {
  if (!process.env.XDG_RUNTIME_DIR) process.env.XDG_RUNTIME_DIR = mkdtempSync(join(tmpdir(), 'spotify-mlp-xdg-'));
}

/**
 * A GpuContext on the best adapter Dawn finds, after {@link prepareVulkan} chose and loaded a Vulkan loader and
 * driver. Where a GPU device node gave no adapter, retries once with SwiftShader (VK_ICD_FILENAMES must be set
 * before Dawn's instance is created, hence a second instance).
 */
export async function openNodeGpu(opts: RequestGpuOptions = {}): Promise<GpuContext> {
  quietenVulkanLoader();
  const choice = prepareVulkan(); // a forced source that is not there is a UserError already
  const message = noNodeAdapter(choice);
  if (choice.source === 'none') throw new UserError(message);
  const first = await tryAdapter(opts, message);
  if (first) return first;
  const icd = choice.source === 'hardware' ? swiftShaderFallbackIcd() : null;
  if (icd) {
    process.env.VK_ICD_FILENAMES = icd;
    const second = await tryAdapter(opts, message);
    if (second) return second;
  }
  throw new UserError(message);
}

/** Destroys the device and drops Dawn's GPU object so the Node process can exit. */
export function closeNodeGpu(ctx: GpuContext): void {
  ctx.device.destroy();
  openGpus.delete(ctx);
}
