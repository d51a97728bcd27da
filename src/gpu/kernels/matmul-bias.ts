// matmul_bias: Z = W·Aprev + b for one layer, and/or A = relu(Z) in its epilogue; 4 rows × 4 columns per invocation.
// WGSL: shaders/matmul_bias.wgsl. CPU twin: matmulBias in src/reference/matmul.ts.
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { type Binding, encodePrepared, type Prepared, prepareWith } from '../dispatch.ts';
import { F32S, kernelInterface } from '../kernel-interface.ts';
import { getPipeline } from '../pipelines.ts';
import { LayerSizes } from '../structs.ts';

export const MATMUL_BIAS = kernelInterface('matmul_bias', [
  ['sizes', 'uniform', 'LayerSizes'],
  ['W', 'read', F32S], // (n, k)
  ['b', 'read', F32S], // (n)
  ['Aprev', 'read', F32S], // (k, m)
  ['Z', 'read_write', F32S], // (n, m)
  ['A', 'read_write', F32S], // (n, m), relu(Z)
]);

/** Which block of Z one workgroup computes, and how it reads its inputs. */
export interface MatmulTiling {
  /** A short name for labels, logs and tests. */
  readonly name: string;
  /** Invocations per workgroup along m (the examples). Each owns 4 adjacent columns. */
  readonly wgM: number;
  /** Invocations per workgroup along n (the output units). Each owns 4 rows. */
  readonly wgN: number;
  /** Depth of one k step staged in workgroup memory (tiled only). */
  readonly tileK: number;
  /** Stage W and A through workgroup memory (true), or read storage directly with no barriers (false). */
  readonly tiled: boolean;
}

/** Rows and columns of Z per invocation: its 4 named vec4 accumulators. Fixed by the kernel's code, not tunable. */
export const MATMUL_ROWS = 4;
export const MATMUL_COLS = 4;

/**
 * The variants the scheduler can pick. `tiled` is the classic workgroup-memory kernel for real GPUs; `direct`
 * has no barriers and is what SwiftShader (a CPU) runs fastest (bench/KERNELS.md). Tests run every entry.
 */
export const MATMUL_TILINGS = {
  tiled: { name: 'tiled', wgM: 16, wgN: 4, tileK: 16, tiled: true },
  direct: { name: 'direct', wgM: 64, wgN: 1, tileK: 16, tiled: false },
} as const satisfies Record<string, MatmulTiling>;

/** Columns of Z one workgroup covers: dispatch x is ceil(m / this). */
export function tileM(t: MatmulTiling): number {
  return t.wgM * MATMUL_COLS;
}

/** Rows of Z one workgroup covers: dispatch y is ceil(n / this). */
export function tileN(t: MatmulTiling): number {
  return t.wgN * MATMUL_ROWS;
}

/** The tiling for an adapter: `direct` on CPU implementations such as SwiftShader, `tiled` on real GPUs. */
export function pickMatmulTiling(adapter: { readonly architecture: string; readonly isFallbackAdapter: boolean }): MatmulTiling {
  return adapter.isFallbackAdapter || adapter.architecture === 'swiftshader' ? MATMUL_TILINGS.direct : MATMUL_TILINGS.tiled;
}

/** What matmul_bias writes: Z, Z and A = relu(Z) (fused epilogue), or A alone when no cache is kept. */
export type Epilogue = 'z' | 'z+relu' | 'relu';

const EPILOGUE_CODES: Record<Epilogue, number> = { z: 0, 'z+relu': 1, relu: 2 };

/** One layer for {@link prepareMatmulBias}: W is (n, k), Aprev (k, m); Z and A are (n, m). */
export interface MatmulBiasArgs {
  readonly W: Binding;
  readonly b: Binding;
  readonly Aprev: Binding;
  /** Required unless the epilogue is 'relu'. */
  readonly Z?: Binding;
  /** Required unless the epilogue is 'z'. */
  readonly A?: Binding;
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
    shader: MATMUL_BIAS.kernel,
    bindings: MATMUL_BIAS,
    constants: { WG_M: tiling.wgM, WG_N: tiling.wgN, TILE_K: tiling.tileK, TILED: tiling.tiled ? 1 : 0, EPILOGUE: EPILOGUE_CODES[epilogue] },
  });
}

/** Z = W·Aprev + b (and/or A = relu(Z)) as one dispatch of ceil(m / tileM) × ceil(n / tileN) workgroups. */
export function prepareMatmulBias(ctx: GpuContext, buffers: BufferManager, args: MatmulBiasArgs): Prepared {
  const tiling = args.tiling ?? pickMatmulTiling(ctx.adapter);
  const needZ = args.epilogue !== 'relu';
  const needA = args.epilogue !== 'z';
  if ((needZ && !args.Z) || (needA && !args.A)) {
    throw new Error(`matmul_bias with epilogue '${args.epilogue}' is missing its output buffer.`);
  }
  const label = `${args.label ?? 'matmul_bias'} (${args.n}x${args.k}·${args.k}x${args.m}, ${tiling.name}, ${args.epilogue})`;
  const sizes = buffers.uniform(LayerSizes.write({ n: args.n, k: args.k, m: args.m }));
  const Z = needZ ? args.Z! : buffers.sink();
  const A = needA ? args.A! : buffers.sink();
  const entries = MATMUL_BIAS.entries({ sizes, W: args.W, b: args.b, Aprev: args.Aprev, Z, A });
  return prepareWith(
    ctx,
    matmulBiasPipeline(ctx, tiling, args.epilogue),
    entries,
    [Math.ceil(args.m / tileM(tiling)), Math.ceil(args.n / tileN(tiling))],
    label,
  );
}

/** Encodes {@link prepareMatmulBias}'s dispatch into `pass`. */
export function encodeMatmulBias(ctx: GpuContext, buffers: BufferManager, pass: GPUComputePassEncoder, args: MatmulBiasArgs): void {
  encodePrepared(pass, [prepareMatmulBias(ctx, buffers, args)]);
}

/** Columns one matmul_bias dispatch may cover under the device's workgroup-count limit, whatever the tiling. */
export function maxMatmulColumns(ctx: GpuContext): number {
  const narrowest = Math.min(...Object.values(MATMUL_TILINGS).map(tileM));
  return ctx.limits.maxComputeWorkgroupsPerDimension * narrowest;
}
