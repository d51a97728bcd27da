// The flat vector W1, b1, W2, b2, … that holds all parameters (and all gradients and optimizer state) of a network.
import { type Matrix, matrix } from './matrix.ts';
import type { Params } from './params.ts';

/** Where W_l and b_l sit in the flat vector of all parameters (and of all gradients and optimizer state). */
export interface ParamLayout {
  readonly dims: readonly number[];
  /** Offset of W_l (row-major) at index l-1. */
  readonly wOffset: readonly number[];
  /** Offset of b_l at index l-1. */
  readonly bOffset: readonly number[];
  /** Length of the flat vector, padding included. */
  readonly size: number;
}

/** Every tensor starts on a 64-float (256-byte) boundary, WebGPU's storage-binding offset alignment. */
export const PARAM_ALIGN = 64;

/** The flat layout W1, b1, W2, b2, …; padding between tensors stays zero under every update rule. */
export function paramLayout(dims: readonly number[]): ParamLayout {
  const wOffset: number[] = [];
  const bOffset: number[] = [];
  let at = 0;
  const align = (n: number): number => Math.ceil(n / PARAM_ALIGN) * PARAM_ALIGN;
  for (let l = 1; l < dims.length; l++) {
    wOffset.push(at);
    at = align(at + dims[l] * dims[l - 1]);
    bOffset.push(at);
    at = align(at + dims[l]);
  }
  return { dims: [...dims], wOffset, bOffset, size: at };
}

/** Writes W and b (or dW and db) into one flat vector of `layout.size` values. */
export function flatten(layout: ParamLayout, W: readonly Matrix[], b: readonly ArrayLike<number>[]): Float64Array {
  const flat = new Float64Array(layout.size);
  for (let l = 0; l < W.length; l++) {
    flat.set(W[l].data, layout.wOffset[l]);
    flat.set(b[l], layout.bOffset[l]);
  }
  return flat;
}

/** Reads parameters back out of a flat vector (float32 from the GPU or float64 on the CPU). */
export function unflatten(layout: ParamLayout, flat: ArrayLike<number>): Params {
  const { dims } = layout;
  const values = Float64Array.from(flat);
  const W = [];
  const b = [];
  for (let l = 1; l < dims.length; l++) {
    const w = values.slice(layout.wOffset[l - 1], layout.wOffset[l - 1] + dims[l] * dims[l - 1]);
    W.push(matrix(dims[l], dims[l - 1], w));
    b.push(values.slice(layout.bOffset[l - 1], layout.bOffset[l - 1] + dims[l]));
  }
  return { dims: [...dims], W, b };
}
