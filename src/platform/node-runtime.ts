// The runtime in Node: Dawn (the `webgpu` package, loaded only when a GPU is asked for), the fast CPU backend (its
// K-model trainer on worker threads, one per core) or the reference.
import { UserError } from '../errors.ts';
import { type BackendChoice, createRuntime, type Runtime } from '../runtime/runtime.ts';
import { nodeFastPool } from './node-fast-pool.ts';

/** Writes one line to stderr: how the CLI says which backend runs. */
const stderrLine = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Options of {@link openNodeRuntime}. */
export interface NodeRuntimeOptions {
  /**
   * Under `auto`, pass over an adapter that is a software fallback (SwiftShader: the GPU emulated on the CPU) for
   * the fast CPU backend, saying so through `log`. The CLI's training commands set it: on this 2-core machine the
   * default sweep took 5 min 21 s on SwiftShader and about 11 s on the fast CPU backend.
   */
  readonly preferCpuToSoftwareGpu?: boolean;
}

/**
 * Opens a runtime: `gpu` fails with one sentence when no adapter opens; `auto` then falls back to the fast CPU backend
 * (float32) and says so through `log`; `cpu` (fast) and `reference` (float64) never load Dawn.
 */
export async function openNodeRuntime(
  choice: BackendChoice = 'auto',
  log: (line: string) => void = stderrLine,
  options: NodeRuntimeOptions = {},
): Promise<Runtime> {
  if (choice === 'reference') return createRuntime(null, undefined, 'reference');
  if (choice === 'cpu') return createRuntime(null, undefined, 'fast', nodeFastPool());
  // Loaded only when asked for: Dawn is a native module, and a CPU-only command should not pay for it.
  const { openNodeGpu, closeNodeGpu } = await import('./node-gpu.ts');
  try {
    const ctx = await openNodeGpu();
    if (choice === 'auto' && options.preferCpuToSoftwareGpu && ctx.adapter.isFallbackAdapter) {
      closeNodeGpu(ctx);
      log(
        `backend: the only WebGPU adapter here is a software fallback (${ctx.adapter.description || 'SwiftShader'}), ` +
          'slower at training than the fast CPU backend, which runs instead (--backend gpu uses the adapter).',
      );
      return createRuntime(null, undefined, 'fast', nodeFastPool());
    }
    return createRuntime(ctx, () => closeNodeGpu(ctx));
  } catch (err) {
    if (choice === 'gpu' || !(err instanceof UserError)) throw err;
    log(`backend: no WebGPU adapter (${err.message.replace(/\.$/, '')}); running on the fast CPU backend instead.`);
    return createRuntime(null, undefined, 'fast', nodeFastPool());
  }
}
