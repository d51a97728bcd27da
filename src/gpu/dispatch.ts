// One compute dispatch, prepared once (pipeline, bind group, workgroup counts) and encoded many times, and the
// split of a long 1-D dispatch over two dimensions under the device's per-dimension limit.
import type { GpuContext } from './device.ts';
import { getPipeline } from './pipelines.ts';

/** A buffer, or a range of one (offsets must be multiples of 256 bytes, WebGPU's storage-offset alignment). */
export type Binding = GPUBuffer | GPUBufferBinding;

/** One compute dispatch, ready to encode. */
export interface Prepared {
  readonly pipeline: GPUComputePipeline;
  readonly bindGroup: GPUBindGroup;
  readonly groups: readonly [number, number] | readonly [number, number, number];
}

/** Encodes prepared dispatches, in order, into `pass`. */
export function encodePrepared(pass: GPUComputePassEncoder, list: readonly Prepared[]): void {
  for (const d of list) {
    pass.setPipeline(d.pipeline);
    pass.setBindGroup(0, d.bindGroup);
    pass.dispatchWorkgroups(d.groups[0], d.groups[1], d.groups[2] ?? 1);
  }
}

/** Encodes `list` into a compute pass of its own. */
export function encodePass(encoder: GPUCommandEncoder, label: string, list: readonly Prepared[]): void {
  const pass = encoder.beginComputePass({ label });
  encodePrepared(pass, list);
  pass.end();
}

/** A dispatch of `pipeline` over `bindings` (in binding order; `null` skips a binding number). */
export function prepareWith(
  ctx: GpuContext, pipeline: GPUComputePipeline, bindings: readonly (Binding | null)[], groups: Prepared['groups'], label: string,
): Prepared {
  const entries: GPUBindGroupEntry[] = [];
  bindings.forEach((b, binding) => {
    if (b !== null) entries.push({ binding, resource: 'buffer' in b ? b : { buffer: b } });
  });
  const bindGroup = ctx.device.createBindGroup({ label, layout: pipeline.getBindGroupLayout(0), entries });
  return { pipeline, bindGroup, groups };
}

/** A dispatch of library kernel `shader` over `bindings`, with override constants. */
export function prepare(
  ctx: GpuContext, shader: string, bindings: readonly (Binding | null)[], groups: Prepared['groups'],
  constants: Record<string, number>, label: string,
): Prepared {
  return prepareWith(ctx, getPipeline(ctx, { shader, constants }), bindings, groups, label);
}

/** Splits `groups` workgroups into (x, y) so neither exceeds the per-dimension limit; shaders fold y back in. */
export function dispatch1d(groups: number, maxPerDimension: number): [number, number] {
  if (groups <= maxPerDimension) return [Math.max(1, groups), 1];
  const y = Math.ceil(groups / maxPerDimension);
  return [Math.ceil(groups / y), y];
}

/** Workgroups for `count` invocations of `wg`, folded into y past the per-dimension limit (kernels unfold it). */
export function groupsFor(ctx: GpuContext, count: number, wg: number): [number, number] {
  return dispatch1d(Math.max(1, Math.ceil(count / wg)), ctx.limits.maxComputeWorkgroupsPerDimension);
}
