// The runtime in a page: navigator.gpu, or the fast CPU backend when the browser has no WebGPU (the reference on request).
import { UserError } from '../errors.ts';
import type { RequestGpuOptions } from '../gpu/device.ts';
import { type BackendChoice, createRuntime, type Runtime } from '../runtime/runtime.ts';
import { openBrowserGpu } from './browser-gpu.ts';

/** A runtime and, when `auto` fell back to the CPU, the sentence saying why. */
export interface BrowserRuntime {
  readonly runtime: Runtime;
  readonly fallbackReason: string | null;
}

/** Opens a runtime on navigator.gpu; `auto` falls back to the fast CPU backend (with the reason), `gpu` throws. */
export async function openBrowserRuntime(choice: BackendChoice = 'auto', opts: RequestGpuOptions = {}): Promise<BrowserRuntime> {
  if (choice === 'cpu' || choice === 'reference') {
    return { runtime: createRuntime(null, undefined, choice === 'cpu' ? 'fast' : 'reference'), fallbackReason: null };
  }
  try {
    const ctx = await openBrowserGpu(opts);
    return { runtime: createRuntime(ctx, () => ctx.device.destroy()), fallbackReason: null };
  } catch (err) {
    if (choice === 'gpu' || !(err instanceof UserError)) throw err;
    return { runtime: createRuntime(null, undefined, 'fast'), fallbackReason: err.message };
  }
}
