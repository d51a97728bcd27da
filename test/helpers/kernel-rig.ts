// A small rig for kernel-level tests: uploads inputs, runs prepared dispatches alone, reads outputs back.
import { BufferManager } from '../../src/gpu/buffers.ts';
import type { GpuContext } from '../../src/gpu/device.ts';
import { encodePass, type Prepared } from '../../src/gpu/dispatch.ts';
import { MAX_MODELS, ModelHyper } from '../../src/gpu/structs.ts';
import type { Tolerance } from './compare.ts';

/** Deterministic values in [lo, hi), rounded to float32 so CPU and GPU start from the same numbers. */
export function values(count: number, seed: number, lo = -1, hi = 1): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: count }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround(lo + ((hi - lo) * s) / 2 ** 32);
  });
}

/** atol + rtol·|ref| for float32 sums of `k` products of values of magnitude up to `scale` (grows with √k). */
export function sumTolerance(k: number, scale = 1): Tolerance {
  const eps = 2 ** -23;
  const grow = 4 * Math.max(1, Math.sqrt(k));
  return { atol: eps * grow * scale, rtol: 4 * eps * grow };
}

/** Buffers and a runner for one test; dispose() frees everything. */
export class KernelRig {
  readonly buffers: BufferManager;

  constructor(readonly ctx: GpuContext) {
    this.buffers = new BufferManager(ctx.device, 'kernel test');
  }

  f32(label: string, data: ArrayLike<number>): GPUBuffer {
    return this.buffers.upload(label, data.length > 0 ? Float32Array.from(data) : new Float32Array(1));
  }

  u32(label: string, data: ArrayBuffer | Uint32Array): GPUBuffer {
    const bytes = data instanceof ArrayBuffer ? data : (data.buffer as ArrayBuffer);
    return this.buffers.upload(label, new Float32Array(bytes));
  }

  /** The uniform array of each model's lr and μ, as the trainer writes it. */
  hyper(models: readonly { lr: number; momentum: number }[]): GPUBuffer {
    const buffer = this.buffers.create('model settings', MAX_MODELS * ModelHyper.bytes, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
    this.ctx.device.queue.writeBuffer(buffer, 0, ModelHyper.table(models));
    return buffer;
  }

  zeros(label: string, floats: number): GPUBuffer {
    return this.buffers.storage(label, Math.max(1, floats) * 4);
  }

  /** Runs `list` (one compute pass each, in order) and reads `outputs` back as float32. */
  async run(list: readonly (Prepared | readonly Prepared[])[], outputs: readonly GPUBuffer[]): Promise<Float32Array[]> {
    const encoder = this.ctx.device.createCommandEncoder({ label: 'kernel test' });
    for (const item of list) encodePass(encoder, 'kernel test', Array.isArray(item) ? item : [item as Prepared]);
    const total = outputs.reduce((a, b) => a + b.size, 0);
    const staging = this.buffers.acquireStaging(total);
    let at = 0;
    for (const out of outputs) {
      encoder.copyBufferToBuffer(out, 0, staging, at, out.size);
      at += out.size;
    }
    this.ctx.device.queue.submit([encoder.finish()]);
    const data = await this.buffers.readStaging(staging, total / 4);
    at = 0;
    return outputs.map((out) => {
      const part = Float32Array.from(data.subarray(at / 4, (at + out.size) / 4));
      at += out.size;
      return part;
    });
  }

  dispose(): void {
    this.buffers.dispose();
  }
}
