// The benchmark's bare network (no scaler, no encoder) as an ONNX model, written by the same GraphBuilder and
// protobufjs writer as `spotify-mlp export` (src/onnx/), so ONNX Runtime runs exactly our weights.
import type { Params } from '../src/model/params.ts';
import { GraphBuilder } from '../src/onnx/graph.ts';

/** How the ONNX graph lays out the examples: the notebook's (units, m) or the (m, units) rows that ORT's kernels favour. */
export type OnnxLayout = 'units-m' | 'rows';

/** Name of the graph's input and output, which the peers feed and fetch. */
export const ONNX_INPUT = 'X';
export const ONNX_OUTPUT = 'Y';

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
  const g = new GraphBuilder('spotify_mlp');
  let A = g.input(ONNX_INPUT, layout === 'units-m' ? [dims[0], 'm'] : ['m', dims[0]]);
  for (let l = 1; l <= L; l++) {
    const [nIn, nOut] = [dims[l - 1], dims[l]];
    const W = params.W[l - 1];
    let M: string;
    let b: string;
    if (layout === 'units-m') {
      M = g.op('MatMul', [g.floats(`W${l}`, [nOut, nIn], W.data), A], `M${l}`);
      b = g.floats(`b${l}`, [nOut, 1], params.b[l - 1]);
    } else {
      M = g.op('MatMul', [A, g.floats(`W${l}T`, [nIn, nOut], transpose(W.data, nOut, nIn))], `M${l}`);
      b = g.floats(`b${l}`, [nOut], params.b[l - 1]);
    }
    A = g.op('Relu', [g.op('Add', [M, b], `Z${l}`)], l === L ? ONNX_OUTPUT : `A${l}`);
  }
  g.output(ONNX_OUTPUT, layout === 'units-m' ? [dims[L], 'm'] : ['m', dims[L]]);
  return g.toBytes({ producer: 'spotify-mlp bench' });
}
