// ONNX's protobuf messages, encoded and decoded by protobufjs from ONNX's own schema (src/onnx/onnx.proto, turned
// into a descriptor by tools/onnx-proto.mjs): the one place bytes of an .onnx file are written or read.
import protobuf from 'protobufjs/light.js';
import { ONNX_PROTO_JSON } from './onnx-proto.ts';

let root: protobuf.Root | undefined;

/** ONNX's ModelProto, from the descriptor (built on first use). */
function modelType(): protobuf.Type {
  root ??= protobuf.Root.fromJSON(ONNX_PROTO_JSON);
  return root.lookupType('onnx.ModelProto');
}

/** TensorProto.DataType values this project writes. */
export const DataType = { FLOAT: 1, INT64: 7, BOOL: 9, DOUBLE: 11 } as const;

/** AttributeProto.AttributeType values this project writes. */
export const AttributeType = { FLOAT: 1, INT: 2, STRING: 3, INTS: 7 } as const;

/** A ModelProto as a plain object with ONNX's field names (see onnx.proto). */
export type ModelMessage = Record<string, unknown>;

/** The bytes of a ModelProto; a value of the wrong type for its field is an error. */
export function encodeModelProto(model: ModelMessage): Uint8Array {
  const type = modelType();
  const problem = type.verify(model);
  if (problem !== null) throw new Error(`The ONNX model does not fit onnx.proto: ${problem}.`);
  return type.encode(type.fromObject(model)).finish();
}

/** A ModelProto read back from bytes, as a plain object (int64 values as numbers, bytes as Uint8Array). */
export function decodeModelProto(bytes: Uint8Array): ModelMessage {
  const type = modelType();
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false });
}
