// Builds an ONNX graph node by node (inputs, float32 and int64 constants, ops with attributes) and writes it as a
// ModelProto through protobufjs (proto.ts). The exporter (export.ts) and the benchmark's peers (bench/onnx.ts) use it.
import { AttributeType, DataType, encodeModelProto, type ModelMessage } from './proto.ts';

/** The opset of ONNX's default domain the graphs are written for, and the IR version that goes with it. */
export const OPSET = 17;
export const IR_VERSION = 8;

/** An attribute value: an integer, a float (written `{ f }` so 1 is not taken for an int), a string, or a list of ints. */
export type Attribute = number | { readonly f: number } | string | readonly number[];

/** A tensor's shape: a number is a fixed size, a string a named symbolic one (e.g. the row count `N`). */
export type Shape = readonly (number | string)[];

interface ValueInfo {
  readonly name: string;
  readonly type: number;
  readonly shape: Shape;
}

function attribute(name: string, value: Attribute): Record<string, unknown> {
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  if ('f' in value) return { name, type: AttributeType.FLOAT, f: value.f };
  return { name, type: AttributeType.INTS, ints: [...value] };
}

function valueInfo({ name, type, shape }: ValueInfo): Record<string, unknown> {
  const dim = shape.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d }));
  return { name, type: { tensor_type: { elem_type: type, shape: { dim } } } };
}

/** What the model says about itself besides the graph. */
export interface ModelInfo {
  readonly producer: string;
  readonly docString?: string;
  /** ModelProto.metadata_props: key → value, readable from ORT's session metadata. */
  readonly metadata?: Readonly<Record<string, string>>;
}

export class GraphBuilder {
  private readonly nodes: Record<string, unknown>[] = [];
  private readonly initializers: Record<string, unknown>[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly used = new Set<string>();

  constructor(private readonly name: string) {}

  /** A graph input of float32 values. */
  input(name: string, shape: Shape): string {
    this.inputs.push({ name: this.claim(name), type: DataType.FLOAT, shape });
    return name;
  }

  /** Declares `name` (an op's output) as a graph output, float32 unless `type` says otherwise. */
  output(name: string, shape: Shape, type: number = DataType.FLOAT): void {
    this.outputs.push({ name, type, shape });
  }

  /** A float32 constant of this shape (values row-major), stored little-endian in raw_data. */
  floats(name: string, dims: readonly number[], values: ArrayLike<number>): string {
    return this.constant(name, dims, DataType.FLOAT, new Uint8Array(Float32Array.from(values).buffer));
  }

  /** A float64 constant, for the few steps where float32's rounding would show in the result. */
  doubles(name: string, dims: readonly number[], values: ArrayLike<number>): string {
    return this.constant(name, dims, DataType.DOUBLE, new Uint8Array(Float64Array.from(values).buffer));
  }

  /** An int64 constant (indices, shapes). */
  ints(name: string, dims: readonly number[], values: readonly number[]): string {
    return this.constant(name, dims, DataType.INT64, new Uint8Array(BigInt64Array.from(values, (v) => BigInt(v)).buffer));
  }

  /** Adds one node; its output is named `out` (made unique), which is returned. */
  op(type: string, inputs: readonly string[], out: string, attributes: Readonly<Record<string, Attribute>> = {}): string {
    const output = this.claim(out);
    const attrs = Object.entries(attributes).map(([k, v]) => attribute(k, v));
    this.nodes.push({ input: [...inputs], output: [output], name: output, op_type: type, ...(attrs.length > 0 ? { attribute: attrs } : {}) });
    return output;
  }

  /** The ModelProto's bytes: this graph, the default domain at {@link OPSET}, IR {@link IR_VERSION}. */
  toBytes(info: ModelInfo): Uint8Array {
    const model: ModelMessage = {
      ir_version: IR_VERSION,
      producer_name: info.producer,
      opset_import: [{ domain: '', version: OPSET }],
      ...(info.docString === undefined ? {} : { doc_string: info.docString }),
      metadata_props: Object.entries(info.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs.map(valueInfo),
        output: this.outputs.map(valueInfo),
      },
    };
    return encodeModelProto(model);
  }

  private constant(name: string, dims: readonly number[], type: number, raw: Uint8Array): string {
    const unique = this.claim(name);
    this.initializers.push({ name: unique, dims: [...dims], data_type: type, raw_data: raw });
    return unique;
  }

  // A fresh name: `name`, or `name_2`, `name_3`, … when taken.
  private claim(name: string): string {
    let unique = name;
    for (let k = 2; this.used.has(unique); k++) unique = `${name}_${k}`;
    this.used.add(unique);
    return unique;
  }
}
