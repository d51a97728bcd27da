// The WGSL sources as one library (kernel name → text), the one interface through which a platform loads them, and
// the expansion of the library's three directives (WGSL comments, so a missed expansion fails at compile time):
//   //!include NAME   the text of shaders/NAME.wgsl (shared code: train_step, optimizer);
//   //!struct NAME    the declaration of host-shared struct NAME from structs.ts, its one definition;
//   //!bindings       the kernel's binding declarations from its interface (src/gpu/kernels/), its one definition.
import type { KernelInterface } from './kernel-interface.ts';
import { STRUCTS, wgslDeclaration } from './structs.ts';

/** The kernels in shaders/, one per file, keyed by file name without `.wgsl` (e.g. `matmul_bias`). */
export type ShaderLibrary = Readonly<Record<string, string>>;

/** Loads the shader library: Vite's `?raw` imports in the browser, the file system in Node. */
export interface ShaderLoader {
  load(): ShaderLibrary;
}

/** The forward kernels every GpuContext must have. */
export const FORWARD_SHADERS = ['matmul_bias', 'relu'] as const;

/** Builds a library from `path → text` entries, naming each kernel by its file name without directory or `.wgsl`. */
export function libraryFromFiles(files: Readonly<Record<string, string>>): ShaderLibrary {
  const lib: Record<string, string> = {};
  for (const [path, text] of Object.entries(files)) {
    const name = path.replace(/^.*[\\/]/, '').replace(/\.wgsl$/, '');
    lib[name] = text;
  }
  return Object.freeze(lib);
}

/**
 * The WGSL text of kernel `name`, directives expanded, its bindings from `iface`; a missing kernel is a packaging
 * bug, so it is not a UserError.
 */
export function shaderSource(lib: ShaderLibrary, name: string, iface?: KernelInterface): string {
  const text = expandIncludes(lib, name, rawSource(lib, name), [name]);
  return expandDeclarations(name, text, iface);
}

const STRUCT = /^\/\/!struct ([A-Za-z0-9_]+)[ \t]*$/gm;
const BINDINGS = /^\/\/!bindings[ \t]*$/gm;

/** `//!struct NAME` and `//!bindings` in `text` (kernel `name`, includes already expanded) replaced by their WGSL. */
export function expandDeclarations(name: string, text: string, iface?: KernelInterface): string {
  return text
    .replace(STRUCT, (_line, struct: string) => {
      const found = STRUCTS.find((s) => s.name === struct);
      if (!found) throw new Error(`Shader '${name}' asks for struct '${struct}', which src/gpu/structs.ts does not define.`);
      return wgslDeclaration(found);
    })
    .replace(BINDINGS, () => {
      if (!iface) throw new Error(`Shader '${name}' asks for its bindings, but it was compiled without its interface (src/gpu/kernels/).`);
      return iface.wgsl();
    });
}

function rawSource(lib: ShaderLibrary, name: string): string {
  const text = lib[name];
  if (text === undefined) {
    throw new Error(`No shader '${name}' in the library (have: ${Object.keys(lib).join(', ')}).`);
  }
  return text;
}

// WGSL has no includes; a line `//!include NAME` is replaced by the text of shaders/NAME.wgsl, so a struct that
// several kernels share (e.g. train_step) is written once. It is a comment to WGSL, so a missed expansion fails
// loudly at compile time instead of silently.
const INCLUDE = /^\/\/!include ([A-Za-z0-9_]+)[ \t]*$/gm;

function expandIncludes(lib: ShaderLibrary, name: string, text: string, stack: string[]): string {
  return text.replace(INCLUDE, (_line, inc: string) => {
    if (stack.includes(inc)) throw new Error(`Shader '${name}' includes '${inc}' in a cycle (${[...stack, inc].join(' → ')}).`);
    return expandIncludes(lib, inc, rawSource(lib, inc), [...stack, inc]);
  });
}
