// Opens the runtime a command asked for (`--backend auto|gpu|cpu|reference`), says on stderr where it runs, and closes it
// (every backend and trainer it handed out, then the device) when the command's work is done.
import { type NodeRuntimeOptions, openNodeRuntime } from '../platform/node-runtime.ts';
import { BACKEND_CHOICES, type BackendChoice, type Runtime } from '../runtime/runtime.ts';

/** The values `--backend` accepts. */
export const BACKEND_KINDS = BACKEND_CHOICES;

/** The help text of `--backend`. */
export const BACKEND_HELP =
  'auto (the GPU through Dawn, else the fast CPU backend, with one line saying so; train and sweep also take the fast CPU ' +
  'backend over a software adapter such as SwiftShader), gpu, ' +
  'cpu (float32, WebAssembly SIMD; one model on one thread, a sweep on every core), or reference (the float64 CPU reference)';

/** Runs `use` with a runtime of the asked kind, closing it afterwards, also on failure. */
export async function withRuntime<T>(
  choice: BackendChoice,
  use: (runtime: Runtime) => Promise<T>,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
  options: NodeRuntimeOptions = {},
): Promise<T> {
  const runtime = await openNodeRuntime(choice, log, options);
  log(`backend: ${runtime.description}`);
  try {
    return await use(runtime);
  } finally {
    runtime.close();
  }
}

/** What train and sweep open under `auto`: a software adapter trains slower than the fast CPU backend. */
export const TRAINING_RUNTIME: NodeRuntimeOptions = { preferCpuToSoftwareGpu: true };
