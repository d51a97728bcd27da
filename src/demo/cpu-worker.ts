// A Web Worker that runs the float64 CPU reference forward pass, so checking the GPU never freezes the page.
import { feedForward } from '../reference/forward.ts';
import type { Matrix } from '../model/matrix.ts';
import type { Params } from '../model/params.ts';

/** The parameters and input of one reference forward pass (structured-cloned typed arrays). */
export interface CpuForwardRequest {
  readonly params: Params;
  readonly X: Matrix;
}

/** The cache [Z1, A1, …, ZL, AL] in float64 and the time feedForward took in the worker. */
export type CpuForwardReply =
  { readonly type: 'done'; readonly cache: Matrix<Float64Array>[]; readonly ms: number } | { readonly type: 'error'; readonly message: string };

const scope = self as unknown as DedicatedWorkerGlobalScope;

scope.onmessage = (event: MessageEvent<CpuForwardRequest>) => {
  try {
    // The first call warms the JIT, as the GPU side compiles its pipelines before its timed run.
    feedForward(event.data.X, event.data.params);
    const t0 = performance.now();
    const { cache } = feedForward(event.data.X, event.data.params);
    const ms = performance.now() - t0;
    scope.postMessage(
      { type: 'done', cache, ms } satisfies CpuForwardReply,
      cache.map((c) => c.data.buffer as ArrayBuffer),
    );
  } catch (err) {
    scope.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies CpuForwardReply);
  }
};
