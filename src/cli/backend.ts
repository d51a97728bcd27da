// Opens the MLP backend a command asked for (`--backend gpu|cpu`) and says on stderr which one runs.
import { createCpuBackend } from '../cpu/backend.ts';
import type { BackendKind, MlpBackend } from '../model/backend.ts';
import type { Params } from '../model/params.ts';

/** The values `--backend` accepts. */
export const BACKEND_KINDS: readonly BackendKind[] = ['gpu', 'cpu'];

/** What the CLI needs from the Node GPU entry point (src/platform/node-gpu.ts) and src/gpu/backend.ts. */
interface NodeGpuModules {
  openNodeGpu(): Promise<unknown>;
  createGpuBackend(ctx: unknown, params: Params): MlpBackend | Promise<MlpBackend>;
}

/**
 * Loads the GPU code only when `--backend gpu` is asked for: `webgpu` (Dawn) is a native module that takes
 * time to load and keeps Node alive, and a CPU-only command should pay for neither.
 */
async function loadGpuModules(): Promise<NodeGpuModules> {
  // Specifiers in variables: the modules are written in parallel with this one, and the CLI must load without them.
  const platformPath = '../platform/node-gpu.ts';
  const backendPath = '../gpu/backend.ts';
  const platform = (await import(platformPath)) as Pick<NodeGpuModules, 'openNodeGpu'>;
  const backend = (await import(backendPath)) as Pick<NodeGpuModules, 'createGpuBackend'>;
  return { openNodeGpu: platform.openNodeGpu, createGpuBackend: backend.createGpuBackend };
}

/**
 * An MLP backend holding `params`: `cpu` is the float64 reference, `gpu` runs the WGSL kernels through Dawn
 * (SwiftShader when there is no GPU). Writes one line naming where it runs to `log` (stderr by default).
 * The caller must `dispose()` it, which also releases the GPU device so that Node can exit.
 */
export async function openBackend(
  kind: BackendKind,
  params: Params,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<MlpBackend> {
  let backend: MlpBackend;
  if (kind === 'cpu') {
    backend = createCpuBackend(params);
  } else {
    const gpu = await loadGpuModules();
    const ctx = await gpu.openNodeGpu();
    try {
      backend = await gpu.createGpuBackend(ctx, params);
    } catch (err) {
      disposeContext(ctx);
      throw err;
    }
    backend = withContextDisposal(backend, ctx);
  }
  log(`backend: ${backend.description}`);
  return backend;
}

/**
 * Makes `backend.dispose()` also dispose the GPU context (device, instance), whatever the context calls it.
 * The backend object itself is kept, so extra methods a GPU backend has (training) stay reachable.
 */
function withContextDisposal<B extends MlpBackend>(backend: B, ctx: unknown): B {
  const disposeBackend = backend.dispose.bind(backend);
  backend.dispose = () => {
    try {
      disposeBackend();
    } finally {
      disposeContext(ctx);
    }
  };
  return backend;
}

function disposeContext(ctx: unknown): void {
  const c = ctx as { dispose?: () => void; destroy?: () => void } | null;
  if (typeof c?.dispose === 'function') c.dispose();
  else if (typeof c?.destroy === 'function') c.destroy();
}
