// The hand-encoded ONNX model must compute the CPU reference's forward pass when ONNX Runtime (wasm, in Node) runs it.
import * as ort from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { encodeMlpOnnx, ONNX_INPUT, ONNX_OUTPUT, type OnnxLayout } from '../../bench/onnx.ts';
import { feedForward } from '../../src/reference/forward.ts';
import { initialization } from '../../src/reference/init.ts';
import { matrix } from '../../src/model/matrix.ts';
import { NOTEBOOK_DIMS, parameterCount, type Params } from '../../src/model/params.ts';
import { createRng } from '../../src/rng/index.ts';
import { expectClose, f32Tolerance } from '../helpers/compare.ts';

ort.env.wasm.numThreads = 1;

/** He-initialized params with non-zero biases, so the Add nodes are exercised too. */
function paramsWithBias(dims: readonly number[], seed: number): Params {
  const p = initialization(dims, { rng: 'numpy', seed });
  const gen = createRng('seedrandom', seed + 1);
  for (const b of p.b) for (let i = 0; i < b.length; i++) b[i] = gen.normal() * 0.1;
  return p;
}

async function runOnnx(p: Params, layout: OnnxLayout, X: Float64Array, m: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(encodeMlpOnnx(p, layout), { executionProviders: ['wasm'] });
  const n0 = p.dims[0];
  const input = new Float32Array(n0 * m);
  if (layout === 'units-m') input.set(X);
  else for (let r = 0; r < n0; r++) for (let c = 0; c < m; c++) input[c * n0 + r] = X[r * m + c];
  const shape = layout === 'units-m' ? [n0, m] : [m, n0];
  const result = await session.run({ [ONNX_INPUT]: new ort.Tensor('float32', input, shape) });
  await session.release();
  return result[ONNX_OUTPUT].data as Float32Array;
}

describe('encodeMlpOnnx', () => {
  const cases: [string, readonly number[], number][] = [
    ['the notebook network', NOTEBOOK_DIMS, 257],
    ['a 3-layer network with a 2-unit output', [5, 7, 3, 2], 31],
    ['one layer, one output unit', [4, 1], 9],
  ];
  for (const layout of ['rows', 'units-m'] as const) {
    for (const [name, dims, m] of cases) {
      it(`runs ${name} in ORT wasm (${layout} layout) as the CPU reference does`, async () => {
        const p = paramsWithBias(dims, 42);
        const gen = createRng('seedrandom', 7);
        const X = Float64Array.from({ length: dims[0] * m }, () => gen.normal());
        const want = feedForward(matrix(dims[0], m, X), p).yOut.data;
        const got = await runOnnx(p, layout, X, m);
        const outUnits = dims[dims.length - 1];
        // The rows layout returns (m, units): bring it back to (units, m) before comparing.
        const gotUnitsM = layout === 'units-m' ? got : Float32Array.from(want, (_, i) => got[(i % m) * outUnits + Math.floor(i / m)]);
        expect(
          want.some((v) => v > 0),
          'the reference output is not all zero',
        ).toBe(true);
        expectClose(gotUnitsM, want, f32Tolerance(Math.max(...dims), dims.length - 1), `ORT ${layout} output`);
      });
    }
  }

  it('writes the weights as float32 raw data, so the model size follows the parameter count', () => {
    const p = paramsWithBias(NOTEBOOK_DIMS, 42);
    const bytes = encodeMlpOnnx(p);
    // Every parameter at 4 bytes, plus names, shapes and nodes of a few hundred bytes.
    const n = parameterCount(NOTEBOOK_DIMS);
    expect(bytes.length).toBeGreaterThan(n * 4);
    expect(bytes.length).toBeLessThan(n * 4 + 1000);
  });
});
