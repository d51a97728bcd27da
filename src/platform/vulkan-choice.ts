// Which Vulkan loader and driver Dawn gets in Node, decided from what the machine showed (vulkan-probe.ts looks):
// a GPU's own driver, else a SwiftShader whose loader and ICD were both found loadable, in the order
// system → Chromium's own loader beside its SwiftShader → the one @sparticuz/chromium ships. Pure: tested on
// every machine state with made-up probes (test/platform/vulkan-choice.test.ts) and on real ones with hidden
// libraries (test/platform/machine-states.test.ts).
import { UserError } from '../errors.ts';

/** Where a Vulkan loader and SwiftShader can come from; `hardware` is a GPU's own driver through the system loader. */
export type VulkanSource = 'hardware' | 'system' | 'chromium' | 'bundled';

/** `SPOTIFY_MLP_SWIFTSHADER`: `auto` (unset) takes the first that works; the others force one. */
export type VulkanForce = 'auto' | 'system' | 'chromium' | 'bundled';

/** The order `auto` tries the SwiftShader sources in. */
const SWIFTSHADER_ORDER: readonly Exclude<VulkanSource, 'hardware'>[] = ['system', 'chromium', 'bundled'];

/** A loader (libvulkan.so.1) or ICD that was looked for: where, and whether it loads; `problem` says why not. */
export interface Found {
  readonly path: string;
  readonly problem?: string;
}

/** One SwiftShader source as the probe saw it: its loader and its ICD, each absent (undefined) or found. */
export interface SwiftShaderSeen {
  /** The libvulkan.so.1 this source would use; for `system`, the one the dynamic linker finds by name. */
  readonly loader?: Found;
  /** The SwiftShader ICD JSON, whose library it names was checked too. */
  readonly icd?: Found;
  /** Why this source was not looked at (e.g. @sparticuz/chromium is not installed). */
  readonly absent?: string;
}

/** What the machine showed. */
export interface VulkanProbe {
  readonly force: VulkanForce;
  /** The user's own `VK_ICD_FILENAMES` or `VK_DRIVER_FILES`, which is always left alone. */
  readonly presetIcd?: string;
  /** A DRM render node or an NVIDIA device node exists. */
  readonly gpuDeviceNode: boolean;
  readonly system: SwiftShaderSeen;
  readonly chromium: SwiftShaderSeen;
  /** Looked at lazily: unpacking the bundle costs seconds the first time, so only when nothing before it works. */
  readonly bundled: () => SwiftShaderSeen;
}

/** What was chosen: the loader to load before Dawn starts (by path; null = the system's, by name) and the ICD. */
export interface VulkanChoice {
  readonly source: VulkanSource | 'preset' | 'none';
  /** Load this libvulkan.so.1 by path before Dawn opens "libvulkan.so.1" (chromium, bundled). */
  readonly loaderPath: string | null;
  /** Set as VK_ICD_FILENAMES (null: leave the variable as it is). */
  readonly icd: string | null;
  /** One line per source considered: taken, or why not. */
  readonly reasons: readonly string[];
}

const usable = (seen: SwiftShaderSeen): string | null => {
  if (seen.absent) return seen.absent;
  if (!seen.loader) return 'no Vulkan loader (libvulkan.so.1)';
  if (seen.loader.problem) return `its Vulkan loader ${seen.loader.path} does not load: ${seen.loader.problem}`;
  if (!seen.icd) return 'no SwiftShader ICD';
  if (seen.icd.problem) return `its SwiftShader ICD ${seen.icd.path} is unusable: ${seen.icd.problem}`;
  return null;
};

const taken = (source: Exclude<VulkanSource, 'hardware'>, seen: SwiftShaderSeen, reasons: string[]): VulkanChoice => {
  reasons.push(`${source}: taken (loader ${seen.loader!.path}, ICD ${seen.icd!.path})`);
  return { source, loaderPath: source === 'system' ? null : seen.loader!.path, icd: seen.icd!.path, reasons };
};

/** The sentence that names the install commands, for a forced source that is not there. */
function forcedMissing(source: Exclude<VulkanSource, 'hardware'>, why: string): string {
  const fix = {
    system: 'install it with "apt-get install -y chromium libvulkan1"',
    chromium: 'install it with "apt-get install -y chromium"',
    bundled: 'run "npm install -D @sparticuz/chromium"',
  }[source];
  return `SPOTIFY_MLP_SWIFTSHADER=${source}, but the ${source} SwiftShader cannot be used (${why}); ${fix}.`;
}

/**
 * The choice for a probed machine. A forced source that cannot be used throws one sentence (a UserError); otherwise the result
 * may be `none`, whose reasons say what each source lacked.
 */
export function chooseVulkan(probe: VulkanProbe): VulkanChoice {
  const reasons: string[] = [];
  if (probe.force !== 'auto') {
    const seen = probe.force === 'bundled' ? probe.bundled() : probe[probe.force];
    const problem = usable(seen);
    if (problem) throw new UserError(forcedMissing(probe.force, problem));
    reasons.push(`forced by SPOTIFY_MLP_SWIFTSHADER=${probe.force}`);
    return taken(probe.force, seen, reasons);
  }
  if (probe.presetIcd !== undefined) {
    // The user named the driver; it still needs a loader, the first that loads.
    for (const source of SWIFTSHADER_ORDER) {
      const loader = (source === 'bundled' ? probe.bundled() : probe[source]).loader;
      if (loader && !loader.problem) {
        reasons.push(`preset: VK_ICD_FILENAMES/VK_DRIVER_FILES is set (${probe.presetIcd}) and left as it is; the ${source} loader ${loader.path} loads it`);
        return { source: 'preset', loaderPath: source === 'system' ? null : loader.path, icd: null, reasons };
      }
    }
    reasons.push(`preset: VK_ICD_FILENAMES/VK_DRIVER_FILES is set (${probe.presetIcd}), but no Vulkan loader (libvulkan.so.1) loads`);
    return { source: 'none', loaderPath: null, icd: null, reasons };
  }
  if (probe.gpuDeviceNode) {
    const loader = probe.system.loader;
    if (loader && !loader.problem) {
      reasons.push(`hardware: a GPU device node and the system loader ${loader.path}; its own driver is used`);
      return { source: 'hardware', loaderPath: null, icd: null, reasons };
    }
    reasons.push('hardware: a GPU device node, but no system Vulkan loader (libvulkan.so.1) loads');
  }
  for (const source of SWIFTSHADER_ORDER) {
    const seen = source === 'bundled' ? probe.bundled() : probe[source];
    const problem = usable(seen);
    if (!problem) return taken(source, seen, reasons);
    reasons.push(`${source}: not taken, ${problem}`);
  }
  return { source: 'none', loaderPath: null, icd: null, reasons };
}

/** The choice in one line, for the test log's first line and `spotify-mlp doctor`. */
export function describeVulkan(choice: VulkanChoice): string {
  return `Vulkan for Dawn: ${choice.source} (${choice.reasons.join('; ')})`;
}
