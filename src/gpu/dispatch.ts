// One compute dispatch, prepared once (pipeline, bind group, workgroup counts) and encoded many times, and the
// split of a long 1-D dispatch over two dimensions under the device's per-dimension limit.
import type { BindingsOf, KernelInterface } from './kernel-interface.ts';
import { UserError } from '../errors.ts';
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

/**
 * Checks a dispatch against the device's limits before it is encoded: workgroups per dimension, the size of every
 * storage binding, and storage buffers per stage. A GPU result is right or it is an error: past a limit a kernel
 * would silently compute nothing, so this throws one sentence naming the limit and what to make smaller.
 */
export function checkDispatch(ctx: GpuContext, groups: Prepared['groups'], bindings: readonly (Binding | null)[], label: string): void {
  const { maxComputeWorkgroupsPerDimension: perDim, maxStorageBufferBindingSize: perBinding, maxStorageBuffersPerShaderStage: perStage } = ctx.limits;
  const worst = Math.max(...groups);
  if (worst > perDim) {
    throw new UserError(
      `The dispatch ${label} needs ${worst} workgroups in one dimension, over this ` +
        `device's limit of ${perDim}; use fewer units per layer or fewer examples per call.`,
    );
  }
  let storage = 0;
  for (const b of bindings) {
    if (b === null) continue;
    const buffer = 'buffer' in b ? b.buffer : b;
    const size = 'buffer' in b ? (b.size ?? buffer.size - (b.offset ?? 0)) : buffer.size;
    if (buffer.usage & GPUBufferUsage.STORAGE) {
      storage++;
      if (size > perBinding) {
        throw new UserError(
          `The dispatch ${label} binds ${(size / 2 ** 20).toFixed(1)} MiB in one buffer, over this device's ` +
            `${(perBinding / 2 ** 20).toFixed(1)} MiB storage-binding limit; use fewer units per layer or fewer examples per call.`,
        );
      }
    }
  }
  if (storage > perStage) {
    throw new UserError(
      `The dispatch ${label} binds ${storage} storage buffers, over this device's limit of ${perStage} per shader stage; this adapter cannot run this kernel.`,
    );
  }
}

/** A dispatch of `pipeline` over `bindings` in binding order (an interface's entries(); `null` skips a number). */
export function prepareWith(
  ctx: GpuContext,
  pipeline: GPUComputePipeline,
  bindings: readonly (Binding | null)[],
  groups: Prepared['groups'],
  label: string,
): Prepared {
  checkDispatch(ctx, groups, bindings, label);
  const entries: GPUBindGroupEntry[] = [];
  bindings.forEach((b, binding) => {
    if (b !== null) entries.push({ binding, resource: 'buffer' in b ? b : { buffer: b } });
  });
  const bindGroup = ctx.device.createBindGroup({ label, layout: pipeline.getBindGroupLayout(0), entries });
  return { pipeline, bindGroup, groups };
}

/** A dispatch of library kernel `iface` over its bindings, given by name, with override constants. */
export function prepare<I extends KernelInterface>(
  ctx: GpuContext,
  iface: I,
  bindings: Readonly<Record<BindingsOf<I>, Binding | null>>,
  groups: Prepared['groups'],
  constants: Record<string, number>,
  label: string,
): Prepared {
  const pipeline = getPipeline(ctx, { shader: iface.kernel, bindings: iface, constants });
  return prepareWith(ctx, pipeline, iface.entries(bindings), groups, label);
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
