// The Vulkan choice on every machine state, from made-up probes: what each state shows, and what must be taken.
// machine-states.test.ts makes the same states for real, by hiding libraries.
import { describe, expect, it } from 'vitest';
import { chooseVulkan, describeVulkan, type SwiftShaderSeen, type VulkanProbe } from '../../src/platform/vulkan-choice.ts';

const CHROMIUM: SwiftShaderSeen = { loader: { path: '/usr/lib/chromium/libvulkan.so.1' }, icd: { path: '/usr/lib/chromium/vk_swiftshader_icd.json' } };
const BUNDLED: SwiftShaderSeen = { loader: { path: '/cache/swiftshader/libvulkan.so.1' }, icd: { path: '/cache/swiftshader/vk_swiftshader_icd.json' } };
const NO_CHROMIUM: SwiftShaderSeen = { absent: '/usr/lib/chromium does not exist' };

function probe(over: Partial<Omit<VulkanProbe, 'bundled'>> & { bundled?: SwiftShaderSeen } = {}): VulkanProbe & { bundledLooks: () => number } {
  let looks = 0;
  const bundled = over.bundled ?? BUNDLED;
  return {
    force: 'auto',
    gpuDeviceNode: false,
    system: {},
    chromium: NO_CHROMIUM,
    ...over,
    bundled: () => {
      looks++;
      return bundled;
    },
    bundledLooks: () => looks,
  };
}

describe('chooseVulkan on each machine state', () => {
  it('nothing installed: no system loader, no chromium, so the bundled SwiftShader, its loader loaded by path', () => {
    const c = chooseVulkan(probe());
    expect(c).toMatchObject({ source: 'bundled', loaderPath: BUNDLED.loader!.path, icd: BUNDLED.icd!.path });
    expect(c.reasons).toEqual([
      'system: not taken, no Vulkan loader (libvulkan.so.1)',
      'chromium: not taken, /usr/lib/chromium does not exist',
      `bundled: taken (loader ${BUNDLED.loader!.path}, ICD ${BUNDLED.icd!.path})`,
    ]);
  });

  it("chromium without libvulkan1: the system has chromium's ICD but no loader, so chromium's own loader beside it", () => {
    const p = probe({ system: { icd: CHROMIUM.icd }, chromium: CHROMIUM });
    const c = chooseVulkan(p);
    expect(c).toMatchObject({ source: 'chromium', loaderPath: CHROMIUM.loader!.path, icd: CHROMIUM.icd!.path });
    expect(c.reasons[0]).toBe('system: not taken, no Vulkan loader (libvulkan.so.1)');
    expect(p.bundledLooks(), 'the bundle is not unpacked when an earlier source works').toBe(0);
  });

  it("chromium with libvulkan1: the system loader (by name, nothing preloaded) with chromium's ICD", () => {
    const c = chooseVulkan(probe({ system: { loader: { path: 'libvulkan.so.1' }, icd: CHROMIUM.icd }, chromium: CHROMIUM }));
    expect(c).toMatchObject({ source: 'system', loaderPath: null, icd: CHROMIUM.icd!.path });
    expect(describeVulkan(c)).toMatch(/^Vulkan for Dawn: system \(system: taken/);
  });

  it('a system loader that is there but does not load counts as none, and the reason says why', () => {
    const c = chooseVulkan(probe({ system: { loader: { path: 'libvulkan.so.1', problem: 'file too short' }, icd: CHROMIUM.icd }, chromium: CHROMIUM }));
    expect(c.source).toBe('chromium');
    expect(c.reasons[0]).toBe('system: not taken, its Vulkan loader libvulkan.so.1 does not load: file too short');
  });

  it('an ICD whose library is missing is not taken', () => {
    const broken: SwiftShaderSeen = {
      loader: CHROMIUM.loader,
      icd: { path: CHROMIUM.icd!.path, problem: 'its library /usr/lib/chromium/libvk_swiftshader.so is missing' },
    };
    const c = chooseVulkan(probe({ chromium: broken }));
    expect(c.source).toBe('bundled');
    expect(c.reasons[1]).toMatch(/^chromium: not taken, its SwiftShader ICD .* is unusable: its library .* is missing$/);
  });

  it('a forced choice takes that source, or throws one sentence with the install command', () => {
    const full = { system: { loader: { path: 'libvulkan.so.1' }, icd: CHROMIUM.icd }, chromium: CHROMIUM };
    expect(chooseVulkan(probe({ ...full, force: 'bundled' })).source).toBe('bundled');
    expect(chooseVulkan(probe({ ...full, force: 'chromium' })).loaderPath).toBe(CHROMIUM.loader!.path);
    expect(() => chooseVulkan(probe({ force: 'system' }))).toThrow(
      'SPOTIFY_MLP_SWIFTSHADER=system, but the system SwiftShader cannot be used (no Vulkan ' +
        'loader (libvulkan.so.1)); install it with "apt-get install -y chromium libvulkan1".',
    );
    expect(() => chooseVulkan(probe({ force: 'bundled', bundled: { absent: '@sparticuz/chromium is not installed' } }))).toThrow(
      /npm install -D @sparticuz\/chromium/,
    );
  });

  it('nothing anywhere: none, with a reason per source', () => {
    const c = chooseVulkan(probe({ bundled: { absent: '@sparticuz/chromium is not installed' } }));
    expect(c.source).toBe('none');
    expect(c.reasons).toHaveLength(3);
  });

  it("a GPU device node uses the GPU's own driver when the system loader loads, else falls to SwiftShader", () => {
    expect(chooseVulkan(probe({ gpuDeviceNode: true, system: { loader: { path: 'libvulkan.so.1' } } }))).toMatchObject({ source: 'hardware', icd: null });
    const c = chooseVulkan(probe({ gpuDeviceNode: true, chromium: CHROMIUM }));
    expect(c.source).toBe('chromium');
    expect(c.reasons[0]).toMatch(/^hardware: a GPU device node, but no system Vulkan loader/);
  });

  it("the user's VK_ICD_FILENAMES is left alone, and still gets the first loader that loads", () => {
    const c = chooseVulkan(probe({ presetIcd: '/my/icd.json', chromium: CHROMIUM }));
    expect(c).toMatchObject({ source: 'preset', icd: null, loaderPath: CHROMIUM.loader!.path });
  });
});
