// The same MLP in ONNX Runtime Web from our hand-encoded ONNX bytes, on its webgpu or wasm execution provider (inference only).
import * as ort from 'onnxruntime-web/webgpu';
import { encodeMlpOnnx, ONNX_INPUT, ONNX_OUTPUT, type OnnxLayout } from '../onnx.ts';
import type { BenchData, Op, OpOutput, Peer, PeerCase } from '../types.ts';

/** Where the page serves onnxruntime-web's .wasm/.mjs files (Vite serves node_modules under the root). */
export const ORT_WASM_PATH = '/node_modules/onnxruntime-web/dist/';

/** Settings of an ORT peer; bench/README.md records which layout was faster on each provider. */
export interface OrtOptions {
  readonly layout: OnnxLayout;
  /** wasm threads; multithreading needs a cross-origin-isolated page, which the bench server provides. */
  readonly threads: number;
}

/** An ORT peer on the `webgpu` or `wasm` execution provider. ORT does inference only, so it offers `forward` alone. */
export function createOrtPeer(impl: 'ort-webgpu' | 'ort-wasm', options: OrtOptions): Peer {
  ort.env.wasm.wasmPaths = ORT_WASM_PATH;
  ort.env.wasm.numThreads = options.threads;
  const provider = impl === 'ort-webgpu' ? 'webgpu' : 'wasm';
  const sessions = new Map<string, ort.InferenceSession>();
  return {
    impl,
    ops: ['forward'],
    adapter: provider === 'webgpu' ? 'WebGPU (same adapter as the page)' : `CPU (wasm SIMD, ${options.threads} thread${options.threads > 1 ? 's' : ''})`,
    variant: `${options.layout}, ${options.threads} thread${options.threads > 1 ? 's' : ''}`,
    async prepare(op: Op, data: BenchData): Promise<PeerCase> {
      if (op !== 'forward') throw new Error(`${impl} runs inference only, not ${op}.`);
      // One session for every m: the weights are the same, only X's length changes (a symbolic dim).
      let session = sessions.get(provider);
      if (!session) {
        session = await ort.InferenceSession.create(encodeMlpOnnx(data.params, options.layout), { executionProviders: [provider] });
        sessions.set(provider, session);
      }
      const s = session;
      const { m } = data;
      const n0 = data.X.rows;
      const input = options.layout === 'rows' ? data.Xrows : data.X.data;
      const shape = options.layout === 'rows' ? [m, n0] : [n0, m];
      return {
        async run(): Promise<OpOutput> {
          // A fresh tensor per run, so the upload of X is inside the timing on the webgpu provider too.
          const result = await s.run({ [ONNX_INPUT]: new ort.Tensor('float32', input, shape) });
          const y = result[ONNX_OUTPUT];
          const out = (await y.getData()) as Float32Array;
          y.dispose();
          return { out };
        },
        dispose() {},
      };
    },
    async dispose() {
      for (const s of sessions.values()) await s.release();
      sessions.clear();
    },
  };
}
