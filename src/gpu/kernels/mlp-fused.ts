// mlp_fused: the whole MLP forward in one dispatch, 4 examples (a vec4) per invocation through every layer in
// private memory; packs the parameters into its vec4 layout. The default kernel is generated for the exact dims
// (mlp-fused-gen.ts); the WGSL file (the 'loop' variant) takes any widths up to FUSED.maxWidth.
// WGSL: shaders/mlp_fused.wgsl. CPU twin: feedForward in src/reference/forward.ts.
import type { Params } from '../../model/params.ts';
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { prepareWith } from '../dispatch.ts';
import { F32S, kernelInterface, VEC4S } from '../kernel-interface.ts';
import { cacheRowOffsets, packedBlocks, packFusedParams } from '../packing.ts';
import { getPipeline } from '../pipelines.ts';
import { FusedSizes } from '../structs.ts';
import { generatedSupports, generateFusedKernel, MLP_FUSED_GENERATED } from './mlp-fused-gen.ts';

export const MLP_FUSED = kernelInterface('mlp_fused', [
  ['sizes', 'uniform', 'FusedSizes'],
  ['shape', 'read', 'array<u32>'], // dims, each layer's block offset in P, each Z_l's row offset in the cache
  ['P', 'read', VEC4S],
  ['X', 'read', F32S], // (dims[0], m)
  ['out', 'read_write', F32S], // A_L, (dims[L], m)
  ['cache', 'read_write', F32S], // [Z1, A1, …, ZL, AL], each (dims[l], m)
]);

/** The kernel's workgroup size, and the widest layer its private arrays hold. */
export const FUSED = {
  /** Invocations per workgroup; each carries 4 examples. */
  workgroup: 64,
  /** Widest hidden or output layer, in units (a multiple of 4), the kernel holds; wider nets use the layered kernels. */
  maxWidth: 64,
  /**
   * Fewer workgroups than this at `workgroup` (a training mini-batch of 128 makes one) and the dispatch runs with
   * `smallWorkgroup` invocations of 4 examples each instead, so a small m still spreads over the device's cores:
   * SwiftShader runs each workgroup on one thread, 4 lanes wide. Measured on the Adam epoch at m = 24 000,
   * batch 128 (bench/TRAINING.md): one workgroup of 64, 540–560 ms; workgroups of 4, 450–485 ms.
   */
  minWorkgroups: 8,
  smallWorkgroup: 4,
} as const;

/** The parameters in mlp_fused.wgsl's layout, on the GPU. */
export interface FusedParams {
  readonly dims: readonly number[];
  /** Per layer and group of 4 output units: ceil(k/4)·4 vec4s of weights, then a vec4 of biases. */
  readonly P: GPUBuffer;
  /** dims[0..L], each layer's block offset in P (vec4s), each Z_l's row offset in the packed cache. */
  readonly shape: GPUBuffer;
  /** Models packed back to back in P (K of a sweep or an ensemble; 1 for one network). */
  readonly models: number;
}

/**
 * Whether the fused kernel can run this network: every layer's output fits its private arrays. The input is read
 * straight from X, so it may be of any width (an encoded X such as qple's 173 values).
 */
export function fusedSupports(dims: readonly number[]): boolean {
  return Math.max(...dims.slice(1)) <= FUSED.maxWidth;
}

/** Uploads the packed parameters of one network, or of K networks of the same dims back to back. */
export function uploadFusedParams(buffers: BufferManager, params: Params | readonly Params[]): FusedParams {
  const list: readonly Params[] = Array.isArray(params) ? (params as readonly Params[]) : [params as Params];
  const dims = list[0].dims;
  if (list.some((p) => p.dims.join() !== dims.join())) throw new RangeError('Models packed together need the same dims.');
  const packed = list.map((p) => packFusedParams(p));
  const stride = packedBlocks(dims).size * 4;
  const P = new Float32Array(stride * list.length);
  packed.forEach((p, i) => P.set(p.P, i * stride));
  const shape = packed[0].shape;
  const shapeBuffer = buffers.create('fused shape', shape.byteLength, GPUBufferUsage.STORAGE, true);
  new Uint32Array(shapeBuffer.getMappedRange()).set(shape);
  shapeBuffer.unmap();
  return { dims: [...dims], P: buffers.upload('fused params', P), shape: shapeBuffer, models: list.length };
}

/**
 * Buffers of one fused dispatch: X (dims[0], m), A_L out (dims[L], m) per model, and optionally the packed cache
 * per model; model i's rows start i·dims[L]·m into out and i·rows·m into the cache.
 */
export interface FusedEncoding {
  readonly params: FusedParams;
  readonly X: GPUBuffer;
  readonly m: number;
  readonly out: GPUBuffer;
  /** [Z1, A1, …, ZL, AL] back to back, each (dims[l], m); written only when given. */
  readonly cache?: GPUBuffer;
  /** Which kernel; defaults to {@link pickFusedVariant}. Tests force each one. */
  readonly variant?: FusedVariant;
}

/**
 * 'unrolled' is generated for the exact dims (mlp-fused-gen.ts: inputs unrolled, constant activation indices) with 4
 * examples per invocation; 'unrolled3' the same with 12 (3 vec4s, so one weight load feeds 12 multiply-adds and
 * the 12 accumulators still fit 16 SIMD registers); 'loop' is mlp_fused.wgsl, for any widths up to FUSED.maxWidth.
 */
export type FusedVariant = (typeof FUSED_VARIANTS)[number];

/** Every fused kernel the code can run; `unrolledN` carries 4·N examples per invocation. Tests run each. */
export const FUSED_VARIANTS = ['unrolled', 'unrolled3', 'loop'] as const;

/** The fastest fused kernel that takes these dims (bench/KERNELS.md #20–24). */
export function pickFusedVariant(dims: readonly number[]): FusedVariant {
  return generatedSupports(dims) ? 'unrolled3' : 'loop';
}

/** A fused dispatch's kernel and workgroup size. */
export interface FusedShape {
  readonly variant: FusedVariant;
  readonly workgroup: number;
}

/**
 * The kernel and workgroup size for m examples: the fastest variant in workgroups of FUSED.workgroup, unless that
 * makes fewer than FUSED.minWorkgroups workgroups (a mini-batch); then FUSED.smallWorkgroup invocations per
 * workgroup, and 4 examples per invocation where the variant was not forced, so the batch spreads over the cores.
 */
export function pickFusedShape(dims: readonly number[], m: number, forced?: FusedVariant): FusedShape {
  const variant = forced ?? pickFusedVariant(dims);
  if (Math.ceil(m / (4 * fusedCols(variant) * FUSED.workgroup)) >= FUSED.minWorkgroups) return { variant, workgroup: FUSED.workgroup };
  return { variant: forced ?? (variant === 'unrolled3' ? 'unrolled' : variant), workgroup: FUSED.smallWorkgroup };
}

function fusedPipeline(ctx: GpuContext, dims: readonly number[], { variant, workgroup }: FusedShape, cache: boolean, m: number): GPUComputePipeline {
  if (variant === 'loop') {
    return getPipeline(ctx, {
      shader: MLP_FUSED.kernel,
      bindings: MLP_FUSED,
      substitutions: { MAX_WIDTH: FUSED.maxWidth },
      constants: { WG: workgroup, WRITE_CACHE: cache ? 1 : 0 },
    });
  }
  // Keyed by a hash of the generated code itself; the name is only a label.
  return getPipeline(ctx, {
    shader: `mlp_fused_${variant}[${dims.join(',')}]${cache ? '+cache' : ''}${m % 4 === 0 ? '+aligned' : ''}`,
    source: generateFusedKernel(dims, { cache, cols: fusedCols(variant), aligned: m % 4 === 0 }),
    constants: { WG: workgroup },
  });
}

// Examples per invocation, in vec4s, of each variant.
const fusedCols = (variant: FusedVariant) => (variant === 'unrolled3' ? 3 : 1);

/** Encodes the whole forward pass as one dispatch of ceil(m / (4·workgroup)) workgroups. */
export function encodeFusedForward(ctx: GpuContext, buffers: BufferManager, encoder: GPUCommandEncoder, f: FusedEncoding): void {
  const shape = pickFusedShape(f.params.dims, f.m, f.variant);
  const { variant, workgroup } = shape;
  const pipeline = fusedPipeline(ctx, f.params.dims, shape, !!f.cache, f.m);
  const L = f.params.dims.length - 1;
  const sizes = buffers.uniform(
    FusedSizes.write({ m: f.m, layers: L, paramStride4: packedBlocks(f.params.dims).size, cacheStrideF: cacheRowOffsets(f.params.dims).total * f.m }),
  );
  // The generated kernel has the shape baked in, and binds the cache only when it writes it.
  const entries =
    variant === 'loop'
      ? MLP_FUSED.entries({ sizes, shape: f.params.shape, P: f.params.P, X: f.X, out: f.out, cache: f.cache ?? buffers.sink() })
      : MLP_FUSED_GENERATED.entries({ sizes, P: f.params.P, X: f.X, out: f.out, cache: f.cache ?? null });
  const groups = [Math.ceil(f.m / (4 * fusedCols(variant) * workgroup)), f.params.models] as const;
  const { bindGroup } = prepareWith(ctx, pipeline, entries, groups, `forward (fused, ${variant}) of ${f.m} examples${f.cache ? ' with cache' : ''}`);
  const pass = encoder.beginComputePass({ label: `forward (fused, ${variant}) m=${f.m}` });
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(groups[0], groups[1]);
  pass.end();
}
