// The forward scheduler: uploads X, encodes every layer into one command encoder, submits once, reads back what
// was asked (A_L, or the whole cache), and splits m into chunks where a buffer would outgrow the device's limits.
import { checkInputShape } from '../model/validate.ts';
import { type Matrix, sliceCols, toFloat32 } from '../model/matrix.ts';
import type { Params } from '../model/params.ts';
import type { BufferManager } from './buffers.ts';
import type { Binding } from './dispatch.ts';
import { assertAlive, type GpuContext, lostErrorAfterFailure, withErrorScopes } from './device.ts';
import { encodeMatmulBias, maxMatmulColumns, type MatmulTiling } from './kernels/matmul-bias.ts';
import { encodeRelu } from './kernels/relu.ts';
import { encodeFusedForward, type FusedParams, type FusedVariant } from './kernels/mlp-fused.ts';
import { cacheRowOffsets } from './packing.ts';

/** One layer's parameters on the GPU, in float32: W_l (dims[l], dims[l-1]) and b_l (dims[l]). */
export interface LayerBuffers {
  readonly W: Binding;
  readonly b: Binding;
}

/** Layers in buffers of their own, as {@link uploadParams} makes them. */
export interface OwnedLayerBuffers extends LayerBuffers {
  readonly W: GPUBuffer;
  readonly b: GPUBuffer;
}

/** Uploads every W_l and b_l as float32 storage buffers. */
export function uploadParams(buffers: BufferManager, params: Params): OwnedLayerBuffers[] {
  return params.W.map((W, l) => ({
    W: buffers.upload(`W${l + 1}`, Float32Array.from(W.data)),
    b: buffers.upload(`b${l + 1}`, Float32Array.from(params.b[l])),
  }));
}

/** Kernel choices for the forward pass; the defaults are the fastest, the others exist so tests can run each. */
export interface KernelChoice {
  /** Force one matmul tiling for every layer instead of picking per layer. */
  readonly tiling?: MatmulTiling;
  /** Run ReLU as its own kernel after a Z-only matmul instead of the fused epilogue. */
  readonly separateRelu?: boolean;
  /**
   * 'fused' runs the whole MLP in one kernel (mlp_fused.wgsl), 'layered' one matmul_bias per layer; 'auto' (the
   * default) takes the fused kernel where the widths fit it and no layered option is set.
   */
  readonly kernel?: 'auto' | 'fused' | 'layered';
  /** Which fused kernel, when the fused path runs; defaults to pickFusedVariant (tests force each). */
  readonly fusedVariant?: FusedVariant;
}

/** What {@link encodeForward} needs: the layers, X (dims[0], m), and where each layer's A (and Z) go. */
export interface ForwardEncoding extends KernelChoice {
  readonly dims: readonly number[];
  readonly layers: readonly LayerBuffers[];
  readonly X: GPUBuffer;
  readonly m: number;
  /** A_l for l = 1…L, each at least (dims[l], m); buffers may repeat (ping-pong) when no cache is kept. */
  readonly A: readonly GPUBuffer[];
  /** Z_l for l = 1…L when the cache is wanted; without it, Z is never written (unless separateRelu needs scratch). */
  readonly Z?: readonly GPUBuffer[];
}

/**
 * Encodes the whole forward pass into `encoder` as one compute pass, writing into the caller's buffers. The
 * training code calls this to keep the cache on the GPU; nothing is submitted or read back here.
 */
export function encodeForward(ctx: GpuContext, buffers: BufferManager, encoder: GPUCommandEncoder, f: ForwardEncoding): void {
  const L = f.dims.length - 1;
  if (f.layers.length !== L || f.A.length !== L || (f.Z && f.Z.length !== L)) {
    throw new Error(`encodeForward needs ${L} layers and A (and Z) buffers for dims [${f.dims.join(', ')}].`);
  }
  if (f.separateRelu && !f.Z) throw new Error('encodeForward with separateRelu needs Z buffers.');
  const pass = encoder.beginComputePass({ label: `forward m=${f.m}` });
  let Aprev = f.X;
  for (let l = 0; l < L; l++) {
    const args = {
      W: f.layers[l].W,
      b: f.layers[l].b,
      Aprev,
      n: f.dims[l + 1],
      k: f.dims[l],
      m: f.m,
      tiling: f.tiling,
      label: `layer ${l + 1}`,
    };
    if (f.separateRelu) {
      encodeMatmulBias(ctx, buffers, pass, { ...args, Z: f.Z![l], epilogue: 'z' });
      encodeRelu(ctx, buffers, pass, f.Z![l], f.A[l], f.dims[l + 1] * f.m);
    } else if (f.Z) {
      encodeMatmulBias(ctx, buffers, pass, { ...args, Z: f.Z[l], A: f.A[l], epilogue: 'z+relu' });
    } else {
      encodeMatmulBias(ctx, buffers, pass, { ...args, A: f.A[l], epilogue: 'relu' });
    }
    Aprev = f.A[l];
  }
  pass.end();
}

/** Options of {@link runForward}. */
export interface RunForwardOptions extends KernelChoice {
  /** Read back [Z1, A1, …, ZL, AL], not only A_L. */
  readonly cache?: boolean;
  /** Most examples per chunk; lower it to force chunking (tests). Defaults to what the limits allow. */
  readonly chunkColumns?: number;
  /** Run the whole-MLP kernel on these packed parameters instead of one matmul_bias per layer. */
  readonly fused?: FusedParams;
}

/** A forward pass read back to the CPU, in the (units, m) layout. */
export interface ForwardReadback {
  readonly out: Matrix<Float32Array>;
  readonly cache?: Matrix<Float32Array>[];
}

/**
 * Most examples (columns) one forward chunk takes, even where the binding limits allow more: it bounds the GPU
 * memory a huge X needs (the cache costs 4·2·Σdims bytes per column, plus as much again for read-back).
 */
export const DEFAULT_MAX_CHUNK_COLUMNS = 1 << 17;

/**
 * Largest chunk of examples whose widest buffer fits the binding and buffer limits and one dispatch; the fused
 * kernel's packed cache holds every Z_l and A_l in one buffer.
 */
export function maxChunkColumns(ctx: GpuContext, dims: readonly number[], packedCache = false): number {
  const perBuffer = Math.min(ctx.limits.maxStorageBufferBindingSize, ctx.limits.maxBufferSize);
  const widest = packedCache ? cacheRowOffsets(dims).total : Math.max(...dims);
  return Math.max(1, Math.min(Math.floor(perBuffer / (4 * widest)), maxMatmulColumns(ctx), DEFAULT_MAX_CHUNK_COLUMNS));
}

/**
 * Runs the network on X (dims[0], m) and reads back A_L, or the whole cache; m is chunked transparently. Runs in
 * validation and out-of-memory error scopes: a GPU error is a one-sentence UserError, never a wrong result.
 */
export async function runForward(
  ctx: GpuContext,
  buffers: BufferManager,
  dims: readonly number[],
  layers: readonly LayerBuffers[],
  X: Matrix,
  opts: RunForwardOptions = {},
): Promise<ForwardReadback> {
  assertAlive(ctx);
  checkInputShape(X, dims);
  return withErrorScopes(ctx, `the forward pass of ${X.cols} examples`, () => forwardChunks(ctx, buffers, dims, layers, X, opts));
}

async function forwardChunks(
  ctx: GpuContext,
  buffers: BufferManager,
  dims: readonly number[],
  layers: readonly LayerBuffers[],
  X: Matrix,
  opts: RunForwardOptions,
): Promise<ForwardReadback> {
  assertAlive(ctx);
  checkInputShape(X, dims);
  const m = X.cols;
  const L = dims.length - 1;
  const chunk = Math.max(1, Math.min(opts.chunkColumns ?? Infinity, maxChunkColumns(ctx, dims, !!(opts.fused && opts.cache))));
  const wanted = opts.cache ? 2 * L : 1;
  const rowsOf = (i: number) => dims[(opts.cache ? i >> 1 : L - 1) + 1];
  const outputs = Array.from({ length: wanted }, (_, i) => new Float32Array(rowsOf(i) * m));

  const width = Math.min(chunk, Math.max(1, m));
  const workspace = opts.fused ? allocateFusedWorkspace(buffers, dims, width, opts.cache) : allocateWorkspace(buffers, dims, width, opts);
  try {
    for (let c0 = 0; c0 < m; c0 += chunk) {
      const c1 = Math.min(m, c0 + chunk);
      const part = c0 === 0 && c1 === m ? toFloat32(X) : toFloat32(sliceCols(X, c0, c1));
      ctx.device.queue.writeBuffer(workspace.X, 0, part.data as Float32Array<ArrayBuffer>);
      const mc = c1 - c0;
      const encoder = ctx.device.createCommandEncoder({ label: `forward chunk [${c0}, ${c1})` });
      let sources: GPUBuffer[];
      if (opts.fused) {
        const packed = opts.cache ? workspace.A[0] : undefined;
        encodeFusedForward(ctx, buffers, encoder, {
          params: opts.fused,
          X: workspace.X,
          m: mc,
          out: workspace.out!,
          cache: packed,
          variant: opts.fusedVariant,
        });
        // The packed cache is [Z1, A1, …] back to back: one copy gives the same bytes as copying each in turn.
        sources = [packed ?? workspace.out!];
      } else {
        encodeForward(ctx, buffers, encoder, { ...opts, dims, layers, X: workspace.X, m: mc, A: workspace.A, Z: workspace.Z });
        sources = opts.cache ? workspace.Z!.flatMap((z, l) => [z, workspace.A[l]]) : [workspace.A[L - 1]];
      }
      // Everything asked for goes into one staging buffer, so one map serves the whole chunk.
      const sizes = outputs.map((_, i) => rowsOf(i) * mc);
      const total = sizes.reduce((a, s) => a + s, 0);
      const staging = buffers.acquireStaging(total * 4);
      let offset = 0;
      const perSource = sources.length === 1 ? [total] : sizes;
      sources.forEach((src, i) => {
        encoder.copyBufferToBuffer(src, 0, staging, offset * 4, perSource[i] * 4);
        offset += perSource[i];
      });
      ctx.device.queue.submit([encoder.finish()]);
      const data = await buffers.readStaging(staging, total);
      offset = 0;
      outputs.forEach((output, i) => {
        scatterColumns(data.subarray(offset, offset + sizes[i]), output, rowsOf(i), mc, m, c0);
        offset += sizes[i];
      });
    }
  } catch (e) {
    throw (await lostErrorAfterFailure(ctx)) ?? e;
  } finally {
    for (const b of workspace.owned) buffers.destroy(b);
  }
  const mats = outputs.map((d, i) => ({ rows: rowsOf(i), cols: m, data: d }));
  return opts.cache ? { out: mats[2 * L - 1], cache: mats } : { out: mats[0] };
}

interface Workspace {
  readonly X: GPUBuffer;
  /** The fused kernel's A_L. */
  readonly out?: GPUBuffer;
  readonly A: GPUBuffer[];
  readonly Z?: GPUBuffer[];
  readonly owned: GPUBuffer[];
}

// The fused kernel writes A_L, and with a cache one packed [Z1, A1, …] buffer (passed as A[0]).
function allocateFusedWorkspace(buffers: BufferManager, dims: readonly number[], width: number, cache?: boolean): Workspace {
  const L = dims.length - 1;
  const X = buffers.storage(`X chunk (${dims[0]}x${width})`, dims[0] * width * 4);
  const out = buffers.storage(`A${L} (${dims[L]}x${width})`, dims[L] * width * 4);
  if (!cache) return { X, out, A: [], owned: [X, out] };
  const rows = cacheRowOffsets(dims).total;
  const packed = buffers.storage(`packed cache (${rows}x${width})`, rows * width * 4);
  return { X, out, A: [packed], owned: [X, out, packed] };
}

// Without a cache, two buffers of the widest layer take turns as A_l; with one, every Z_l and A_l is kept.
function allocateWorkspace(buffers: BufferManager, dims: readonly number[], width: number, opts: RunForwardOptions): Workspace {
  const X = buffers.storage(`X chunk (${dims[0]}x${width})`, dims[0] * width * 4);
  if (opts.cache) {
    const Z = dims.slice(1).map((n, l) => buffers.storage(`Z${l + 1} (${n}x${width})`, n * width * 4));
    const A = dims.slice(1).map((n, l) => buffers.storage(`A${l + 1} (${n}x${width})`, n * width * 4));
    return { X, A, Z, owned: [X, ...Z, ...A] };
  }
  const widest = Math.max(...dims.slice(1));
  const ping = [0, 1].map((i) => buffers.storage(`A ping-pong ${i} (${widest}x${width})`, widest * width * 4));
  const A = dims.slice(1).map((_, l) => ping[l % 2]);
  const owned = [X, ...ping];
  if (!opts.separateRelu) return { X, A, owned };
  const scratch = buffers.storage(`Z scratch (${widest}x${width})`, widest * width * 4);
  return { X, A, Z: A.map(() => scratch), owned: [...owned, scratch] };
}

// Copies a (rows, mc) chunk into columns [c0, c0 + mc) of a (rows, m) row-major matrix.
function scatterColumns(chunk: Float32Array, out: Float32Array, rows: number, mc: number, m: number, c0: number): void {
  if (mc === m) {
    out.set(chunk);
    return;
  }
  for (let r = 0; r < rows; r++) out.set(chunk.subarray(r * mc, (r + 1) * mc), r * m + c0);
}
