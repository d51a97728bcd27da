// Runs once before the suite, in vitest's main process: prints where GPU tests and browsers will run, as the first
// line of the test log. Each forked worker makes the same Vulkan choice itself when it opens Dawn
// (src/platform/vulkan-probe.ts); nothing has to be in the environment before a process starts.
import { chooseVulkan, describeVulkan } from '../../src/platform/vulkan-choice.ts';
import { probeVulkan } from '../../src/platform/vulkan-probe.ts';
import { findChromium } from '../../tools/chromium.ts';

export default function setup(): void {
  let vulkan: string;
  try {
    vulkan = describeVulkan(chooseVulkan(probeVulkan())); // chosen, not applied: this process opens no GPU
  } catch (e) {
    vulkan = `Vulkan for Dawn: ${(e as Error).message}`;
  }
  let browser: string;
  try {
    const chromium = findChromium();
    browser = `${chromium.source} chromium ${chromium.executablePath}`;
  } catch (e) {
    browser = `no chromium (${(e as Error).message})`;
  }
  console.log(`[spotify-mlp tests] node ${process.version}, ${process.platform}/${process.arch}; ${vulkan}; browser: ${browser}`);
}
