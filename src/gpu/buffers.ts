// Creates, labels, counts and frees GPU buffers; pools the staging buffers used for read-back.

/** Live buffers and bytes, per manager or summed over a device. */
export interface BufferStats {
  readonly liveBuffers: number;
  readonly liveBytes: number;
}

const deviceTotals = new WeakMap<GPUDevice, { liveBuffers: number; liveBytes: number }>();

/** Buffers still alive on `device` across all its managers; tests assert this is zero after each test. */
export function deviceBufferStats(device: GPUDevice): BufferStats {
  const t = deviceTotals.get(device);
  return { liveBuffers: t?.liveBuffers ?? 0, liveBytes: t?.liveBytes ?? 0 };
}

/** Usage of storage buffers that kernels read and write and that may be copied in and out. */
export function storageUsage(): GPUBufferUsageFlags {
  // Looked up at call time: Dawn for Node installs the GPUBufferUsage global only when a GPU is opened.
  return GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
}

/**
 * Owns every buffer one user of the GPU (a backend, a trainer, a test) creates on one device. Uniforms with the
 * same contents are shared, staging buffers are reused, and `dispose()` destroys all of them.
 */
export class BufferManager {
  private readonly live = new Map<GPUBuffer, number>();
  private readonly freeStaging: GPUBuffer[] = [];
  private readonly uniforms = new Map<string, GPUBuffer>();
  private bytes = 0;
  private sinkBuffer: GPUBuffer | undefined;

  /** `label` prefixes every buffer's label, so validation messages say whose buffer it was. */
  constructor(
    readonly device: GPUDevice,
    readonly label = 'spotify-mlp',
  ) {}

  /** Buffers and bytes this manager holds now (pooled staging and interned uniforms included). */
  get stats(): BufferStats {
    return { liveBuffers: this.live.size, liveBytes: this.bytes };
  }

  /** A new buffer of at least `size` bytes (rounded up to 4, at least 4). */
  create(label: string, size: number, usage: GPUBufferUsageFlags, mappedAtCreation = false): GPUBuffer {
    const bytes = Math.max(4, Math.ceil(size / 4) * 4);
    const buffer = this.device.createBuffer({ label: `${this.label}: ${label}`, size: bytes, usage, mappedAtCreation });
    this.live.set(buffer, bytes);
    this.bytes += bytes;
    const t = deviceTotals.get(this.device) ?? { liveBuffers: 0, liveBytes: 0 };
    t.liveBuffers++;
    t.liveBytes += bytes;
    deviceTotals.set(this.device, t);
    return buffer;
  }

  /** A storage buffer (STORAGE | COPY_SRC | COPY_DST) of `size` bytes, zero-filled. */
  storage(label: string, size: number): GPUBuffer {
    return this.create(label, size, storageUsage());
  }

  /** A storage buffer holding `data`, written through a mapping so no queue write is pending. */
  upload(label: string, data: Float32Array): GPUBuffer {
    const buffer = this.create(label, data.byteLength, storageUsage(), true);
    new Float32Array(buffer.getMappedRange(), 0, data.length).set(data);
    buffer.unmap();
    return buffer;
  }

  /**
   * A uniform buffer holding these u32 values, or the bytes of a struct from structs.ts (padded to 16 bytes);
   * equal contents share one buffer.
   */
  uniform(values: readonly number[] | ArrayBuffer): GPUBuffer {
    const words = values instanceof ArrayBuffer ? Array.from(new Uint32Array(values)) : values;
    const key = words.join(',');
    let buffer = this.uniforms.get(key);
    if (!buffer) {
      const size = Math.max(4, Math.ceil(words.length / 4) * 4);
      buffer = this.create(`sizes [${key}]`, size * 4, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST, true);
      new Uint32Array(buffer.getMappedRange()).set(words);
      buffer.unmap();
      this.uniforms.set(key, buffer);
    }
    return buffer;
  }

  /**
   * A 16-byte storage buffer for an output binding that a kernel variant never writes (WebGPU forbids binding
   * one buffer to two writable bindings of a dispatch, so the used output cannot stand in). One per manager.
   */
  sink(): GPUBuffer {
    if (!this.sinkBuffer || !this.live.has(this.sinkBuffer)) this.sinkBuffer = this.storage('unused output', 16);
    return this.sinkBuffer;
  }

  /** A MAP_READ staging buffer of at least `size` bytes, from the pool when one is free. */
  acquireStaging(size: number): GPUBuffer {
    let best = -1;
    for (let i = 0; i < this.freeStaging.length; i++) {
      const s = this.freeStaging[i];
      if (s.size >= size && s.mapState === 'unmapped' && (best < 0 || s.size < this.freeStaging[best].size)) best = i;
    }
    if (best >= 0) return this.freeStaging.splice(best, 1)[0];
    return this.create(`staging ${size} B`, size, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
  }

  /** Returns a staging buffer to the pool (unmapping it if the caller left it mapped). */
  releaseStaging(buffer: GPUBuffer): void {
    if (!this.live.has(buffer)) return;
    if (buffer.mapState === 'mapped') buffer.unmap();
    this.freeStaging.push(buffer);
  }

  /**
   * Maps a staging buffer that a submitted copy filled and returns a copy of its first `floats` values, then
   * returns it to the pool. Checks mapState first: mapping a buffer twice is a validation error.
   */
  async readStaging(staging: GPUBuffer, floats: number): Promise<Float32Array> {
    try {
      if (staging.mapState !== 'unmapped') throw new Error(`Staging buffer '${staging.label}' is ${staging.mapState}.`);
      await staging.mapAsync(GPUMapMode.READ, 0, Math.max(4, floats * 4));
      return new Float32Array(staging.getMappedRange(0, Math.max(4, floats * 4)).slice(0, floats * 4));
    } finally {
      this.releaseStaging(staging);
    }
  }

  /** Destroys one buffer this manager created. */
  destroy(buffer: GPUBuffer): void {
    const bytes = this.live.get(buffer);
    if (bytes === undefined) return;
    this.live.delete(buffer);
    this.bytes -= bytes;
    const t = deviceTotals.get(this.device);
    if (t) {
      t.liveBuffers--;
      t.liveBytes -= bytes;
    }
    const i = this.freeStaging.indexOf(buffer);
    if (i >= 0) this.freeStaging.splice(i, 1);
    for (const [key, u] of this.uniforms) if (u === buffer) this.uniforms.delete(key);
    buffer.destroy();
  }

  /** Destroys every buffer this manager holds; it stays usable and starts again from zero. */
  dispose(): void {
    for (const buffer of [...this.live.keys()]) this.destroy(buffer);
  }
}
