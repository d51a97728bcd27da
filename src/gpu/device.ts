// Turns a GPU (navigator.gpu or Dawn's) into a GpuContext: adapter facts, the limits we rely on, loss tracking.
import { UserError } from '../errors.ts';
import { FORWARD_SHADERS, type ShaderLibrary } from './shaders.ts';

/** What the adapter says about itself; printed in logs and benchmark records. */
export interface AdapterSummary {
  readonly vendor: string;
  readonly architecture: string;
  readonly device: string;
  readonly description: string;
  readonly isFallbackAdapter: boolean;
}

/** The device limits the scheduler plans with (requested at the adapter's maximum). */
export interface GpuLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxComputeWorkgroupStorageSize: number;
  readonly maxComputeInvocationsPerWorkgroup: number;
  readonly maxComputeWorkgroupsPerDimension: number;
  readonly maxStorageBuffersPerShaderStage: number;
}

/** An open device plus everything the kernels and the scheduler need to know about it. */
export interface GpuContext {
  readonly device: GPUDevice;
  readonly adapter: AdapterSummary;
  readonly limits: GpuLimits;
  /** Whether `timestamp-query` was enabled, so benchmarks may time passes on the GPU. */
  readonly timestampQuery: boolean;
  readonly shaders: ShaderLibrary;
  /** One line naming the adapter, e.g. for logs. */
  readonly description: string;
  /** Set once the device is lost or destroyed; every later GPU call then throws {@link deviceLostError}. */
  readonly lost: GPUDeviceLostInfo | undefined;
}

/** Options of {@link requestGpu}. */
export interface RequestGpuOptions {
  readonly powerPreference?: GPUPowerPreference;
  /** The sentence thrown when no adapter is found (platforms name their own fix). */
  readonly noAdapterMessage?: string;
}

const LIMIT_NAMES = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBuffersPerShaderStage',
] as const;

/** The one sentence for every call on a lost device. */
export function deviceLostError(ctx: GpuContext): UserError {
  const why = ctx.lost?.message ? ` (${ctx.lost.message.replace(/\.$/, '')})` : '';
  return new UserError(`The GPU device was lost${why}; open a new GPU context (reload the page or restart the command) and try again.`);
}

/** Throws the device-lost UserError if the context can no longer be used. */
export function assertAlive(ctx: GpuContext): void {
  if (ctx.lost) throw deviceLostError(ctx);
}

/**
 * After a GPU call failed: waits briefly for `device.lost` (destroy() resolves it asynchronously) and returns the
 * device-lost UserError if that was the cause, otherwise undefined so the caller rethrows the original error.
 */
export async function lostErrorAfterFailure(ctx: GpuContext, waitMs = 500): Promise<UserError | undefined> {
  if (!ctx.lost) {
    await Promise.race([ctx.device.lost, new Promise((r) => setTimeout(r, waitMs))]);
  }
  return ctx.lost ? deviceLostError(ctx) : undefined;
}

function summarize(adapter: GPUAdapter): AdapterSummary {
  const info = adapter.info;
  // isFallbackAdapter moved from GPUAdapter to GPUAdapterInfo; read whichever this implementation has.
  const fallback = (info as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? false;
  return {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: fallback,
  };
}

/** One line naming the adapter: description, vendor/architecture and whether it is a software fallback. */
export function describeAdapter(a: AdapterSummary): string {
  const name = a.description || a.device || 'unnamed adapter';
  const arch = [a.vendor, a.architecture].filter(Boolean).join('/');
  return `${name}${arch ? ` (${arch})` : ''}${a.isFallbackAdapter ? ', software fallback' : ''}`;
}

/** Opens an adapter and a device with the adapter's largest buffer limits, and `timestamp-query` when offered. */
export async function requestGpu(gpu: GPU, shaders: ShaderLibrary, opts: RequestGpuOptions = {}): Promise<GpuContext> {
  for (const name of FORWARD_SHADERS) {
    if (shaders[name] === undefined) throw new Error(`The shader library lacks '${name}'.`);
  }
  const adapter = await gpu.requestAdapter({ powerPreference: opts.powerPreference ?? 'high-performance' });
  if (!adapter) {
    throw new UserError(opts.noAdapterMessage ?? 'No WebGPU adapter was found; use a browser or driver with WebGPU enabled.');
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMIT_NAMES) requiredLimits[name] = adapter.limits[name];
  const timestampQuery = adapter.features.has('timestamp-query');
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      label: 'spotify-mlp device',
      requiredLimits,
      requiredFeatures: timestampQuery ? ['timestamp-query'] : [],
    });
  } catch (cause) {
    throw new UserError(`The WebGPU adapter refused to open a device (${String(cause)}); update the GPU driver or browser.`, { cause });
  }
  const limits = {} as Record<(typeof LIMIT_NAMES)[number], number>;
  for (const name of LIMIT_NAMES) limits[name] = device.limits[name];
  const summary = summarize(adapter);
  const ctx: { -readonly [K in keyof GpuContext]: GpuContext[K] } = {
    device,
    adapter: summary,
    limits,
    timestampQuery,
    shaders,
    description: describeAdapter(summary),
    lost: undefined,
  };
  void device.lost.then((info) => {
    ctx.lost = info;
  });
  return ctx;
}

/**
 * Runs `work` (which encodes and submits) inside validation and out-of-memory error scopes, so a GPU error can
 * never pass as a result: out of memory becomes a one-sentence UserError, a validation error one that says it is
 * our bug, and a lost device the device-lost sentence.
 */
export async function withErrorScopes<T>(ctx: GpuContext, what: string, work: () => Promise<T>): Promise<T> {
  assertAlive(ctx);
  ctx.device.pushErrorScope('out-of-memory');
  ctx.device.pushErrorScope('validation');
  let result: T | undefined;
  let failure: unknown;
  try {
    result = await work();
  } catch (e) {
    failure = e;
  }
  // Both scopes popped at once (the pops take effect in call order), so the check costs one round trip to the GPU
  // process, not two: in Chromium each is an IPC that a full-batch step otherwise waits for (bench, train-step).
  const [validation, oom] = await Promise.all([ctx.device.popErrorScope(), ctx.device.popErrorScope()].map((p) => p.catch(() => null)));
  if (ctx.lost) throw deviceLostError(ctx);
  if (failure !== undefined) throw failure; // eslint-disable-line @typescript-eslint/only-throw-error -- rethrown as caught
  if (oom) throw new UserError(`The GPU ran out of memory while ${what} (${firstLine(oom.message)}); use fewer examples, units or models per call.`);
  if (validation)
    throw new UserError(`The GPU refused ${what} (${firstLine(validation.message)}); this is a bug in spotify-mlp, so please report it with this message.`);
  return result as T;
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/\.$/, '');
}
