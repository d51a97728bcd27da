// One definition per kernel interface: each kernel's bindings by name, in order, with their WGSL access and type.
// From it come both sides: the `@group(0) @binding(n) var…` lines that shaders.ts writes where a kernel's WGSL says
// `//!bindings`, and the bind-group entries the host passes by name (entries()). The structs those bindings carry
// are declared once too, in structs.ts, and written into WGSL where a shader says `//!struct NAME`. So neither a
// binding nor a struct is written twice, and host and shader cannot disagree on an order.
import type { Binding } from './dispatch.ts';

/** How a kernel reads a binding. */
export type Access = 'uniform' | 'read' | 'read_write';

/** One binding: its variable name in WGSL, access and WGSL type; its number is its place in the list. */
export type BindingSpec = readonly [name: string, access: Access, type: string];

/** A kernel's bindings, and both things derived from them. */
export interface KernelInterface<N extends string = string> {
  readonly kernel: string;
  readonly bindings: readonly BindingSpec[];
  /** The WGSL declarations, one line per binding; `types` replaces a binding's type (the generated kernel's vec4 I/O). */
  wgsl(types?: Partial<Record<N, string>>): string;
  /**
   * Bind-group entries by binding number from buffers given by name: every name must be given; `null` leaves that
   * binding out (a kernel variant that does not use it). An unknown name is refused.
   */
  entries(bound: Readonly<Record<N, Binding | null>>): (Binding | null)[];
}

function kernelInterface<N extends string>(kernel: string, bindings: readonly (readonly [N, Access, string])[]): KernelInterface<N> {
  const names = bindings.map(([name]) => name);
  return {
    kernel,
    bindings,
    wgsl(types = {}) {
      return bindings
        .map(([name, access, type], n) => {
          const space = access === 'uniform' ? 'uniform' : `storage, ${access}`;
          return `@group(0) @binding(${n}) var<${space}> ${name}: ${(types as Record<string, string | undefined>)[name] ?? type};`;
        })
        .join('\n');
    },
    entries(bound) {
      const given = Object.keys(bound);
      const unknown = given.filter((g) => !names.includes(g as N));
      const missing = names.filter((n) => !(n in bound));
      if (unknown.length > 0 || missing.length > 0) {
        throw new Error(`${kernel}: bindings ${[...unknown.map((u) => `${u} (unknown)`), ...missing.map((m) => `${m} (missing)`)].join(', ')}.`);
      }
      return names.map((n) => bound[n]);
    },
  };
}

const f32s = 'array<f32>';
const vec4s = 'array<vec4<f32>>';

/** Every kernel's interface, by the kernel's name in shaders/ (and the generated forward kernel's). */
export const INTERFACES = {
  relu: kernelInterface('relu', [
    ['sizes', 'uniform', 'ElementwiseSizes'],
    ['Z', 'read', f32s],
    ['out', 'read_write', f32s],
  ]),
  matmul_bias: kernelInterface('matmul_bias', [
    ['sizes', 'uniform', 'LayerSizes'],
    ['W', 'read', f32s], // (n, k)
    ['b', 'read', f32s], // (n)
    ['Aprev', 'read', f32s], // (k, m)
    ['Z', 'read_write', f32s], // (n, m)
    ['A', 'read_write', f32s], // (n, m), relu(Z)
  ]),
  mlp_fused: kernelInterface('mlp_fused', [
    ['sizes', 'uniform', 'FusedSizes'],
    ['shape', 'read', 'array<u32>'], // dims, each layer's block offset in P, each Z_l's row offset in the cache
    ['P', 'read', vec4s],
    ['X', 'read', f32s], // (dims[0], m)
    ['out', 'read_write', f32s], // A_L, (dims[L], m)
    ['cache', 'read_write', f32s], // [Z1, A1, …, ZL, AL], each (dims[l], m)
  ]),
  /** The forward kernel fused-gen.ts generates for exact dims: the shape is baked in; X, out and cache may be vec4s. */
  mlp_fused_generated: kernelInterface('mlp_fused_generated', [
    ['sizes', 'uniform', 'FusedSizes'],
    ['P', 'read', vec4s],
    ['X', 'read', f32s],
    ['out', 'read_write', f32s],
    ['cache', 'read_write', f32s],
  ]),
  train_gather: kernelInterface('train_gather', [
    ['stepInfo', 'uniform', 'Step'],
    ['sizes', 'uniform', 'GatherSizes'],
    ['X', 'read', f32s], // (n0, srcCols)
    ['Y', 'read', f32s], // (nL, srcCols)
    ['order', 'read', 'array<u32>'],
    ['Xb', 'read_write', f32s], // (n0, stride)
    ['Yb', 'read_write', f32s], // (nL, stride)
    ['acts', 'read_write', f32s],
  ]),
  backward_fused: kernelInterface('backward_fused', [
    ['stepInfo', 'uniform', 'Step'],
    ['sizes', 'uniform', 'BackwardSizes'],
    ['table', 'read', 'array<BackwardLayer>'],
    ['WT', 'read', vec4s],
    ['acts', 'read', vec4s],
    ['Yb', 'read', vec4s], // (n_L, stride)
    ['dZ', 'read_write', vec4s],
  ]),
  weight_grad4: kernelInterface('weight_grad4', [
    ['sizes', 'uniform', 'WeightGradSizes'],
    ['table', 'read', 'array<GradLayer>'],
    ['acts', 'read', vec4s],
    ['dZ', 'read', vec4s],
    ['partial', 'read_write', vec4s], // (blocks, chunks, 4 rows)
  ]),
  train_update: kernelInterface('train_update', [
    ['stepInfo', 'uniform', 'Step'],
    ['sizes', 'uniform', 'UpdateSizes'],
    ['hyper', 'uniform', 'array<ModelHyper, MAX_MODELS>'],
    ['maps', 'read', 'array<vec4<u32>>'],
    ['partial', 'read', f32s],
    ['theta', 'read_write', f32s],
    ['grad', 'read_write', f32s],
    ['m1', 'read_write', f32s], // velocity, or Adam's first moment
    ['m2', 'read_write', f32s], // Adam's second moment
    ['P', 'read_write', f32s],
    ['WT', 'read_write', f32s], // backward_fused's transposed copy of W
  ]),
  update_flat: kernelInterface('update_flat', [
    ['stepInfo', 'uniform', 'Step'],
    ['sizes', 'uniform', 'UpdateSizes'],
    ['hyper', 'uniform', 'array<ModelHyper, MAX_MODELS>'],
    ['theta', 'read_write', f32s],
    ['grad', 'read', f32s],
    ['m1', 'read_write', f32s],
    ['m2', 'read_write', f32s],
  ]),
  loss_sum: kernelInterface('loss_sum', [
    ['sizes', 'uniform', 'LossSizes'],
    ['A', 'read', f32s],
    ['Y', 'read', f32s],
    ['acc', 'read_write', f32s],
  ]),
  mse_grad: kernelInterface('mse_grad', [
    ['stepInfo', 'uniform', 'Step'],
    ['sizes', 'uniform', 'OutputGradSizes'],
    ['mask', 'read', f32s],
    ['A', 'read', f32s],
    ['Y', 'read', f32s],
    ['dZ', 'read_write', f32s],
  ]),
  weight_grad: kernelInterface('weight_grad', [
    ['stepInfo', 'uniform', 'Step'],
    ['sizes', 'uniform', 'LayerSizes'],
    ['dZ', 'read', f32s], // (n, m)
    ['Aprev', 'read', f32s], // (k, m)
    ['dW', 'read_write', f32s], // (n, k)
    ['db', 'read_write', f32s], // (n)
  ]),
  backprop_dz: kernelInterface('backprop_dz', [
    ['sizes', 'uniform', 'LayerSizes'],
    ['W', 'read', f32s], // W_l (n, k)
    ['dZ', 'read', f32s], // dZ_l (n, m)
    ['mask', 'read', f32s], // mask_{l-1} (k, m)
    ['dZprev', 'read_write', f32s], // dZ_{l-1} (k, m)
  ]),
} as const;

/** A kernel that has an interface here. */
export type KernelName = keyof typeof INTERFACES;

/** The binding names of kernel `K`, for the host's calls. */
export type BindingsOf<K extends KernelName> = (typeof INTERFACES)[K] extends KernelInterface<infer N> ? N : never;

/** The interface of library kernel `name`, or undefined for shared code (includes) and unknown names. */
export function interfaceOf(name: string): KernelInterface | undefined {
  return (INTERFACES as Record<string, KernelInterface>)[name];
}
