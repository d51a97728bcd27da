// spotify-mlp in the page: opens navigator.gpu through the project's browser runtime and wraps its backends.
import { openBrowserRuntime } from '../../src/platform/browser-runtime.ts';
import type { Peer } from '../types.ts';
import { createSpotifyCpuPeer } from './spotify-cpu.ts';
import { createSpotifyPeer } from './spotify-mlp.ts';

/** Our backend and trainer on the page's WebGPU adapter (one device for both). */
export async function createBrowserSpotifyPeer(): Promise<Peer> {
  const { runtime } = await openBrowserRuntime('gpu');
  return createSpotifyPeer(runtime);
}

/** Our fast CPU backend and trainer in the page (float32, WebAssembly SIMD, one thread, on the page's thread). */
export function createBrowserSpotifyCpuPeer(): Promise<Peer> {
  return createSpotifyCpuPeer(async (choice) => (await openBrowserRuntime(choice)).runtime);
}
