// The network as ONNX nodes: every member's layers at once, as batched MatMuls over a leading member axis, and the
// members' mean; the notebook's ReLU after every layer, the output's included.
import type { Params } from '../model/params.ts';
import type { GraphBuilder } from './graph.ts';

/**
 * Appends the mean over `members` of each network's output for the rows of `input` (N, dims[0]); returns the
 * (N, dims[L]) output's name. Layer 1 is one MatMul with every member's weights side by side; after it the
 * activations are (M, N, units) and layer l multiplies by the (M, n_{l−1}, n_l) stack.
 */
export function networkGraph(g: GraphBuilder, input: string, members: readonly Params[]): string {
  const dims = members[0].dims;
  const M = members.length;
  const L = dims.length - 1;
  // Layer 1: (N, dims[0]) · (dims[0], M·dims[1]) → (N, M, dims[1]) → (M, N, dims[1]).
  const [n0, n1] = [dims[0], dims[1]];
  const W1 = new Float64Array(n0 * M * n1);
  const b1 = new Float64Array(M * n1);
  members.forEach((p, m) => {
    for (let j = 0; j < n1; j++) {
      b1[m * n1 + j] = p.b[0][j];
      for (let i = 0; i < n0; i++) W1[i * M * n1 + m * n1 + j] = p.W[0].data[j * n0 + i];
    }
  });
  const Z1 = g.op('Add', [g.op('MatMul', [input, g.floats('W1', [n0, M * n1], W1)], 'M1'), g.floats('b1', [M * n1], b1)], 'Z1');
  let A = g.op('Relu', [Z1], 'A1');
  A = g.op('Transpose', [g.op('Reshape', [A, g.ints('members_shape', [3], [0, M, n1])], 'A1_split')], 'A1_members', { perm: [1, 0, 2] });
  for (let l = 2; l <= L; l++) {
    const [nIn, nOut] = [dims[l - 1], dims[l]];
    const W = new Float64Array(M * nIn * nOut);
    const b = new Float64Array(M * nOut);
    members.forEach((p, m) => {
      for (let j = 0; j < nOut; j++) {
        b[m * nOut + j] = p.b[l - 1][j];
        for (let i = 0; i < nIn; i++) W[m * nIn * nOut + i * nOut + j] = p.W[l - 1].data[j * nIn + i];
      }
    });
    const Z = g.op('Add', [g.op('MatMul', [A, g.floats(`W${l}`, [M, nIn, nOut], W)], `M${l}`), g.floats(`b${l}`, [M, 1, nOut], b)], `Z${l}`);
    A = g.op('Relu', [Z], `A${l}`);
  }
  return g.op('ReduceMean', [A], 'mean', { axes: [0], keepdims: 0 });
}
