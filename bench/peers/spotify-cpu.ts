// Our fast CPU backend (src/fast/) as a benchmark peer: the spotify-mlp peer on a runtime opened with `cpu`.
import type { BackendChoice, Runtime } from '../../src/runtime/runtime.ts';
import type { Peer } from '../types.ts';
import { createSpotifyPeer } from './spotify-mlp.ts';

/** spotify-cpu: the same backend and trainer calls as spotify-mlp, on the runtime that `open('cpu')` gives. */
export async function createSpotifyCpuPeer(open: (choice: BackendChoice) => Promise<Runtime>): Promise<Peer> {
  const runtime = await open('cpu');
  const peer = createSpotifyPeer(runtime);
  return { ...peer, impl: 'spotify-cpu', adapter: runtime.description, dispose: () => runtime.close() };
}
