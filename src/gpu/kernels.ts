// Compiles WGSL into compute pipelines (cached per device) and encodes the forward kernels into a compute pass.
import type { BufferManager } from './buffers.ts';
import { assertAlive, type GpuContext } from './device.ts';
import { shaderSource } from './shaders.ts';
import {
  ELEMENTWISE_WORKGROUP,
  MATMUL_TILINGS,
  type MatmulTiling,
  pickMatmulTiling,
  tileM,
  tileN,
} from './tuning.ts';

/** Everything that shapes one pipeline's code; two equal specs share one pipeline. */
export interface PipelineSpec {
  /** Kernel name in the shader library (its file name in shaders/ without `.wgsl`). */
  readonly shader: string;
  /** WGSL `override` values, passed through the pipeline's `constants:`. */
  readonly constants?: Readonly<Record<string, number>>;
  /**
   * New values for `const NAME: u32 = …u;` lines, for the few sizes WGSL requires to be const (function-scope
   * array lengths). mlp_fused's MAX_WIDTH is the only one used.
   */
  readonly substitutions?: Readonly<Record<string, number>>;
  /** Generated WGSL to compile instead of the library's; `shader` must then name this exact code (it is the key). */
  readonly source?: string;
}

const pipelineCaches = new WeakMap<GPUDevice, Map<string, GPUComputePipeline>>();

let printShaders = typeof process !== 'undefined' && process.env?.SPOTIFY_MLP_PRINT_SHADER === '1';

/** Prints each pipeline's final WGSL and constants when it is compiled (also env SPOTIFY_MLP_PRINT_SHADER=1). */
export function setPrintShaders(on: boolean): void {
  printShaders = on;
}

function sortedEntries(o: Readonly<Record<string, number>> | undefined): [string, number][] {
  return Object.entries(o ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The cache key of a pipeline: kernel name, substitutions and override constants (tfjs's makeShaderKey). */
export function pipelineKey(spec: PipelineSpec): string {
  const part = (o?: Readonly<Record<string, number>>) => sortedEntries(o).map(([k, v]) => `${k}=${v}`).join(',');
  return `${spec.shader}|${part(spec.substitutions)}|${part(spec.constants)}`;
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
    const code = applySubstitutions(spec.source ?? shaderSource(ctx.shaders, spec.shader), spec.substitutions);
    if (printShaders) console.log(`[spotify-mlp] WGSL for ${key}:\n${code}`);
    const module = ctx.device.createShaderModule({ label: `${spec.shader} module`, code });
    pipeline = ctx.device.createComputePipeline({
      label: `${key} pipeline`,
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

/** Splits `groups` workgroups into (x, y) so neither exceeds the per-dimension limit; shaders fold y back in. */
export function dispatch1d(groups: number, maxPerDimension: number): [number, number] {
  if (groups <= maxPerDimension) return [Math.max(1, groups), 1];
  const y = Math.ceil(groups / maxPerDimension);
  return [Math.ceil(groups / y), y];
}

/** What matmul_bias writes: Z, Z and A = relu(Z) (fused epilogue), or A alone when no cache is kept. */
export type Epilogue = 'z' | 'z+relu' | 'relu';

const EPILOGUE_CODES: Record<Epilogue, number> = { z: 0, 'z+relu': 1, relu: 2 };

/** One layer for {@link encodeMatmulBias}: W is (n, k), Aprev (k, m); Z and A are (n, m). */
export interface MatmulBiasArgs {
  readonly W: GPUBuffer;
  readonly b: GPUBuffer;
  readonly Aprev: GPUBuffer;
  /** Required unless the epilogue is 'relu'. */
  readonly Z?: GPUBuffer;
  /** Required unless the epilogue is 'z'. */
  readonly A?: GPUBuffer;
  readonly n: number;
  readonly k: number;
  readonly m: number;
  readonly epilogue: Epilogue;
  /** Defaults to {@link pickMatmulTiling} for the context's adapter. */
  readonly tiling?: MatmulTiling;
  /** Names the layer in labels, e.g. 'layer 2'. */
  readonly label?: string;
}

/** The pipeline matmul_bias uses for this tiling and epilogue. */
export function matmulBiasPipeline(ctx: GpuContext, tiling: MatmulTiling, epilogue: Epilogue): GPUComputePipeline {
  return getPipeline(ctx, {
    shader: 'matmul_bias',
    constants: {
      WG_M: tiling.wgM, WG_N: tiling.wgN, TILE_K: tiling.tileK, TILED: tiling.tiled ? 1 : 0, EPILOGUE: EPILOGUE_CODES[epilogue],
    },
  });
}

/** Encodes Z = W·Aprev + b (and/or A = relu(Z)) into `pass`; dispatch is ceil(m / tileM) × ceil(n / tileN). */
export function encodeMatmulBias(ctx: GpuContext, buffers: BufferManager, pass: GPUComputePassEncoder, args: MatmulBiasArgs): void {
  const tiling = args.tiling ?? pickMatmulTiling(ctx.adapter);
  const needZ = args.epilogue !== 'relu';
  const needA = args.epilogue !== 'z';
  if ((needZ && !args.Z) || (needA && !args.A)) {
    throw new Error(`matmul_bias with epilogue '${args.epilogue}' is missing its output buffer.`);
  }
  const Z = needZ ? args.Z! : buffers.sink();
  const A = needA ? args.A! : buffers.sink();
  const pipeline = matmulBiasPipeline(ctx, tiling, args.epilogue);
  const label = `${args.label ?? 'matmul_bias'} (${args.n}x${args.k}·${args.k}x${args.m}, ${tiling.name}, ${args.epilogue})`;
  const bindGroup = ctx.device.createBindGroup({
    label,
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: buffers.uniform([args.n, args.k, args.m, 0]) } },
      { binding: 1, resource: { buffer: args.W } },
      { binding: 2, resource: { buffer: args.b } },
      { binding: 3, resource: { buffer: args.Aprev } },
      { binding: 4, resource: { buffer: Z } },
      { binding: 5, resource: { buffer: A } },
    ],
  });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(Math.ceil(args.m / tileM(tiling)), Math.ceil(args.n / tileN(tiling)));
}

/** Columns one matmul_bias dispatch may cover under the device's workgroup-count limit, whatever the tiling. */
export function maxMatmulColumns(ctx: GpuContext): number {
  const narrowest = Math.min(...Object.values(MATMUL_TILINGS).map(tileM));
  return ctx.limits.maxComputeWorkgroupsPerDimension * narrowest;
}

function encodeElementwise(
  ctx: GpuContext,
  buffers: BufferManager,
  pass: GPUComputePassEncoder,
  shader: 'relu' | 'relu_mask',
  input: GPUBuffer,
  output: GPUBuffer,
  count: number,
): void {
  const pipeline = getPipeline(ctx, { shader, constants: { WG: ELEMENTWISE_WORKGROUP } });
  const [x, y] = dispatch1d(Math.ceil(count / ELEMENTWISE_WORKGROUP), ctx.limits.maxComputeWorkgroupsPerDimension);
  const bindGroup = ctx.device.createBindGroup({
    label: `${shader} (${count})`,
    layout: pipeline.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: buffers.uniform([count, x * ELEMENTWISE_WORKGROUP, 0, 0]) } },
      { binding: 1, resource: { buffer: input } },
      { binding: 2, resource: { buffer: output } },
    ],
  });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(x, y);
}

/** Encodes A = relu(Z) over `count` elements. */
export function encodeRelu(ctx: GpuContext, buffers: BufferManager, pass: GPUComputePassEncoder, Z: GPUBuffer, A: GPUBuffer, count: number): void {
  encodeElementwise(ctx, buffers, pass, 'relu', Z, A, count);
}

/** Encodes mask = drelu(Z) (1 where Z > 0, else 0) over `count` elements. */
export function encodeReluMask(ctx: GpuContext, buffers: BufferManager, pass: GPUComputePassEncoder, Z: GPUBuffer, mask: GPUBuffer, count: number): void {
  encodeElementwise(ctx, buffers, pass, 'relu_mask', Z, mask, count);
}
