// backprop_dz: dZ_{l-1} = (W_lᵀ·dZ_l) ⊙ mask_{l-1}, one invocation per (unit of layer l-1, example).
// WGSL: shaders/backprop_dz.wgsl. CPU twin: the dZ chain of backward in src/reference/backward.ts.
import type { BufferManager } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import { type Binding, type Prepared, prepare } from '../dispatch.ts';
import { F32S, kernelInterface } from '../kernel-interface.ts';
import { LayerSizes } from '../structs.ts';

export const BACKPROP_DZ = kernelInterface('backprop_dz', [
  ['sizes', 'uniform', 'LayerSizes'],
  ['W', 'read', F32S], // W_l (n, k)
  ['dZ', 'read', F32S], // dZ_l (n, m)
  ['mask', 'read', F32S], // mask_{l-1} (k, m)
  ['dZprev', 'read_write', F32S], // dZ_{l-1} (k, m)
]);

/** Invocations per workgroup along m; y is the unit of layer l-1. */
export const BACKPROP_WORKGROUP = 64;

/** dZprev = (Wᵀ·dZ) ⊙ maskPrev, (k, m), as ceil(m / workgroup) × k workgroups. */
export function prepareBackpropDz(
  ctx: GpuContext,
  buffers: BufferManager,
  a: { W: Binding; dZ: Binding; mask: Binding; dZprev: Binding; n: number; k: number; m: number; label: string },
): Prepared {
  const maxX = ctx.limits.maxComputeWorkgroupsPerDimension;
  const groups: [number, number] = [Math.ceil(a.m / BACKPROP_WORKGROUP), a.k];
  if (groups[0] > maxX || groups[1] > maxX) throw new RangeError(`backprop_dz over (${a.k}, ${a.m}) needs more than ${maxX} workgroups in one dimension.`);
  return prepare(
    ctx,
    BACKPROP_DZ,
    { sizes: buffers.uniform(LayerSizes.write({ n: a.n, k: a.k, m: a.m })), W: a.W, dZ: a.dZ, mask: a.mask, dZprev: a.dZprev },
    groups,
    { WG: BACKPROP_WORKGROUP },
    a.label,
  );
}
