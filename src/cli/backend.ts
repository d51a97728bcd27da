// Opens the MLP backend a command asked for (`--backend gpu|cpu`) and says on stderr which one runs.
import { createCpuBackend } from '../cpu/backend.ts';
import type { GpuBackend } from '../gpu/backend.ts';
import type { BackendKind, MlpBackend } from '../model/backend.ts';
import type { Params } from '../model/params.ts';

/** The values `--backend` accepts. */
export const BACKEND_KINDS: readonly BackendKind[] = ['gpu', 'cpu'];

/**
 * An MLP backend holding `params`: `cpu` is the float64 reference, `gpu` runs the WGSL kernels through Dawn
 * (SwiftShader when there is no GPU). Writes one line naming where it runs to `log` (stderr by default).
 * The caller must `dispose()` it; for the GPU that also destroys the device, so that Node can exit.
 */
export async function openBackend(
  kind: BackendKind,
  params: Params,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<MlpBackend> {
  const backend = kind === 'cpu' ? createCpuBackend(params) : await openGpuBackend(params);
  log(`backend: ${backend.description}`);
  return backend;
}

/** The GPU backend on Node's best adapter, whose dispose() also closes the device. */
export async function openGpuBackend(params: Params): Promise<GpuBackend> {
  // Loaded only when asked for: `webgpu` (Dawn) is a native module, and a CPU-only command should not pay for it.
  const { openNodeGpu, closeNodeGpu } = await import('../platform/node-gpu.ts');
  const { createGpuBackend } = await import('../gpu/backend.ts');
  const ctx = await openNodeGpu();
  let backend: GpuBackend;
  try {
    backend = await createGpuBackend(ctx, params);
  } catch (err) {
    closeNodeGpu(ctx);
    throw err;
  }
  const disposeBackend = backend.dispose.bind(backend);
  // Patched on the instance rather than wrapped, so the training methods of a GPU backend stay reachable.
  backend.dispose = () => {
    try {
      disposeBackend();
    } finally {
      closeNodeGpu(ctx);
    }
  };
  return backend;
}
