// Compiles WGSL from shaders/ (or generated code) into compute pipelines, once per device and code-shaping key.
import { assertAlive, type GpuContext } from './device.ts';
import type { KernelInterface } from './kernel-interface.ts';
import { shaderSource } from './shaders.ts';

/** Everything that shapes one pipeline's code; two equal specs share one pipeline. */
export interface PipelineSpec {
  /** Kernel name in the shader library (its file name in shaders/ without `.wgsl`). */
  readonly shader: string;
  /** The kernel's interface, whose bindings replace its `//!bindings` line (src/gpu/kernels/). */
  readonly bindings?: KernelInterface;
  /** WGSL `override` values, passed through the pipeline's `constants:`. */
  readonly constants?: Readonly<Record<string, number>>;
  /**
   * New values for `const NAME: u32 = …u;` lines, for the few sizes WGSL requires to be const (function-scope
   * array lengths). mlp_fused's MAX_WIDTH is the only one used.
   */
  readonly substitutions?: Readonly<Record<string, number>>;
  /** Generated WGSL to compile instead of the library's; the cache key is a hash of this text, `shader` only labels it. */
  readonly source?: string;
}

const pipelineCaches = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

/** SPOTIFY_MLP_PRINT_SHADER=1 prints each pipeline's final WGSL and constants when it is compiled. */
const printShaders = typeof process !== 'undefined' && process.env?.SPOTIFY_MLP_PRINT_SHADER === '1';

function sortedEntries(o: Readonly<Record<string, number>> | undefined): [string, number][] {
  return Object.entries(o ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The cache key of a pipeline: the kernel's name (or, for generated code, a hash of the code itself, so a stale
 * pipeline cannot come back under a reused name), substitutions and override constants (tfjs's makeShaderKey).
 */
export function pipelineKey(spec: PipelineSpec): string {
  const part = (o?: Readonly<Record<string, number>>) =>
    sortedEntries(o)
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
  const code = spec.source === undefined ? spec.shader : `generated:${sourceHash(spec.source)}`;
  return `${code}|${part(spec.substitutions)}|${part(spec.constants)}`;
}

const hashes = new Map<string, string>();

/** A 64-bit FNV-1a hash of `text` (two 32-bit lanes), as 16 hex digits; memoized, since generated code is long. */
export function sourceHash(text: string): string {
  let hash = hashes.get(text);
  if (hash === undefined) {
    let h1 = 0x811c9dc5;
    let h2 = 0xcbf29ce4;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
      h2 = Math.imul(h2 ^ c, 0x0100019d) >>> 0;
    }
    hash = h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
    hashes.set(text, hash);
  }
  return hash;
}

/** Rewrites the value of each `const NAME: u32 = …u;` in `text`; a name the shader lacks is a bug. */
export function applySubstitutions(text: string, subs: Readonly<Record<string, number>> | undefined): string {
  let out = text;
  for (const [name, value] of sortedEntries(subs)) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`Substitution ${name}=${value} must be a positive integer.`);
    const re = new RegExp(`const ${name}: u32 = \\d+u;`);
    if (!re.test(out)) throw new Error(`The shader has no 'const ${name}: u32 = …u;' line to substitute.`);
    out = out.replace(re, `const ${name}: u32 = ${value}u;`);
  }
  return out;
}

/** The compute pipeline for `spec` on this context's device, compiled once per device and then cached. */
export function getPipeline(ctx: GpuContext, spec: PipelineSpec): GPUComputePipeline {
  assertAlive(ctx);
  let cache = pipelineCaches.get(ctx.device);
  if (!cache) {
    cache = new Map();
    pipelineCaches.set(ctx.device, cache);
  }
  const key = pipelineKey(spec);
  let pipeline = cache.get(key);
  if (!pipeline) {
    const code = applySubstitutions(spec.source ?? shaderSource(ctx.shaders, spec.shader, spec.bindings), spec.substitutions);
    if (printShaders) console.log(`[spotify-mlp] WGSL for ${key}:\n${code}`);
    const module = ctx.device.createShaderModule({ label: `${spec.shader} module`, code });
    pipeline = ctx.device.createComputePipeline({
      label: `${spec.shader} pipeline (${key})`,
      layout: 'auto',
      compute: { module, entryPoint: 'main', constants: Object.fromEntries(sortedEntries(spec.constants)) },
    });
    cache.set(key, pipeline);
  }
  return pipeline;
}

/** Number of pipelines compiled for this device so far (tests check that the cache is used). */
export function cachedPipelineCount(device: GPUDevice): number {
  return pipelineCaches.get(device)?.size ?? 0;
}
