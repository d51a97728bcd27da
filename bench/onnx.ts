// Hand-encodes the MLP as an ONNX model (protobuf wire format), so ONNX Runtime runs exactly our weights without an onnx package.
import type { Params } from '../src/model/params.ts';

/** How the ONNX graph lays out the examples: the notebook's (units, m) or the (m, units) rows that ORT's kernels favour. */
export type OnnxLayout = 'units-m' | 'rows';

/** Name of the graph's input and output, which the peers feed and fetch. */
export const ONNX_INPUT = 'X';
export const ONNX_OUTPUT = 'Y';

// Protobuf wire types: 0 varint, 2 length-delimited.
const VARINT = 0;
const BYTES = 2;

// ONNX enum values (onnx.proto): TensorProto.DataType.FLOAT and the IR version ORT 1.30 reads.
const FLOAT = 1;
const IR_VERSION = 8;
const OPSET = 13;

type Field = Uint8Array;

function varint(value: number): number[] {
  // Values here are non-negative and below 2^53, so plain arithmetic keeps them exact.
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function intField(field: number, value: number): Field {
  return Uint8Array.from([...varint(field * 8 + VARINT), ...varint(value)]);
}

function bytesField(field: number, payload: Uint8Array): Field {
  return concat([Uint8Array.from([...varint(field * 8 + BYTES), ...varint(payload.length)]), payload]);
}

function stringField(field: number, text: string): Field {
  return bytesField(field, new TextEncoder().encode(text));
}

function message(...fields: Field[]): Uint8Array {
  return concat(fields);
}

/** TensorProto: dims (1), data_type (2), name (8), raw_data (9) in little-endian float32. */
function tensor(name: string, dims: readonly number[], values: ArrayLike<number>): Uint8Array {
  const raw = new Uint8Array(Float32Array.from(values).buffer); // every platform ORT runs on is little-endian
  return message(...dims.map((d) => intField(1, d)), intField(2, FLOAT), stringField(8, name), bytesField(9, raw));
}

/** ValueInfoProto for a float tensor; a string dim is symbolic (dim_param), a number fixed (dim_value). */
function valueInfo(name: string, shape: readonly (number | string)[]): Uint8Array {
  const dims = shape.map((d) => bytesField(1, typeof d === 'number' ? intField(1, d) : stringField(2, d)));
  const tensorType = message(intField(1, FLOAT), bytesField(2, message(...dims)));
  return message(stringField(1, name), bytesField(2, message(bytesField(1, tensorType))));
}

/** NodeProto: input (1), output (2), name (3), op_type (4). */
function node(op: string, inputs: readonly string[], output: string): Uint8Array {
  return message(...inputs.map((i) => stringField(1, i)), stringField(2, output), stringField(3, output), stringField(4, op));
}

/** Transposes a row-major (rows, cols) array. */
function transpose(data: ArrayLike<number>, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c];
  return out;
}

/**
 * The ModelProto bytes of the network `params` describes: per layer MatMul, Add (bias), Relu, with the weights
 * as float32 initializers. In `units-m` the graph computes W·X + b on X of shape (dims[0], m), as the notebook;
 * in `rows` it computes X·Wᵀ + bᵀ on X of shape (m, dims[0]). Either way the m output values come out in order.
 */
export function encodeMlpOnnx(params: Params, layout: OnnxLayout = 'rows'): Uint8Array {
  const { dims } = params;
  const L = dims.length - 1;
  const nodes: Uint8Array[] = [];
  const inits: Uint8Array[] = [];
  let A = ONNX_INPUT;
  for (let l = 1; l <= L; l++) {
    const [nIn, nOut] = [dims[l - 1], dims[l]];
    const W = params.W[l - 1];
    if (layout === 'units-m') {
      inits.push(tensor(`W${l}`, [nOut, nIn], W.data), tensor(`b${l}`, [nOut, 1], params.b[l - 1]));
      nodes.push(node('MatMul', [`W${l}`, A], `M${l}`));
    } else {
      inits.push(tensor(`W${l}T`, [nIn, nOut], transpose(W.data, nOut, nIn)), tensor(`b${l}`, [nOut], params.b[l - 1]));
      nodes.push(node('MatMul', [A, `W${l}T`], `M${l}`));
    }
    nodes.push(node('Add', [`M${l}`, `b${l}`], `Z${l}`));
    A = l === L ? ONNX_OUTPUT : `A${l}`;
    nodes.push(node('Relu', [`Z${l}`], A));
  }
  const xShape = layout === 'units-m' ? [dims[0], 'm'] : ['m', dims[0]];
  const yShape = layout === 'units-m' ? [dims[L], 'm'] : ['m', dims[L]];
  // GraphProto: node (1), name (2), initializer (5), input (11), output (12).
  const graph = message(
    ...nodes.map((n) => bytesField(1, n)),
    stringField(2, 'spotify_mlp'),
    ...inits.map((t) => bytesField(5, t)),
    bytesField(11, valueInfo(ONNX_INPUT, xShape)),
    bytesField(12, valueInfo(ONNX_OUTPUT, yShape)),
  );
  // ModelProto: ir_version (1), producer_name (2), graph (7), opset_import (8) of the default domain.
  return message(intField(1, IR_VERSION), stringField(2, 'spotify-mlp bench'), bytesField(7, graph), bytesField(8, intField(2, OPSET)));
}
