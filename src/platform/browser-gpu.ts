// Opens WebGPU in the browser through navigator.gpu, with one sentence when the browser has none.
import { UserError } from '../errors.ts';
import { type GpuContext, requestGpu, type RequestGpuOptions } from '../gpu/device.ts';
import { browserShaderLoader } from './browser-shaders.ts';

/** Why a page has no WebGPU, and what to do about it. */
export const NO_BROWSER_WEBGPU =
  'This browser has no WebGPU (navigator.gpu is missing); use Chrome or Edge 113+, Safari 26 or Firefox 141+ over https or localhost.';

/** A GpuContext from navigator.gpu, with the shaders Vite bundled. */
export async function openBrowserGpu(opts: RequestGpuOptions = {}): Promise<GpuContext> {
  const gpu = typeof navigator === 'undefined' ? undefined : navigator.gpu;
  if (!gpu) throw new UserError(NO_BROWSER_WEBGPU);
  return requestGpu(gpu, browserShaderLoader.load(), {
    ...opts,
    noAdapterMessage: opts.noAdapterMessage ?? 'The browser has WebGPU but offered no adapter; enable hardware acceleration or update the GPU driver.',
  });
}
