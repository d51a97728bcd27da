// The protobufjs descriptor is what tools/onnx-proto.mjs makes of ONNX's own onnx.proto, and a written model reads
// back through it with the fields ONNX names.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../src/onnx/graph.ts';
import { decodeModelProto } from '../../src/onnx/proto.ts';

interface ReadModel {
  graph: {
    node: unknown[];
    initializer: unknown[];
    input: { type: { tensor_type: { shape: { dim: unknown[] } } } }[];
  };
}

describe('the ONNX schema and writer', () => {
  it('src/onnx/onnx-proto.ts is what tools/onnx-proto.mjs generates from src/onnx/onnx.proto', () => {
    const tool = fileURLToPath(new URL('../../tools/onnx-proto.mjs', import.meta.url));
    const run = spawnSync(process.execPath, [tool, '--check'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
  });

  it('writes a graph that reads back with its ops, attributes, initializers and metadata', () => {
    const g = new GraphBuilder('g');
    const x = g.input('x', ['N', 3]);
    g.op('Gather', [x, g.ints('cols', [2], [2, 0])], 'y', { axis: 1 });
    g.output('y', ['N', 2]);
    // Read back as plain JSON, which the assertions below check field by field.
    const decoded = decodeModelProto(g.toBytes({ producer: 'test', metadata: { features: 'a,b,c' } }));
    const model = JSON.parse(JSON.stringify(decoded)) as ReadModel;
    const raw = (decoded.graph as { initializer: { raw_data: Uint8Array }[] }).initializer[0].raw_data;
    expect(model).toMatchObject({
      ir_version: 8,
      producer_name: 'test',
      opset_import: [{ version: 17 }],
      metadata_props: [{ key: 'features', value: 'a,b,c' }],
    });
    expect(model.graph.node).toEqual([{ input: ['x', 'cols'], output: ['y'], name: 'y', op_type: 'Gather', attribute: [{ name: 'axis', type: 2, i: 1 }] }]);
    const init = model.graph.initializer[0];
    expect(init).toMatchObject({ name: 'cols', dims: [2], data_type: 7 });
    expect(Array.from(new BigInt64Array(Uint8Array.from(raw).buffer))).toEqual([2n, 0n]);
    expect(model.graph.input[0].type.tensor_type.shape.dim).toEqual([{ dim_param: 'N' }, { dim_value: 3 }]);
  });
});
