// spotify-mlp in the page: opens navigator.gpu through the project's browser entry point and wraps the GPU backend.
import { createGpuBackend } from '../../src/gpu/backend.ts';
import { createGpuTrainer } from '../../src/gpu/train/trainer.ts';
import { openBrowserGpu } from '../../src/platform/browser-gpu.ts';
import type { Peer } from '../types.ts';
import { createSpotifyPeer } from './spotify-mlp.ts';

/** Our backend and trainer on the page's WebGPU adapter (one device for both). */
export async function createBrowserSpotifyPeer(): Promise<Peer> {
  const ctx = await openBrowserGpu();
  return createSpotifyPeer(ctx.description, (p) => createGpuBackend(ctx, p), (p) => createGpuTrainer(ctx, p));
}
