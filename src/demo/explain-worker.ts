// A Web Worker that explains the current model on the fast CPU backend (WebAssembly SIMD), so the page's thread
// never scores the 13 × R shuffled copies itself, with or without WebGPU.
import type { Encoder } from '../model/encoding.ts';
import { type Explanation, explainRows, type ExplainSettings } from '../explain/explain.ts';
import { createFastBackend } from '../fast/backend.ts';
import { createFastEnsemble } from '../fast/ensemble.ts';
import type { Matrix } from '../model/matrix.ts';
import type { Params } from '../model/params.ts';
import type { ScalerParams } from '../model/scaler.ts';
import { predictPoints } from '../train/predictions.ts';

/** The model and the rows to explain (scaled with the model's scaler), structured-cloned. */
export interface ExplainRequest {
  readonly members: readonly Params[];
  readonly encoder?: Encoder;
  readonly scaler: ScalerParams;
  readonly X: Matrix<Float64Array>;
  readonly y: Float64Array;
  readonly settings: ExplainSettings;
}

export type ExplainReply =
  { readonly type: 'done'; readonly explanation: Explanation; readonly ms: number } | { readonly type: 'error'; readonly message: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = async (event: MessageEvent<ExplainRequest>) => {
  const { members, encoder, scaler, X, y, settings } = event.data;
  try {
    const t0 = performance.now();
    const backend = members.length > 1 ? await createFastEnsemble(members) : await createFastBackend(members[0]);
    try {
      const score = (scaled: Matrix<Float64Array>) => predictPoints(backend, scaler, encoder, scaled);
      const explanation = await explainRows(score, X, y, scaler, settings);
      scope.postMessage({ type: 'done', explanation, ms: performance.now() - t0 } satisfies ExplainReply);
    } finally {
      backend.dispose();
    }
  } catch (err) {
    scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies ExplainReply);
  }
};
