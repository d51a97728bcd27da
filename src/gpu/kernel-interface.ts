// The shape of one kernel interface: a kernel's bindings by name, in order, with their WGSL access and type. Each
// kernel defines its own in src/gpu/kernels/, beside its tuning and dispatch shape. From that one definition come
// both sides: the `@group(0) @binding(n) var…` lines that shaders.ts writes where the kernel's WGSL says
// `//!bindings`, and the bind-group entries the host passes by name (entries()). The structs those bindings carry
// are declared once too, in structs.ts. So neither a binding nor a struct is written twice.
import type { Binding } from './dispatch.ts';

/** How a kernel reads a binding. */
export type Access = 'uniform' | 'read' | 'read_write';

/** One binding: its variable name in WGSL, access and WGSL type; its number is its place in the list. */
export type BindingSpec = readonly [name: string, access: Access, type: string];

/** A kernel's bindings, and both things derived from them. */
export interface KernelInterface<N extends string = string> {
  /** The kernel's file name in shaders/ without `.wgsl` (or the generated kernel's name). */
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

/** The binding names of an interface, for the host's calls. */
export type BindingsOf<I> = I extends KernelInterface<infer N> ? N : never;

/** WGSL types the interfaces use most. */
export const F32S = 'array<f32>';
export const VEC4S = 'array<vec4<f32>>';

/** Kernel `kernel`'s interface from its bindings in binding order. */
export function kernelInterface<N extends string>(kernel: string, bindings: readonly (readonly [N, Access, string])[]): KernelInterface<N> {
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
        const wrong = [...unknown.map((u) => `${u} (unknown)`), ...missing.map((m) => `${m} (missing)`)];
        throw new Error(`${kernel}: bindings ${wrong.join(', ')}.`);
      }
      return names.map((n) => bound[n]);
    },
  };
}
