// spotify-mlp in the page: opens navigator.gpu through the project's browser runtime and wraps its backends.
import { browserFastPool } from '../../src/demo/fast-pool.ts';
import { openBrowserRuntime } from '../../src/platform/browser-runtime.ts';
import { createRuntime } from '../../src/runtime/runtime.ts';
import type { Peer } from '../types.ts';
import { createSpotifyCpuPeer } from './spotify-cpu.ts';
import { createSpotifyPeer } from './spotify-mlp.ts';

/** Our backend and trainer on the page's WebGPU adapter (one device for both). */
export async function createBrowserSpotifyPeer(): Promise<Peer> {
  const { runtime } = await openBrowserRuntime('gpu');
  return createSpotifyPeer(runtime);
}

/**
 * Our fast CPU backend and trainer in the page (float32, WebAssembly SIMD): a large forward pass split over the page's
 * pool of workers, one per core (the page is cross-origin isolated, so X goes over in a SharedArrayBuffer); one
 * model's training on the page's thread.
 */
export function createBrowserSpotifyCpuPeer(): Promise<Peer> {
  return createSpotifyCpuPeer(async () => createRuntime(null, undefined, 'fast', browserFastPool()));
}
