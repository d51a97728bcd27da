// relu: A = relu(Z), or with MASK = 1 the notebook's drelu (1 where Z > 0, else 0), element-wise.
// WGSL: shaders/relu.wgsl. CPU twins: relu and reluMask in src/reference/activations.ts.
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { type Binding, dispatch1d, encodePrepared, type Prepared, prepareWith } from '../dispatch.ts';
import { F32S, kernelInterface } from '../kernel-interface.ts';
import { getPipeline } from '../pipelines.ts';
import { ElementwiseSizes } from '../structs.ts';

export const RELU = kernelInterface('relu', [
  ['sizes', 'uniform', 'ElementwiseSizes'],
  ['Z', 'read', F32S],
  ['out', 'read_write', F32S],
]);

/** Invocations per workgroup, one element each. */
export const RELU_WORKGROUP = 64;

/** A = relu(Z) (`relu`) or mask = drelu(Z) (`relu_mask`) over `count` elements, folded into y past the limit. */
export function prepareElementwise(
  ctx: GpuContext,
  buffers: BufferManager,
  op: 'relu' | 'relu_mask',
  input: Binding,
  output: Binding,
  count: number,
): Prepared {
  const pipeline = getPipeline(ctx, { shader: RELU.kernel, bindings: RELU, constants: { WG: RELU_WORKGROUP, MASK: op === 'relu_mask' ? 1 : 0 } });
  const [x, y] = dispatch1d(Math.ceil(count / RELU_WORKGROUP), ctx.limits.maxComputeWorkgroupsPerDimension);
  const sizes = buffers.uniform(ElementwiseSizes.write({ count, rowStride: x * RELU_WORKGROUP }));
  return prepareWith(ctx, pipeline, RELU.entries({ sizes, Z: input, out: output }), [x, y], `${op} (${count})`);
}

/** Encodes A = relu(Z) over `count` elements. */
export function encodeRelu(ctx: GpuContext, buffers: BufferManager, pass: GPUComputePassEncoder, Z: Binding, A: Binding, count: number): void {
  encodePrepared(pass, [prepareElementwise(ctx, buffers, 'relu', Z, A, count)]);
}

/** Encodes mask = drelu(Z) (1 where Z > 0, else 0) over `count` elements. */
export function encodeReluMask(ctx: GpuContext, buffers: BufferManager, pass: GPUComputePassEncoder, Z: Binding, mask: Binding, count: number): void {
  encodePrepared(pass, [prepareElementwise(ctx, buffers, 'relu_mask', Z, mask, count)]);
}
