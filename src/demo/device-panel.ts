// The device panel: opens WebGPU, shows the adapter and the limits that matter, or explains why the page runs on the CPU.
import { describeAdapter, type GpuContext } from '../gpu/device.ts';
import { openBrowserRuntime } from '../platform/browser-runtime.ts';
import { openWorkerRuntime } from './worker-runtime.ts';
import type { App } from './app.ts';
import { byId, el, errorText, keyValues } from './dom.ts';
import { demoStatus } from './status.ts';

const MiB = 1024 * 1024;

/** Bytes as MiB/GiB, for buffer limits. */
function bytes(n: number): string {
  return n >= 1024 * MiB ? `${(n / (1024 * MiB)).toFixed(n % (1024 * MiB) === 0 ? 0 : 1)} GiB` : `${Math.round(n / MiB)} MiB`;
}

/**
 * Asks the browser for a WebGPU device and fills the panel. Never throws: without WebGPU the page falls back to
 * the CPU reference, says so in the header badge and explains how to get WebGPU.
 */
export async function initDevicePanel(app: App): Promise<void> {
  const status = demoStatus();
  const info = byId('device-info');
  const badge = byId('backend-badge');
  let reason: string;
  try {
    const { runtime, fallbackReason } = await openBrowserRuntime('auto', { powerPreference: 'high-performance' });
    // Without a device, training and scoring go to the fast CPU backend in a worker: never on the page's thread.
    app.runtime = runtime.gpu === null ? await openWorkerRuntime() : runtime;
    if (runtime.gpu === null) runtime.close();
    reason = fallbackReason ?? '';
  } catch (err) {
    reason = errorText(err);
  }
  const ctx = app.runtime.gpu;
  if (ctx !== null) {
    status.backend = 'gpu';
    status.adapter = { ...ctx.adapter };
    badge.className = 'badge gpu';
    badge.textContent = `GPU: ${ctx.adapter.description || ctx.adapter.architecture || ctx.adapter.vendor || 'WebGPU adapter'}`;
    info.replaceChildren(renderAdapter(ctx));
    void ctx.device.lost.then((lost) => {
      if (lost.reason === 'destroyed') return;
      badge.className = 'badge cpu';
      badge.textContent = 'GPU lost: reload the page';
      status.gpuUnavailable = `The GPU device was lost (${lost.message || lost.reason}); reload the page to get a new one.`;
    });
  } else {
    status.backend = 'cpu';
    status.gpuUnavailable = reason;
    badge.className = 'badge cpu';
    badge.textContent = 'CPU (no WebGPU)';
    info.replaceChildren(el('p', {}, el('strong', {}, 'No WebGPU device: '), reason));
    const note = byId('no-webgpu');
    note.hidden = false;
    note.replaceChildren(
      el(
        'p',
        {},
        el('strong', {}, 'This page is running on the CPU, not on a GPU. '),
        'WebGPU is in Chrome and Edge 113 or newer on Windows, macOS and ChromeOS, in Chrome on Android 12+, in Safari 26, and in ',
        'Firefox 141+ on Windows. On Linux, Chrome needs chrome://flags/#enable-unsafe-webgpu and hardware acceleration turned on ',
        '(chrome://settings/system); the page must come from https or localhost. Everything below still works: training and ',
        'prediction run in float32 WebAssembly in a worker (one thread), the forward pass shown is the float64 CPU reference, ',
        'and the GPU-vs-CPU check is skipped.',
      ),
    );
  }
}

function renderAdapter(ctx: GpuContext): HTMLElement {
  const a = ctx.adapter;
  const l = ctx.limits;
  return el(
    'div',
    { class: 'device-grid' },
    el(
      'div',
      {},
      el('h3', {}, 'Adapter'),
      keyValues([
        ['Adapter', describeAdapter(a)],
        ['Vendor', a.vendor || '(not reported)'],
        ['Architecture', a.architecture || '(not reported)'],
        ['Fallback (software) adapter', a.isFallbackAdapter ? 'yes: timings reflect the CPU, not a GPU' : 'no'],
        ['GPU timestamps', ctx.timestampQuery ? 'available' : 'not available (wall-clock timing)'],
      ]),
    ),
    el(
      'div',
      {},
      el('h3', {}, 'Limits that matter here'),
      keyValues([
        ['Largest storage binding', bytes(l.maxStorageBufferBindingSize)],
        ['Largest buffer', bytes(l.maxBufferSize)],
        ['Workgroup memory', `${(l.maxComputeWorkgroupStorageSize / 1024).toFixed(0)} KiB`],
        ['Invocations per workgroup', String(l.maxComputeInvocationsPerWorkgroup)],
        ['Workgroups per dimension', l.maxComputeWorkgroupsPerDimension.toLocaleString('en-US')],
        ['Storage buffers per stage', String(l.maxStorageBuffersPerShaderStage)],
      ]),
    ),
  );
}
