// Looks at this machine for vulkan-choice.ts and applies the choice to this process. The system loader is probed
// the way Dawn will open it (dlopen of "libvulkan.so.1" by name); the other loaders and every ICD are checked as
// files (present, an ELF library). The chosen loader is loaded by path, kept loaded, before Dawn starts: Dawn's
// own dlopen by name then finds it already there, so no LD_LIBRARY_PATH and no re-run of the process is needed.
import { existsSync, openSync, readdirSync, readFileSync, readSync, closeSync } from 'node:fs';
import { constants } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { UserError } from '../errors.ts';
import { bundledSwiftShaderDir } from './swiftshader-bundle.ts';
import { chooseVulkan, type Found, type SwiftShaderSeen, type VulkanChoice, type VulkanForce, type VulkanProbe } from './vulkan-choice.ts';

/** Where Debian's chromium package puts its own Vulkan loader, its SwiftShader and that one's ICD. */
const CHROMIUM_LIB_DIR = '/usr/lib/chromium';

/** The folders a system-wide Vulkan ICD is registered in. */
const ICD_DIRS = ['/usr/share/vulkan/icd.d', '/etc/vulkan/icd.d'];

/** The loader's name, as Dawn opens it. */
const LOADER = 'libvulkan.so.1';

// glibc's RTLD_NODELETE (os.constants.dlopen omits it): a failed process.dlopen closes the library, and this keeps
// it loaded. Node's dlopen of a library that is not an addon fails *after* loading it, with this message.
const RTLD_NODELETE = 0x1000;
const LOADED_BUT_NOT_AN_ADDON = /did not self-register|Module did not|not a valid Win32|undefined symbol: napi_register/i;

/** Loads `file` (a path, or a name the dynamic linker looks up) and keeps it loaded; the problem, or null. */
function loadLibrary(file: string): string | null {
  try {
    process.dlopen({ exports: {} }, file, constants.dlopen.RTLD_NOW | RTLD_NODELETE);
    return null;
  } catch (e) {
    const message = String((e as Error).message).split('\n')[0];
    return LOADED_BUT_NOT_AN_ADDON.test(message) ? null : message;
  }
}

/** Present and an ELF shared library, or the problem. */
function elfProblem(path: string): string | undefined {
  if (!existsSync(path)) return 'missing';
  const head = Buffer.alloc(4);
  let fd = -1;
  try {
    fd = openSync(path, 'r');
    if (readSync(fd, head, 0, 4, 0) < 4 || head.toString('latin1') !== '\x7fELF') return 'not an ELF library';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code ?? 'unreadable';
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  return undefined;
}

const fileFound = (path: string): Found | undefined => {
  if (!existsSync(path)) return undefined;
  const problem = elfProblem(path);
  return problem ? { path, problem } : { path };
};

/** The ICD JSON at `path` with the library it names checked; undefined when the JSON does not exist. */
function icdFound(path: string): Found | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const doc = JSON.parse(readFileSync(path, 'utf8')) as { ICD?: { library_path?: string } };
    const lib = doc.ICD?.library_path;
    if (typeof lib !== 'string') return { path, problem: 'it names no library_path' };
    const resolved = isAbsolute(lib) ? lib : join(dirname(path), lib);
    const problem = elfProblem(resolved);
    return problem ? { path, problem: `its library ${resolved} is ${problem}` } : { path };
  } catch (e) {
    return { path, problem: `it is not readable JSON (${(e as Error).message.split('\n')[0]})` };
  }
}

function registeredSwiftShaderIcd(): Found | undefined {
  for (const dir of ICD_DIRS) {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      continue;
    }
    const hit = names.find((n) => /swiftshader/i.test(n) && n.endsWith('.json'));
    if (hit) return icdFound(join(dir, hit));
  }
  return undefined;
}

/** True when the machine shows a device node that a hardware Vulkan driver could open (DRM render node or NVIDIA's). */
function hasGpuDeviceNode(): boolean {
  const list = (dir: string): string[] => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  return list('/dev/dri').some((f) => f.startsWith('renderD')) || list('/dev').some((f) => /^nvidia\d+$/.test(f));
}

/** The `SPOTIFY_MLP_SWIFTSHADER` setting; an unknown value throws one sentence. */
export function vulkanForce(value = process.env.SPOTIFY_MLP_SWIFTSHADER): VulkanForce {
  const v = (value ?? 'auto').trim().toLowerCase();
  if (v === '' || v === 'auto') return 'auto';
  if (v === 'system' || v === 'chromium' || v === 'bundled') return v;
  throw new UserError(`SPOTIFY_MLP_SWIFTSHADER=${value} is not one of auto, system, chromium, bundled.`);
}

/**
 * Looks at this machine. The system loader is loaded by name when `auto` or `system` may take it (a loaded one is
 * what Dawn would get anyway); when it loads, the other sources' ICDs run on it.
 */
export function probeVulkan(force: VulkanForce = vulkanForce()): VulkanProbe {
  const preset = process.env.VK_ICD_FILENAMES ?? process.env.VK_DRIVER_FILES;
  let systemLoader: Found | undefined;
  if (force === 'auto' || force === 'system') {
    const problem = loadLibrary(LOADER);
    systemLoader = problem === null ? { path: LOADER } : /cannot open shared object/.test(problem) ? undefined : { path: LOADER, problem };
  }
  const sharedLoader = systemLoader && !systemLoader.problem ? systemLoader : undefined;
  const chromiumIcd = icdFound(join(CHROMIUM_LIB_DIR, 'vk_swiftshader_icd.json'));
  const system: SwiftShaderSeen = { loader: systemLoader, icd: registeredSwiftShaderIcd() ?? chromiumIcd };
  const chromium: SwiftShaderSeen = existsSync(CHROMIUM_LIB_DIR)
    ? { loader: sharedLoader ?? fileFound(join(CHROMIUM_LIB_DIR, LOADER)), icd: chromiumIcd }
    : { absent: `${CHROMIUM_LIB_DIR} does not exist (Debian's chromium is not installed)` };
  const bundled = (): SwiftShaderSeen => {
    let dir: string | null;
    try {
      dir = bundledSwiftShaderDir();
    } catch (e) {
      return { absent: `the bundled SwiftShader could not be unpacked (${(e as Error).message})` };
    }
    if (!dir) return { absent: '@sparticuz/chromium is not installed' };
    return { loader: sharedLoader ?? fileFound(join(dir, LOADER)), icd: icdFound(join(dir, 'vk_swiftshader_icd.json')) };
  };
  return {
    force,
    ...(preset === undefined ? {} : { presetIcd: preset }),
    gpuDeviceNode: hasGpuDeviceNode(),
    system,
    chromium,
    bundled,
  };
}

let applied: VulkanChoice | undefined;

/**
 * Chooses once per process and applies the choice: loads the chosen loader by path and sets VK_ICD_FILENAMES.
 * Call before Dawn's first instance. A chosen loader that then fails to load moves on to the next source.
 */
export function prepareVulkan(): VulkanChoice {
  if (applied) return applied;
  const choice = chooseVulkan(probeVulkan());
  if (choice.loaderPath && choice.loaderPath.includes('/')) {
    const problem = loadLibrary(choice.loaderPath);
    if (problem) {
      applied = { source: 'none', loaderPath: null, icd: null, reasons: [...choice.reasons, `${choice.source}: its loader failed to load: ${problem}`] };
      return applied;
    }
  }
  if (choice.icd) process.env.VK_ICD_FILENAMES = choice.icd;
  applied = choice;
  return applied;
}

/** The SwiftShader ICD to retry with when a GPU device node gave no adapter; null when there is none. */
export function swiftShaderFallbackIcd(): string | null {
  try {
    return chooseVulkan({ ...probeVulkan(), gpuDeviceNode: false, presetIcd: undefined }).icd;
  } catch {
    return null;
  }
}
