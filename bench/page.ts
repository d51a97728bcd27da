// The benchmark page: builds the in-browser peers on first use and lets bench/run.ts measure them case by case.
import '@tensorflow/tfjs-backend-webgpu';
import { measureCase, skip } from './cases.ts';
import { createOrtPeer } from './peers/ort-mlp.ts';
import { createTfjsPeer } from './peers/tfjs-mlp.ts';
import type { BenchRecord, Impl, Op, Peer, SkipRecord } from './types.ts';

/** What the page reports about where it runs. */
export interface PageInfo {
  userAgent: string;
  adapter: string;
  isFallbackAdapter: boolean;
  timestampQuery: boolean;
  crossOriginIsolated: boolean;
  threads: number;
}

/** The functions bench/run.ts calls through page.evaluate. */
export interface BenchPageApi {
  info(): Promise<PageInfo>;
  peers(): Promise<{ impl: Impl; ops: Op[] }[]>;
  runCase(impl: Impl, op: Op, m: number, maxRunMs: number): Promise<BenchRecord | SkipRecord>;
}

declare global {
  interface Window {
    bench: BenchPageApi;
  }
}

// Each peer's best setting by default (bench/README.md); `npm run bench -- --page "tfjs-layout=units-m&…"` overrides.
const query = new URLSearchParams(location.search);
const tfjsLayout = query.get('tfjs-layout') === 'units-m' ? 'units-m' : 'rows';
const ortLayout = query.get('ort-layout') === 'units-m' ? 'units-m' : 'rows';
// ORT's wasm threads; multithreading needs the cross-origin isolation the bench server sets up.
const threads = Number(query.get('ort-threads')) || (self.crossOriginIsolated ? navigator.hardwareConcurrency : 1);

const factories: Record<Exclude<Impl, 'cpu-reference'>, () => Promise<Peer>> = {
  'spotify-mlp': async () => (await import('./peers/spotify-browser.ts')).createBrowserSpotifyPeer(),
  'spotify-cpu': async () => (await import('./peers/spotify-browser.ts')).createBrowserSpotifyCpuPeer(),
  'tfjs-webgpu': () => createTfjsPeer('tfjs-webgpu', 'webgpu', tfjsLayout),
  'tfjs-cpu': () => createTfjsPeer('tfjs-cpu', 'cpu', tfjsLayout),
  'ort-webgpu': async () => createOrtPeer('ort-webgpu', { layout: ortLayout, threads }),
  'ort-wasm': async () => createOrtPeer('ort-wasm', { layout: ortLayout, threads }),
};
const OPS_OF: Record<keyof typeof factories, Op[]> = {
  'spotify-mlp': ['forward', 'forward+cache', 'train-step', 'epoch'],
  'spotify-cpu': ['forward', 'forward+cache', 'train-step', 'epoch'],
  'tfjs-webgpu': ['forward', 'forward+cache', 'train-step', 'epoch'],
  'tfjs-cpu': ['forward', 'forward+cache', 'train-step', 'epoch'],
  'ort-webgpu': ['forward'],
  'ort-wasm': ['forward'],
};
const peers = new Map<Impl, Promise<Peer>>();

function peer(impl: Impl): Promise<Peer> {
  if (impl === 'cpu-reference') throw new Error('The CPU reference is measured in Node, not in the page.');
  let p = peers.get(impl);
  if (!p) {
    p = factories[impl]();
    peers.set(impl, p);
  }
  return p;
}

async function describeAdapter(): Promise<Omit<PageInfo, 'userAgent' | 'crossOriginIsolated' | 'threads'>> {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) return { adapter: 'none (no WebGPU adapter)', isFallbackAdapter: false, timestampQuery: false };
  const i = adapter.info;
  const name = [i.vendor, i.architecture, i.device, i.description].filter(Boolean).join(' / ');
  return {
    adapter: name || 'unnamed adapter',
    isFallbackAdapter: (i as GPUAdapterInfo & { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false,
    timestampQuery: adapter.features.has('timestamp-query'),
  };
}

window.bench = {
  async info() {
    return { userAgent: navigator.userAgent, crossOriginIsolated: self.crossOriginIsolated, threads, ...(await describeAdapter()) };
  },
  async peers() {
    return (Object.keys(OPS_OF) as (keyof typeof OPS_OF)[]).map((impl) => ({ impl, ops: OPS_OF[impl] }));
  },
  async runCase(impl, op, m, maxRunMs) {
    const p = await peer(impl);
    if (!p.ops.includes(op)) return skip(impl, 'chromium', op, m, `${impl} does not offer ${op}`);
    return measureCase(p, 'chromium', op, m, maxRunMs);
  },
};
