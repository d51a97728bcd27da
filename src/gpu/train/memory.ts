// What K models cost on the device, buffer by buffer, and the one-sentence refusal of a K that does not fit.
import { UserError } from '../../errors.ts';
import { batchRows, gradBlocks, packedBlocks, transposedOffsets } from '../packing.ts';
import type { ParamLayout } from '../../model/flat-layout.ts';

/** One buffer of a run: bytes per model and bytes shared by all models. */
export interface BufferBytes {
  readonly name: string;
  readonly perModel: number;
  readonly shared: number;
}

/** Every buffer the fused trainer holds for a run, for `stride` batch columns and the largest set of mMax examples. */
export function fusedBuffers(layout: ParamLayout, stride: number, mMax: number, chunks: number): BufferBytes[] {
  const { dims } = layout;
  const L = dims.length - 1;
  const rows = batchRows(dims, 1);
  const flat = layout.size * 4;
  return [
    // θ, the gradient, two optimizer states and the saved best, each one flat vector per model.
    { name: 'parameters, gradient, optimizer state and best weights', perModel: 5 * flat, shared: 0 },
    {
      name: 'packed copies P and WT (and their best)',
      perModel: 2 * (packedBlocks(dims).size * 16 + Math.max(4, transposedOffsets(dims).size * 4) * 4),
      shared: 0,
    },
    { name: 'activations (the cache of one batch)', perModel: rows.cacheRows * stride * 4, shared: dims[0] * stride * 4 },
    { name: 'dZ of one batch', perModel: rows.dzRows * stride * 4, shared: 0 },
    { name: 'partial weight gradients', perModel: gradBlocks(dims).blocks * chunks * 64, shared: 0 },
    { name: 'outputs of the largest set', perModel: dims[L] * Math.max(stride, mMax) * 4, shared: 0 },
  ];
}

/** Total bytes of `buffers` for K models. */
export function totalBytes(buffers: readonly BufferBytes[], K: number): number {
  return buffers.reduce((a, b) => a + b.shared + K * b.perModel, 0);
}

/**
 * Refuses, in one sentence naming the largest K that fits, a K whose biggest buffer would pass the device's
 * binding limit (every buffer here is bound whole).
 */
export function checkModelsFit(buffers: readonly BufferBytes[], K: number, bindingLimit: number): void {
  for (const b of buffers) {
    if (b.shared + K * b.perModel > bindingLimit) {
      const fits = Math.min(...buffers.map((x) => Math.floor((bindingLimit - x.shared) / x.perModel)));
      const mib = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
      throw new UserError(
        `${K} models do not fit this device: their ${b.name} would take ${mib(b.shared + K * b.perModel)}, over its ${mib(bindingLimit)} ` +
          `binding limit; at most ${Math.max(0, fits)} models fit with this batch size and data, so shrink the grid or the batch.`,
      );
    }
  }
}
