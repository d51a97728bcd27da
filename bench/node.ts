// The Node side of the benchmark: our backend on Dawn (the CLI's path), our fast CPU backend and the CPU reference, as one CaseRunner.
import { measureCase, skip } from './cases.ts';
import { createCpuReferencePeer } from './peers/cpu-reference.ts';
import { openNodeRuntime } from '../src/platform/node-runtime.ts';
import { createSpotifyCpuPeer } from './peers/spotify-cpu.ts';
import { createSpotifyPeer } from './peers/spotify-mlp.ts';
import type { CaseRunner, Impl, Op, Peer } from './types.ts';

/** What the Node runner found: its peers, and the Dawn adapter (or why there is none). */
export interface NodeRunner extends CaseRunner {
  readonly adapter: string;
}

async function openSpotifyNodePeer(): Promise<{ peer: Peer; adapter: string; close(): void }> {
  const runtime = await openNodeRuntime('gpu');
  return { peer: createSpotifyPeer(runtime), adapter: runtime.gpu!.description, close: () => runtime.close() };
}

/** Opens Dawn (SwiftShader here), the fast CPU backend and the CPU reference; `impls` limits which are offered. */
export async function createNodeRunner(impls: readonly Impl[]): Promise<NodeRunner> {
  const peers = new Map<Impl, Peer>();
  let adapter = 'not opened';
  let close = (): void => {};
  if (impls.includes('spotify-mlp')) {
    const opened = await openSpotifyNodePeer();
    adapter = opened.adapter;
    close = () => opened.close();
    peers.set('spotify-mlp', opened.peer);
  }
  if (impls.includes('spotify-cpu')) peers.set('spotify-cpu', await createSpotifyCpuPeer(openNodeRuntime));
  if (impls.includes('cpu-reference')) peers.set('cpu-reference', createCpuReferencePeer());
  return {
    runtime: 'node',
    adapter,
    async peers() {
      return [...peers.values()].map((p) => ({ impl: p.impl, ops: [...p.ops] }));
    },
    async runCase(impl: Impl, op: Op, m: number, maxRunMs: number) {
      const p = peers.get(impl);
      if (!p) return skip(impl, 'node', op, m, `${impl} is not available in Node`);
      return measureCase(p, 'node', op, m, maxRunMs);
    },
    async close() {
      for (const p of peers.values()) await p.dispose();
      close();
    },
  };
}
