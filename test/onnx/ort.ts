// Runs an exported model in ONNX Runtime (onnxruntime-web's wasm provider, in Node) on a table's raw rows.
import * as ort from 'onnxruntime-web';
import type { CleanTable } from '../../src/data/index.ts';
import { ONNX_FEATURES_INPUT, ONNX_POPULARITY_OUTPUT } from '../../src/onnx/export.ts';

ort.env.wasm.numThreads = 1;

/** ORT's popularity for each kept row of `table` (its raw features, float32), in the table's order. */
export async function ortPredict(bytes: Uint8Array, table: CleanTable): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  try {
    const n = table.features.length / table.rows;
    const input = new ort.Tensor('float32', Float32Array.from(table.features), [table.rows, n]);
    const out = await session.run({ [ONNX_FEATURES_INPUT]: input });
    expectShape(out[ONNX_POPULARITY_OUTPUT].dims, [table.rows, 1]);
    return out[ONNX_POPULARITY_OUTPUT].data as Float32Array;
  } finally {
    await session.release();
  }
}

function expectShape(got: readonly number[], want: readonly number[]): void {
  if (got.join(',') !== want.join(',')) throw new Error(`ORT returned shape [${got.join(', ')}], expected [${want.join(', ')}].`);
}

/** The largest |a − b| / max(|b|, floor) over the rows, and where it is. */
export function worstRelative(got: ArrayLike<number>, want: ArrayLike<number>, floor: number): { rel: number; at: number } {
  let worst = { rel: 0, at: -1 };
  for (let i = 0; i < want.length; i++) {
    const rel = Math.abs(got[i] - want[i]) / Math.max(Math.abs(want[i]), floor);
    if (!(rel <= worst.rel)) worst = { rel, at: i };
  }
  return worst;
}
