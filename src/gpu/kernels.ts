// The forward kernels of the design, matmul_bias, relu and relu_mask: prepared as dispatches (the layered trainer
// prepares them once per run) or encoded at once into a pass (the layered forward).
import type { BufferManager } from './buffers.ts';
import { INTERFACES } from './interfaces.ts';
import { type Binding, dispatch1d, encodePrepared, type Prepared, prepareWith } from './dispatch.ts';
import type { GpuContext } from './device.ts';
import { getPipeline } from './pipelines.ts';
import { ElementwiseSizes, LayerSizes } from './structs.ts';
import { ELEMENTWISE_WORKGROUP, MATMUL_TILINGS, type MatmulTiling, pickMatmulTiling, tileM, tileN } from './tuning.ts';

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
    shader: 'matmul_bias',
    constants: {
      WG_M: tiling.wgM,
      WG_N: tiling.wgN,
      TILE_K: tiling.tileK,
      TILED: tiling.tiled ? 1 : 0,
      EPILOGUE: EPILOGUE_CODES[epilogue],
    },
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
  return prepareWith(
    ctx,
    matmulBiasPipeline(ctx, tiling, args.epilogue),
    INTERFACES.matmul_bias.entries({
      sizes,
      W: args.W,
      b: args.b,
      Aprev: args.Aprev,
      Z: needZ ? args.Z! : buffers.sink(),
      A: needA ? args.A! : buffers.sink(),
    }),
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

/** A = relu(Z) (`relu`) or mask = drelu(Z) (`relu_mask`: 1 where Z > 0, else 0) over `count` elements: one kernel, relu.wgsl. */
export function prepareElementwise(
  ctx: GpuContext,
  buffers: BufferManager,
  op: 'relu' | 'relu_mask',
  input: Binding,
  output: Binding,
  count: number,
): Prepared {
  const pipeline = getPipeline(ctx, { shader: 'relu', constants: { WG: ELEMENTWISE_WORKGROUP, MASK: op === 'relu_mask' ? 1 : 0 } });
  const [x, y] = dispatch1d(Math.ceil(count / ELEMENTWISE_WORKGROUP), ctx.limits.maxComputeWorkgroupsPerDimension);
  const sizes = buffers.uniform(ElementwiseSizes.write({ count, rowStride: x * ELEMENTWISE_WORKGROUP }));
  return prepareWith(ctx, pipeline, INTERFACES.relu.entries({ sizes, Z: input, out: output }), [x, y], `${op} (${count})`);
}

/** Encodes A = relu(Z) over `count` elements. */
export function encodeRelu(ctx: GpuContext, buffers: BufferManager, pass: GPUComputePassEncoder, Z: Binding, A: Binding, count: number): void {
  encodePrepared(pass, [prepareElementwise(ctx, buffers, 'relu', Z, A, count)]);
}

/** Encodes mask = drelu(Z) (1 where Z > 0, else 0) over `count` elements. */
export function encodeReluMask(ctx: GpuContext, buffers: BufferManager, pass: GPUComputePassEncoder, Z: Binding, mask: Binding, count: number): void {
  encodePrepared(pass, [prepareElementwise(ctx, buffers, 'relu_mask', Z, mask, count)]);
}
