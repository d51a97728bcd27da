// Runs once before the suite, in vitest's main process, before any worker is forked: it gives the workers the
// environment Dawn needs to find SwiftShader (LD_LIBRARY_PATH is read only when a process starts, and forked
// workers inherit this process's env), and prints where GPU tests and browsers will run.
import { findChromium, webgpuProcessEnv } from '../../src/platform/node-webgpu-env.ts';

export default function setup(): void {
  const webgpu = webgpuProcessEnv();
  Object.assign(process.env, webgpu.env);
  let browser: string;
  try {
    const chromium = findChromium();
    browser = `${chromium.source} chromium ${chromium.executablePath}`;
  } catch (e) {
    browser = `no chromium (${(e as Error).message})`;
  }
  const swiftshader = webgpu.env.VK_ICD_FILENAMES ?? process.env.VK_ICD_FILENAMES ?? '-';
  console.log(
    `[spotify-mlp tests] node ${process.version}, ${process.platform}/${process.arch}; ` +
      `Vulkan driver for Dawn: ${webgpu.source} (${swiftshader}); browser: ${browser}`,
  );
}
