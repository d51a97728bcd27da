// numpy's .npy format (version 1.0/2.0/3.0), read and written in memory: float32/float64, C order, 1-D or 2-D.
import { UserError } from '../errors.ts';
import { type FloatArray, type Matrix, matrix } from './matrix.ts';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** A user-facing problem with a .npy file; the message is one sentence. */
export class NpyError extends UserError {
  override name = 'NpyError';
}

/** Parses a .npy file into a matrix; a 1-D array of n values becomes (1, n). `label` names the file in errors. */
export function readNpy(bytes: Uint8Array, label = 'the .npy file'): Matrix {
  return readNpyArray(bytes, label).matrix;
}

/** A parsed .npy file: the matrix (a 1-D array as (1, n)) and the shape its header gives, 1-D or 2-D. */
export interface NpyArray {
  readonly matrix: Matrix;
  readonly shape: readonly number[];
}

/** Like {@link readNpy}, keeping the file's own shape, so a caller can tell a 1-D (n,) from a (1, n) array. */
export function readNpyArray(bytes: Uint8Array, label = 'the .npy file'): NpyArray {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new NpyError(`${label} is not a .npy file (it does not start with the \\x93NUMPY magic).`);
  }
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new NpyError(`${label} is truncated inside its header.`);
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw new NpyError(`${label} uses .npy format version ${major}, which is not supported (1, 2 and 3 are).`);
  }
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) throw new NpyError(`${label} is truncated inside its header.`);
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, dataStart));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new NpyError(`${label} has a malformed header: ${header.trim()}`);
  }
  if (fortran === 'True') throw new NpyError(`${label} is in Fortran order; save it with np.ascontiguousarray first.`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new NpyError(`${label} has an invalid shape (${shapeText}).`);
  if (shape.length === 0 || shape.length > 2) {
    throw new NpyError(`${label} has ${shape.length} dimensions; a 2-D (features, m) array is expected.`);
  }
  const [rows, cols] = shape.length === 1 ? [1, shape[0]] : [shape[0], shape[1]];
  const n = rows * cols;
  let size: number;
  if (descr === '<f8' || descr === '>f8') size = 8;
  else if (descr === '<f4' || descr === '>f4') size = 4;
  else throw new NpyError(`${label} holds dtype '${descr}'; only float32 and float64 are supported.`);
  const little = descr[0] === '<';
  if (bytes.length - dataStart < n * size) {
    throw new NpyError(`${label} is truncated: shape (${shape.join(', ')}) needs ${n * size} data bytes, found ${bytes.length - dataStart}.`);
  }
  if (bytes.length - dataStart > n * size) {
    // numpy would read the first values and drop the rest in silence; the header and the data disagree, so say so.
    throw new NpyError(
      `${label} holds ${bytes.length - dataStart} data bytes but its header's shape (${shape.join(', ')}) ` +
        `needs ${n * size}; the header does not describe the data, so save the array again with np.save.`,
    );
  }
  const data: FloatArray = size === 8 ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const off = dataStart + i * size;
    data[i] = size === 8 ? view.getFloat64(off, little) : view.getFloat32(off, little);
  }
  return { matrix: matrix(rows, cols, data), shape };
}

/** Serializes a matrix as a version-1.0 .npy file of shape (rows, cols), little-endian, C order. */
export function writeNpy(m: Matrix, dtype: 'float32' | 'float64' = m.data instanceof Float32Array ? 'float32' : 'float64'): Uint8Array {
  const descr = dtype === 'float32' ? '<f4' : '<f8';
  const size = dtype === 'float32' ? 4 : 8;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${m.rows}, ${m.cols}), }`;
  // The magic, version and length take 10 bytes; pad the header with spaces so the data starts 64-byte aligned.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + m.data.length * size);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  for (let i = 0; i < m.data.length; i++) {
    if (size === 8) view.setFloat64(total + i * 8, m.data[i], true);
    else view.setFloat32(total + i * 4, m.data[i], true);
  }
  return out;
}
